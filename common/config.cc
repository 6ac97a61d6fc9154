#include "common/config.h"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace picket::config {
namespace {

constexpr size_t kMaxConfigBytes = 16u << 20;

std::vector<std::string_view> split_dots(std::string_view key) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    out.push_back(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

// Does `pattern` (may hold "*" segments) match `key` exactly, or (prefix_only) start with `key`'s segments?
bool pattern_matches(std::string_view pattern, std::string_view key, bool prefix_only) {
  auto p = split_dots(pattern);
  auto k = split_dots(key);
  if (prefix_only ? k.size() >= p.size() : k.size() != p.size()) return false;
  for (size_t i = 0; i < k.size(); ++i) {
    if (p[i] != "*" && p[i] != k[i]) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

const char* type_name(Type t) {
  switch (t) {
    case Type::kString: return "a string";
    case Type::kInt: return "an integer";
    case Type::kBool: return "true or false";
    case Type::kDouble: return "a number";
    case Type::kDuration: return "a duration such as 500ms, 30s, 5m, 2h or 7d";
    case Type::kSize: return "a size such as 4096, 64KB, 200MB or 1GB";
    case Type::kStringList: return "a list of strings";
    case Type::kNode: return "a value";
  }
  return "a value";
}

bool parse_int(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool parse_double(std::string_view s, double* out) {
  if (s.empty()) return false;
  std::string tmp(s);
  char* end = nullptr;
  errno = 0;
  *out = std::strtod(tmp.c_str(), &end);
  return errno == 0 && end == tmp.c_str() + tmp.size();
}

}  // namespace

bool parse_bool(std::string_view text, bool* out) {
  std::string t = lower(text);
  if (t == "true" || t == "yes" || t == "on" || t == "1") {
    *out = true;
    return true;
  }
  if (t == "false" || t == "no" || t == "off" || t == "0") {
    *out = false;
    return true;
  }
  return false;
}

bool parse_duration(std::string_view text, std::chrono::milliseconds* out) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 12) return false;
  int64_t n = 0;
  if (!parse_int(text.substr(0, i), &n)) return false;
  std::string unit = lower(text.substr(i));
  int64_t ms_per = 0;
  if (unit.empty() || unit == "s") ms_per = 1000;
  else if (unit == "ms") ms_per = 1;
  else if (unit == "m" || unit == "min") ms_per = 60'000;
  else if (unit == "h") ms_per = 3'600'000;
  else if (unit == "d") ms_per = 86'400'000;
  else return false;
  *out = std::chrono::milliseconds(n * ms_per);
  return true;
}

bool parse_size(std::string_view text, uint64_t* out) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 15) return false;
  int64_t n = 0;
  if (!parse_int(text.substr(0, i), &n)) return false;
  std::string unit = lower(text.substr(i));
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  uint64_t mult = 0;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "kb" || unit == "kib" || unit == "k") mult = 1ull << 10;
  else if (unit == "mb" || unit == "mib" || unit == "m") mult = 1ull << 20;
  else if (unit == "gb" || unit == "gib" || unit == "g") mult = 1ull << 30;
  else if (unit == "tb" || unit == "tib") mult = 1ull << 40;
  else return false;
  *out = static_cast<uint64_t>(n) * mult;
  return true;
}

void Schema::add(KeySpec spec) {
  auto it = std::find_if(specs_.begin(), specs_.end(), [&](const KeySpec& s) { return s.key == spec.key; });
  if (it != specs_.end()) {
    *it = std::move(spec);  // a later module may refine a key's default
  } else {
    specs_.push_back(std::move(spec));
  }
}

const KeySpec* Schema::find(std::string_view key) const {
  for (const auto& s : specs_) {
    if (s.key == key) return &s;
  }
  for (const auto& s : specs_) {
    for (const auto& a : s.aliases) {
      if (a == key) return &s;
    }
  }
  for (const auto& s : specs_) {
    if (s.key.find('*') != std::string::npos && pattern_matches(s.key, key, false)) return &s;
  }
  return nullptr;
}

bool Schema::is_section(std::string_view prefix) const {
  for (const auto& s : specs_) {
    if (pattern_matches(s.key, prefix, true) && split_dots(s.key).size() > split_dots(prefix).size()) {
      return true;
    }
    for (const auto& a : s.aliases) {
      if (pattern_matches(a, prefix, true) && split_dots(a).size() > split_dots(prefix).size()) return true;
    }
  }
  return false;
}

// Loader: walks the YAML tree against the schema.
struct Loader {
  const Schema& schema;
  const std::string& file;
  Loaded& out;

  Error err(const YAML::Mark& m, std::string msg, std::string reason) const {
    Error e;
    e.file = file;
    if (!m.is_null()) {
      e.line = m.line + 1;
      e.column = m.column + 1;
    }
    e.message = std::move(msg);
    e.reason = std::move(reason);
    return e;
  }

  std::string suggestion(const std::string& key) const {
    std::string best;
    size_t best_d = 4;
    for (const auto& s : schema.keys()) {
      if (s.key.find('*') != std::string::npos) continue;
      size_t d = edit_distance(key, s.key);
      if (d < best_d) {
        best_d = d;
        best = s.key;
      }
    }
    return best.empty() ? std::string() : "; did you mean '" + best + "'?";
  }

  // Checks `value` against `spec`; on success returns an empty string, else the message.
  static std::string validate(const KeySpec& spec, const YAML::Node& value) {
    const std::string& key = spec.key;
    if (spec.type == Type::kNode) return {};
    if (spec.type == Type::kStringList) {
      if (value.IsNull() || value.IsScalar()) return {};
      if (!value.IsSequence()) return key + ": expected " + type_name(spec.type);
      for (const auto& item : value) {
        if (!item.IsScalar()) return key + ": expected " + type_name(spec.type);
      }
      return {};
    }
    if (!value.IsScalar()) return key + ": expected " + type_name(spec.type);
    const std::string& s = value.Scalar();
    bool ok = true;
    switch (spec.type) {
      case Type::kString:
        if (!spec.choices.empty() &&
            std::find(spec.choices.begin(), spec.choices.end(), s) == spec.choices.end()) {
          std::string list;
          for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
          return key + ": expected one of " + list + "; got '" + s + "'";
        }
        break;
      case Type::kInt: {
        int64_t v = 0;
        ok = parse_int(s, &v);
        if (ok && (v < spec.min || v > spec.max)) {
          return key + ": " + s + " is out of range [" + std::to_string(spec.min) + ", " +
                 std::to_string(spec.max) + "]";
        }
        break;
      }
      case Type::kBool: {
        bool b = false;
        ok = parse_bool(s, &b);
        break;
      }
      case Type::kDouble: {
        double d = 0;
        ok = parse_double(s, &d);
        break;
      }
      case Type::kDuration: {
        std::chrono::milliseconds d{};
        ok = parse_duration(s, &d);
        break;
      }
      case Type::kSize: {
        uint64_t n = 0;
        ok = parse_size(s, &n);
        break;
      }
      default:
        break;
    }
    if (!ok) return key + ": expected " + type_name(spec.type) + "; got '" + s + "'";
    return {};
  }

  void store(const std::string& key, const KeySpec& spec, const YAML::Node& value, Location loc) {
    std::string canonical = key;
    if (spec.key.find('*') == std::string::npos) canonical = spec.key;  // aliases land on the real key
    auto& e = out.settings.entries_[canonical];
    e.spec = &spec;
    e.value = YAML::Clone(value);
    e.loc = std::move(loc);
    e.explicitly_set = true;
  }

  void walk(const YAML::Node& map, const std::string& prefix) {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      YAML::Node k = it->first;
      YAML::Node v = it->second;
      if (!k.IsScalar()) {
        out.diag.add(err(k.Mark(), "keys must be plain names", "bad key"));
        continue;
      }
      std::string key = prefix.empty() ? k.Scalar() : prefix + "." + k.Scalar();
      if (!seen.insert(k.Scalar()).second) {
        out.diag.add(err(k.Mark(), "duplicate key '" + key + "'", "duplicate key"));
        continue;
      }
      const KeySpec* spec = schema.find(key);
      if (spec != nullptr) {
        std::string problem = validate(*spec, v);
        if (!problem.empty()) {
          out.diag.add(err(v.Mark().is_null() ? k.Mark() : v.Mark(), problem, "bad value"));
          continue;
        }
        store(key, *spec, v, Location{file, k.Mark().line + 1, k.Mark().column + 1});
      } else if (v.IsMap() && schema.is_section(key)) {
        walk(v, key);
      } else if (schema.is_section(key)) {
        out.diag.add(err(v.Mark().is_null() ? k.Mark() : v.Mark(), key + ": expected a section of settings",
                         "bad value"));
      } else {
        out.diag.add(err(k.Mark(), "unknown key '" + key + "'" + suggestion(key), "unknown key"));
      }
    }
  }

  void apply_override(const std::string& text) {
    Error e;
    e.file = "--set";
    size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
      e.message = "expected KEY=VALUE, got '" + text + "'";
      e.reason = "bad override";
      out.diag.add(std::move(e));
      return;
    }
    std::string key = text.substr(0, eq);
    std::string raw = text.substr(eq + 1);
    const KeySpec* spec = schema.find(key);
    if (spec == nullptr) {
      e.message = "unknown or unsupported setting '" + key + "'" + suggestion(key);
      e.reason = "unknown key";
      out.diag.add(std::move(e));
      return;
    }
    YAML::Node value;
    try {
      value = raw.empty() ? YAML::Node(std::string()) : YAML::Load(raw);
    } catch (const YAML::Exception&) {
      value = YAML::Node(raw);
    }
    if (value.IsNull()) value = YAML::Node(raw);
    std::string problem = validate(*spec, value);
    if (!problem.empty()) {
      e.message = problem;
      e.reason = "bad value";
      out.diag.add(std::move(e));
      return;
    }
    store(key, *spec, value, Location{"--set", 0, 0});
  }
};

Loaded load_text(const Schema& schema, std::string_view yaml_text, const std::string& file_name,
                 const std::vector<std::string>& overrides) {
  Loaded out;
  out.settings.source_ = file_name;
  // Defaults first: every concrete key with a default has an entry.
  for (const auto& s : schema.keys()) {
    if (s.default_value.empty() || s.key.find('*') != std::string::npos) continue;
    auto& e = out.settings.entries_[s.key];
    e.spec = &s;
    try {
      e.value = YAML::Load(s.default_value);
    } catch (const YAML::Exception&) {
      e.value = YAML::Node(s.default_value);
    }
  }
  // Remember the schema for keys that are read but neither set nor defaulted.
  out.settings.schema_ = &schema;
  Loader loader{schema, file_name, out};
  if (yaml_text.size() > kMaxConfigBytes) {
    out.diag.add(Error{.file = file_name, .message = "config file is larger than 16 MiB", .reason = "too large"});
    return out;
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::ParserException& ex) {
    out.diag.add(loader.err(ex.mark, ex.msg, "syntax"));
    return out;
  } catch (const YAML::Exception& ex) {
    out.diag.add(loader.err(ex.mark, ex.msg, "syntax"));
    return out;
  }
  if (root.IsMap()) {
    loader.walk(root, "");
  } else if (!root.IsNull()) {
    out.diag.add(loader.err(root.Mark(), "expected a mapping of settings at the top level", "syntax"));
  }
  for (const auto& o : overrides) loader.apply_override(o);
  return out;
}

Loaded load_file(const Schema& schema, const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Loaded out = load_text(schema, "", path, overrides);
    out.diag.add(Error{.file = path, .message = "cannot read config file: " + std::string(std::strerror(errno)),
                       .reason = "unreadable"});
    return out;
  }
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes + 1) break;
  }
  return load_text(schema, text, path, overrides);
}

const Settings::Entry* Settings::entry(std::string_view key) const {
  auto it = entries_.find(key);
  if (it != entries_.end()) return &it->second;
  assert(schema_ == nullptr || schema_->find(key) != nullptr);
  return nullptr;
}

std::string Settings::get_string(std::string_view key) const {
  const Entry* e = entry(key);
  if (e == nullptr || !e->value.IsScalar()) return {};
  return e->value.Scalar();
}

int64_t Settings::get_int(std::string_view key) const {
  int64_t v = 0;
  const Entry* e = entry(key);
  if (e != nullptr && e->value.IsScalar()) parse_int(e->value.Scalar(), &v);
  return v;
}

bool Settings::get_bool(std::string_view key) const {
  bool v = false;
  const Entry* e = entry(key);
  if (e != nullptr && e->value.IsScalar()) parse_bool(e->value.Scalar(), &v);
  return v;
}

double Settings::get_double(std::string_view key) const {
  double v = 0;
  const Entry* e = entry(key);
  if (e != nullptr && e->value.IsScalar()) parse_double(e->value.Scalar(), &v);
  return v;
}

std::chrono::milliseconds Settings::get_duration(std::string_view key) const {
  std::chrono::milliseconds v{0};
  const Entry* e = entry(key);
  if (e != nullptr && e->value.IsScalar()) parse_duration(e->value.Scalar(), &v);
  return v;
}

uint64_t Settings::get_size(std::string_view key) const {
  uint64_t v = 0;
  const Entry* e = entry(key);
  if (e != nullptr && e->value.IsScalar()) parse_size(e->value.Scalar(), &v);
  return v;
}

std::vector<std::string> Settings::get_list(std::string_view key) const {
  std::vector<std::string> out;
  const Entry* e = entry(key);
  if (e == nullptr) return out;
  if (e->value.IsScalar()) {
    out.push_back(e->value.Scalar());
  } else if (e->value.IsSequence()) {
    for (const auto& item : e->value) out.push_back(item.Scalar());
  }
  return out;
}

YAML::Node Settings::node(std::string_view key) const {
  const Entry* e = entry(key);
  return e == nullptr ? YAML::Node() : e->value;
}

bool Settings::is_set(std::string_view key) const {
  const Entry* e = entry(key);
  return e != nullptr && e->explicitly_set;
}

Location Settings::where(std::string_view key) const {
  const Entry* e = entry(key);
  return e == nullptr ? Location{} : e->loc;
}

std::vector<std::string> Settings::keys_with_prefix(std::string_view prefix) const {
  std::vector<std::string> out;
  for (const auto& [k, e] : entries_) {
    if (k.compare(0, prefix.size(), prefix) == 0) out.push_back(k);
  }
  return out;
}

void add_logging_keys(Schema& schema) {
  schema.add({.key = "logging.level",
              .type = Type::kString,
              .default_value = "info",
              .help = "minimum level written: trace, debug, info, warn, error, off",
              .choices = {"trace", "debug", "info", "warn", "error", "off"}});
  schema.add({.key = "logging.file",
              .type = Type::kString,
              .help = "also write the log to this file (appended, rotated at 10 MB, 5 kept)"});
  schema.add({.key = "logging.console",
              .type = Type::kBool,
              .default_value = "true",
              .help = "write the log to standard error"});
}

}  // namespace picket::config
