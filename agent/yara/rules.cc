#include "agent/yara/rules.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "agent/yara/externals.h"
#include "agent/yara/hash.h"
#include "agent/yara/libyara.h"

// libyara last: its headers define macros (get_string, ...) that clash with other headers.
#include <yara.h>

namespace picket::yara {
namespace fs = std::filesystem;

RuleSet::RuleSet(YR_RULES* rules, std::string version) : rules_(rules), version_(std::move(version)) {
  if (rules_ != nullptr) {
    YR_RULE* rule = nullptr;
    yr_rules_foreach(rules_, rule) { ++rule_count_; }
  }
}

RuleSet::~RuleSet() {
  if (rules_ != nullptr) {
    yr_rules_destroy(rules_);
  }
}

namespace {

bool is_rule_file(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yar" || ext == ".yara";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Removes // and /* */ comments (outside string literals).
std::string strip_comments(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"') {
      size_t j = i + 1;
      while (j < s.size() && s[j] != '"' && s[j] != '\n') {
        j += (s[j] == '\\') ? 2 : 1;
      }
      j = std::min(j, s.size() - 1);
      out.append(s, i, j - i + 1);
      i = j;
    } else if (s.compare(i, 2, "//") == 0) {
      while (i < s.size() && s[i] != '\n') {
        ++i;
      }
      out.push_back('\n');
    } else if (s.compare(i, 2, "/*") == 0) {
      size_t end = s.find("*/", i + 2);
      i = (end == std::string::npos) ? s.size() : end + 1;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// True when the file holds only `include "x"` lines, each naming an existing file inside `root`.
bool is_index_of(const fs::path& file, const fs::path& root) {
  std::istringstream lines(strip_comments(read_text(file.string())));
  std::string line;
  int includes = 0;
  std::error_code ec;
  fs::path canon_root = fs::weakly_canonical(root, ec);
  while (std::getline(lines, line)) {
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) {
      continue;
    }
    std::string_view l(line);
    l.remove_prefix(b);
    if (l.substr(0, 7) != "include") {
      return false;
    }
    size_t q1 = l.find('"');
    size_t q2 = (q1 == std::string_view::npos) ? q1 : l.find('"', q1 + 1);
    if (q2 == std::string_view::npos) {
      return false;
    }
    fs::path target = file.parent_path() / std::string(l.substr(q1 + 1, q2 - q1 - 1));
    fs::path canon = fs::weakly_canonical(target, ec);
    if (ec || !fs::is_regular_file(canon, ec)) {
      return false;
    }
    auto rel = canon.lexically_relative(canon_root);
    if (rel.empty() || *rel.begin() == "..") {
      return false;
    }
    ++includes;
  }
  return includes > 0;
}

struct CompilerErrors {
  std::vector<Error> errors;
  std::vector<Error> warnings;
  std::string fallback_file;
};

void on_compiler_message(int level, const char* file_name, int line, const YR_RULE* rule, const char* message,
                         void* user) {
  auto* out = static_cast<CompilerErrors*>(user);
  Error e;
  e.file = (file_name != nullptr) ? file_name : out->fallback_file;
  e.line = line;
  e.message = (message != nullptr) ? message : "unknown error";
  if (rule != nullptr && rule->identifier != nullptr) {
    e.message = std::string("rule ") + rule->identifier + ": " + e.message;
  }
  e.reason = "yara";
  (level == YARA_ERROR_LEVEL_ERROR ? out->errors : out->warnings).push_back(std::move(e));
}

struct CompilerDeleter {
  void operator()(YR_COMPILER* c) const { yr_compiler_destroy(c); }
};
using CompilerPtr = std::unique_ptr<YR_COMPILER, CompilerDeleter>;

CompilerPtr new_compiler(const CompileOptions& options, CompilerErrors* sink) {
  YR_COMPILER* c = nullptr;
  if (yr_compiler_create(&c) != ERROR_SUCCESS) {
    return nullptr;
  }
  CompilerPtr p(c);
  if (options.define_file_externals) {
    for (auto name : kExternalNames) {
      yr_compiler_define_string_variable(c, std::string(name).c_str(), "");
    }
  }
  yr_compiler_set_callback(c, on_compiler_message, sink);
  return p;
}

// Adds one file; returns false (and leaves the compiler unusable) on any error.
bool add_file(YR_COMPILER* c, CompilerErrors* sink, const std::string& path, const std::string& ns) {
  sink->fallback_file = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    sink->errors.push_back({.file = path, .message = std::string("cannot open: ") + std::strerror(errno),
                            .reason = "unreadable"});
    return false;
  }
  int n = yr_compiler_add_fd(c, fd, ns.c_str(), path.c_str());
  ::close(fd);
  if (n > 0 && sink->errors.empty()) {
    sink->errors.push_back({.file = path, .message = "rejected by libyara", .reason = "yara"});
  }
  return n == 0;
}

std::string unique_namespace(const std::string& path, std::map<std::string, int>* used) {
  std::string stem = fs::path(path).stem().string();
  for (char& c : stem) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      c = '_';
    }
  }
  if (stem.empty()) {
    stem = "rules";
  }
  int n = ++(*used)[stem];
  return n == 1 ? stem : stem + "_" + std::to_string(n);
}

}  // namespace

std::string sources_digest(const std::vector<std::string>& files, const CompileOptions& options) {
  std::string all = "picket-yara-v1\n" YR_VERSION "\n";
  all += options.define_file_externals ? "ext\n" : "noext\n";
  for (const auto& f : files) {
    std::string text = read_text(f);
    all += f + "\n" + std::to_string(text.size()) + "\n";
    all += text;
  }
  return sha256_hex(std::span(reinterpret_cast<const uint8_t*>(all.data()), all.size()));
}

bool is_yara_path(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && is_rule_file(it->path())) {
        return true;
      }
    }
    return false;
  }
  return is_rule_file(path);
}

std::vector<std::string> list_rule_files(const std::vector<std::string>& paths, Diagnostics* diag,
                                         std::vector<std::string>* skipped) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && is_rule_file(it->path())) {
          found.push_back(it->path());
        }
      }
      if (ec) {
        diag->add({.file = p, .message = "cannot read folder: " + ec.message(), .reason = "unreadable"});
      }
      std::sort(found.begin(), found.end());
      for (const auto& f : found) {
        if (is_index_of(f, p)) {
          if (skipped != nullptr) {
            skipped->push_back(f.string());
          }
          continue;
        }
        if (seen.insert(f.string()).second) {
          out.push_back(f.string());
        }
      }
    } else if (fs::exists(p, ec)) {
      if (seen.insert(p).second) {
        out.push_back(p);
      }
    } else {
      diag->add({.file = p, .message = "no such file or folder", .reason = "missing"});
    }
  }
  return out;
}

CompileResult compile_rules(const std::vector<std::string>& paths, const CompileOptions& options) {
  ensure_libyara();
  CompileResult result;
  std::vector<std::string> files = list_rule_files(paths, &result.diag, &result.skipped);

  // Pass 1: every file into one compiler, as long as all compile. libyara's compiler is unusable after an
  // error, so from the first bad file on, each remaining file is first compiled alone (and left out when
  // it fails), and pass 2 rebuilds the set from the good files. A clean rule set compiles once.
  std::map<std::string, int> used;
  std::vector<RuleFile> good;
  CompilerErrors main_sink;
  CompilerPtr main = new_compiler(options, &main_sink);
  bool isolating = (main == nullptr);
  for (const auto& f : files) {
    std::string ns = unique_namespace(f, &used);
    if (!isolating) {
      main_sink.errors.clear();
      main_sink.warnings.clear();
      if (add_file(main.get(), &main_sink, f, ns)) {
        good.push_back({.path = f, .rule_namespace = ns});
        for (auto& w : main_sink.warnings) {
          result.diag.add_warning(std::move(w));
        }
        continue;
      }
      result.failed.push_back(f);
      for (auto& e : main_sink.errors) {
        result.diag.add(std::move(e));
      }
      isolating = true;
      continue;
    }
    CompilerErrors sink;
    CompilerPtr c = new_compiler(options, &sink);
    if (c && add_file(c.get(), &sink, f, ns)) {
      good.push_back({.path = f, .rule_namespace = ns});
      for (auto& w : sink.warnings) {
        result.diag.add_warning(std::move(w));
      }
    } else {
      result.failed.push_back(f);
      for (auto& e : sink.errors) {
        result.diag.add(std::move(e));
      }
    }
  }
  if (!isolating && !good.empty()) {
    YR_RULES* rules = nullptr;
    if (yr_compiler_get_rules(main.get(), &rules) == ERROR_SUCCESS) {
      result.rules = std::make_shared<RuleSet>(rules, sources_digest(files, options));
      result.loaded = std::move(good);
      return result;
    }
  }
  main.reset();

  // Pass 2: everything that compiled alone, together. A file can still fail here only through an
  // interaction with another file; it is then reported and the set rebuilt without it.
  while (!good.empty()) {
    CompilerErrors sink;
    CompilerPtr c = new_compiler(options, &sink);
    if (!c) {
      result.diag.add({.message = "libyara: cannot create a compiler (out of memory)"});
      break;
    }
    size_t bad = good.size();
    for (size_t i = 0; i < good.size(); ++i) {
      if (!add_file(c.get(), &sink, good[i].path, good[i].rule_namespace)) {
        bad = i;
        break;
      }
    }
    if (bad != good.size()) {
      result.failed.push_back(good[bad].path);
      for (auto& e : sink.errors) {
        result.diag.add(std::move(e));
      }
      good.erase(good.begin() + static_cast<std::ptrdiff_t>(bad));
      continue;
    }
    YR_RULES* rules = nullptr;
    if (yr_compiler_get_rules(c.get(), &rules) != ERROR_SUCCESS) {
      result.diag.add({.message = "libyara: cannot build the rule set"});
      break;
    }
    result.rules = std::make_shared<RuleSet>(rules, sources_digest(files, options));
    result.loaded = std::move(good);
    break;
  }
  return result;
}

std::shared_ptr<const RuleSet> compile_rule_text(std::string_view text, const std::string& ns, Diagnostics* diag,
                                                 const CompileOptions& options) {
  ensure_libyara();
  CompilerErrors sink;
  sink.fallback_file = "<text>";
  CompilerPtr c = new_compiler(options, &sink);
  std::string copy(text);
  bool ok = c && yr_compiler_add_string(c.get(), copy.c_str(), ns.c_str()) == 0;
  YR_RULES* rules = nullptr;
  ok = ok && yr_compiler_get_rules(c.get(), &rules) == ERROR_SUCCESS;
  if (diag != nullptr) {
    for (auto& e : sink.errors) {
      diag->add(std::move(e));
    }
  }
  return ok ? std::make_shared<RuleSet>(rules) : nullptr;
}

}  // namespace picket::yara
