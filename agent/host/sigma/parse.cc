// parse_sigma: YAML text -> SigmaRules. Pure; errors carry FILE:LINE of the offending node.
#include <yaml-cpp/yaml.h>

#include "agent/host/sigma/condition.h"
#include "agent/host/sigma/sigma.h"
#include "agent/host/sigma/value.h"

namespace picket::host {
namespace {

using sigma::Alternatives;
using sigma::FieldMatch;
using sigma::Selection;

struct RuleError {
  int line = 0;
  std::string message;
  std::string reason;
};

int line_of(const YAML::Node& n, int fallback) {
  const YAML::Mark m = n.Mark();
  return m.line >= 0 ? m.line + 1 : fallback;
}

std::string lower(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

std::string scalar_or_empty(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); }

bool parse_field_match(const std::string& key, const YAML::Node& val, int line, FieldMatch* out, RuleError* err) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t bar = key.find('|', start);
    parts.push_back(key.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  out->field = parts[0];
  std::vector<std::string> mods;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i] == "all") {
      out->all = true;
    } else {
      mods.push_back(parts[i]);
    }
  }
  const bool keyword = out->field.empty();
  auto one = [&](const YAML::Node& v) {
    if (v && !v.IsNull() && !v.IsScalar()) {
      *err = {line_of(v, line), "'" + key + "': a value must be a scalar or a list of scalars", "nested value"};
      return false;
    }
    Alternatives alts;
    std::string e;
    const bool is_null = !v || v.IsNull();
    if (!sigma::compile_value(is_null ? std::string() : v.Scalar(), is_null, mods, keyword, &alts, &e)) {
      std::string reason = e;
      if (size_t q = reason.find(" '"); q != std::string::npos && reason.starts_with("unsupported modifier")) {
        reason = "unsupported modifier: " + reason.substr(q + 2, reason.size() - q - 3);
      }
      *err = {line_of(v, line), "'" + key + "': " + e, reason};
      return false;
    }
    out->values.push_back(std::move(alts));
    return true;
  };
  if (val.IsSequence()) {
    for (const auto& item : val) {
      if (!one(item)) return false;
    }
    if (val.size() == 0) {
      *err = {line, "'" + key + "': empty value list", "empty value list"};
      return false;
    }
    return true;
  }
  if (val.IsMap()) {
    *err = {line_of(val, line), "'" + key + "': a value must be a scalar or a list of scalars", "nested value"};
    return false;
  }
  return one(val);
}

bool parse_map_group(const YAML::Node& map, std::vector<FieldMatch>* group, RuleError* err) {
  for (const auto& kv : map) {
    FieldMatch fm;
    const std::string key = kv.first.Scalar();
    if (!parse_field_match(key, kv.second, line_of(kv.first, 0), &fm, err)) return false;
    group->push_back(std::move(fm));
  }
  return true;
}

bool parse_selection(const std::string& name, const YAML::Node& node, Selection* sel, RuleError* err) {
  sel->name = name;
  sel->line = line_of(node, 0);
  if (node.IsMap()) {
    sel->groups.emplace_back();
    return parse_map_group(node, &sel->groups.back(), err);
  }
  if (node.IsSequence()) {
    bool maps = false;
    bool scalars = false;
    for (const auto& item : node) {
      maps |= item.IsMap();
      scalars |= !item.IsMap();
    }
    if (maps && scalars) {
      *err = {sel->line, "detection '" + name + "' mixes maps and plain values", "mixed list"};
      return false;
    }
    if (maps) {
      for (const auto& item : node) {
        sel->groups.emplace_back();
        if (!parse_map_group(item, &sel->groups.back(), err)) return false;
      }
      return true;
    }
    FieldMatch fm;
    if (!parse_field_match("", node, sel->line, &fm, err)) return false;
    sel->groups.push_back({std::move(fm)});
    return true;
  }
  if (node.IsScalar()) {
    FieldMatch fm;
    if (!parse_field_match("", node, sel->line, &fm, err)) return false;
    sel->groups.push_back({std::move(fm)});
    return true;
  }
  *err = {sel->line, "detection '" + name + "' is empty", "empty detection"};
  return false;
}

bool parse_rule(const YAML::Node& doc, const std::string& file, SigmaRule* r, RuleError* err) {
  r->file = file;
  r->line = line_of(doc, 1);
  r->title = scalar_or_empty(doc["title"]);
  if (r->title.empty()) {
    *err = {r->line, "rule has no title", "missing title"};
    return false;
  }
  r->id = scalar_or_empty(doc["id"]);
  if (r->id.empty()) {
    size_t slash = file.rfind('/');
    r->id = file.substr(slash == std::string::npos ? 0 : slash + 1);
  }
  r->level = lower(scalar_or_empty(doc["level"]));
  r->severity = sigma_level_severity(r->level);
  r->status = scalar_or_empty(doc["status"]);
  r->description = scalar_or_empty(doc["description"]);
  if (const auto tags = doc["tags"]; tags && tags.IsSequence()) {
    for (const auto& t : tags) {
      if (t.IsScalar()) r->tags.push_back(t.Scalar());
    }
  }
  const YAML::Node ls = doc["logsource"];
  if (!ls || !ls.IsMap()) {
    *err = {r->line, "rule has no logsource", "missing logsource"};
    return false;
  }
  r->logsource.product = lower(scalar_or_empty(ls["product"]));
  r->logsource.category = lower(scalar_or_empty(ls["category"]));
  r->logsource.service = lower(scalar_or_empty(ls["service"]));
  const YAML::Node det = doc["detection"];
  if (!det || !det.IsMap()) {
    *err = {r->line, "rule has no detection", "missing detection"};
    return false;
  }
  YAML::Node cond;
  for (const auto& kv : det) {
    const std::string name = kv.first.Scalar();
    if (name == "condition") {
      cond = kv.second;
      continue;
    }
    if (name == "timeframe") continue;  // only meaningful for aggregations, which are rejected below
    Selection sel;
    if (!parse_selection(name, kv.second, &sel, err)) return false;
    r->selections.push_back(std::move(sel));
  }
  if (!cond) {
    *err = {line_of(det, r->line), "detection has no condition", "missing condition"};
    return false;
  }
  std::vector<std::string> conds;
  if (cond.IsScalar()) {
    conds.push_back(cond.Scalar());
  } else if (cond.IsSequence()) {
    for (const auto& c : cond) {
      if (c.IsScalar()) conds.push_back(c.Scalar());
    }
  }
  if (conds.empty()) {
    *err = {line_of(cond, r->line), "condition must be a string or a list of strings", "bad condition"};
    return false;
  }
  int root = -1;
  for (const auto& c : conds) {
    std::string e;
    int n = sigma::parse_condition(c, r->selections, r->nodes, &e);
    if (n < 0) {
      std::string reason = e.find("aggregation") != std::string::npos ? "aggregation condition" : "bad condition";
      *err = {line_of(cond, r->line), e, reason};
      return false;
    }
    if (root < 0) {
      root = n;
    } else {
      r->nodes.push_back(sigma::CondNode{.op = sigma::CondNode::kOr, .kids = {root, n}});
      root = static_cast<int>(r->nodes.size()) - 1;
    }
  }
  r->root = root;
  return true;
}

// Sigma 1 rule collections: "action: global" documents are merged into the documents that follow.
YAML::Node merged(const YAML::Node& base, const YAML::Node& over) {
  if (!base || !base.IsMap() || !over.IsMap()) return over;
  YAML::Node out = YAML::Clone(base);
  for (const auto& kv : over) {
    const std::string k = kv.first.Scalar();
    out[k] = out[k] && out[k].IsMap() && kv.second.IsMap() ? merged(out[k], kv.second) : kv.second;
  }
  return out;
}

}  // namespace

uint32_t sigma_level_severity(std::string_view level) {
  if (level == "critical" || level == "high") return 1;
  if (level == "medium") return 2;
  if (level == "low") return 3;
  if (level == "informational") return 4;
  return 2;
}

SigmaParsed parse_sigma(std::string_view yaml_text, const std::string& file) {
  SigmaParsed out;
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    out.diag.add({.file = file, .line = e.mark.line >= 0 ? e.mark.line + 1 : 0, .message = "YAML: " + e.msg,
                  .reason = "invalid YAML"});
    ++out.failed;
    return out;
  }
  YAML::Node global;
  for (const auto& raw : docs) {
    if (!raw || raw.IsNull()) continue;
    if (!raw.IsMap()) {
      out.diag.add({.file = file, .line = line_of(raw, 1), .message = "a Sigma document must be a map",
                    .reason = "not a map"});
      ++out.failed;
      continue;
    }
    const std::string action = scalar_or_empty(raw["action"]);
    if (action == "global") {
      global = raw;
      continue;
    }
    if (action == "reset") {
      global = YAML::Node();
      continue;
    }
    const YAML::Node doc = global ? merged(global, raw) : raw;
    try {
      if (doc["correlation"]) {
        out.diag.add_warning({.file = file, .line = line_of(doc, 1),
                              .message = "correlation rule '" + scalar_or_empty(doc["title"]) +
                                         "' skipped: correlation runs in the collector",
                              .reason = "correlation rule"});
        ++out.correlations;
        continue;
      }
      if (doc["filter"] && !doc["detection"]) {
        out.diag.add_warning({.file = file, .line = line_of(doc, 1),
                              .message = "filter document '" + scalar_or_empty(doc["title"]) + "' skipped",
                              .reason = "filter document"});
        continue;
      }
      SigmaRule r;
      RuleError err;
      if (parse_rule(doc, file, &r, &err)) {
        out.rules.push_back(std::move(r));
      } else {
        out.diag.add({.file = file, .line = err.line, .message = err.message, .reason = err.reason});
        ++out.failed;
      }
    } catch (const YAML::Exception& e) {
      out.diag.add({.file = file, .line = line_of(doc, 1), .message = "YAML: " + e.msg, .reason = "invalid YAML"});
      ++out.failed;
    }
  }
  return out;
}

}  // namespace picket::host
