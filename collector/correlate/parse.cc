// Loading Sigma correlation rules from YAML (collector/correlate/rule.h).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "collector/correlate/rule.h"
#include "common/config.h"

namespace picket::collector::correlate {

std::string_view type_name(CorrelationType t) {
  switch (t) {
    case CorrelationType::kEventCount: return "event_count";
    case CorrelationType::kValueCount: return "value_count";
    case CorrelationType::kTemporal: return "temporal";
    case CorrelationType::kTemporalOrdered: return "temporal_ordered";
  }
  return "?";
}

bool Condition::holds(int64_t n) const {
  if (gt && !(n > *gt)) return false;
  if (gte && !(n >= *gte)) return false;
  if (lt && !(n < *lt)) return false;
  if (lte && !(n <= *lte)) return false;
  if (eq && n != *eq) return false;
  if (neq && n == *neq) return false;
  return true;
}

std::string CorrelationRule::qualified_id() const {
  return "correlation:" + (!id.empty() ? id : !name.empty() ? name : title);
}

uint32_t level_severity(std::string_view level) {
  if (level == "critical" || level == "high") return 1;
  if (level == "medium") return 2;
  if (level == "low") return 3;
  if (level == "informational") return 4;
  return 0;
}

namespace {

struct Ctx {
  const std::string& file;
  Diagnostics* diag;
  bool failed = false;
  void error(const YAML::Node& n, const std::string& msg) {
    diag->add({.file = file, .line = n.IsDefined() ? n.Mark().line + 1 : 0, .message = msg});
    failed = true;
  }
  void error_at(int line, const std::string& msg) {
    diag->add({.file = file, .line = line, .message = msg});
    failed = true;
  }
};

// yaml-cpp throws on any query of a missing key's node except IsDefined(), hence the checks first.
bool scalar(const YAML::Node& n, std::string* out) {
  if (!n.IsDefined() || !n.IsScalar()) return false;
  *out = n.Scalar();
  return true;
}

bool integer(const YAML::Node& n, int64_t* out) {
  if (!n.IsDefined() || !n.IsScalar()) return false;
  const std::string& s = n.Scalar();
  if (s.empty()) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    if (v > (INT64_MAX - 9) / 10) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = s[0] == '-' ? -v : v;
  return true;
}

bool string_list(const YAML::Node& n, std::vector<std::string>* out) {
  if (!n.IsDefined()) return false;
  if (n.IsScalar()) {
    out->push_back(n.Scalar());
    return true;
  }
  if (!n.IsSequence()) return false;
  for (const auto& item : n) {
    if (!item.IsScalar()) return false;
    out->push_back(item.Scalar());
  }
  return true;
}

// Sigma timespans are "<number><s|m|h|d>"; config::parse_duration accepts them (and ms).
bool timespan(const std::string& text, int64_t* us) {
  std::chrono::milliseconds ms{};
  if (text.empty() || !config::parse_duration(text, &ms) || ms.count() <= 0) return false;
  *us = ms.count() * 1000;
  return true;
}

void parse_condition(const YAML::Node& n, CorrelationRule* r, Ctx& ctx) {
  if (!n.IsMap()) {
    ctx.error(n, "correlation.condition: expected a map such as {gte: 10}");
    return;
  }
  for (const auto& kv : n) {
    std::string key = kv.first.Scalar();
    if (key == "field") {
      if (!scalar(kv.second, &r->condition.field) || r->condition.field.empty()) {
        ctx.error(kv.second, "correlation.condition.field: expected a field name");
      }
      continue;
    }
    int64_t v = 0;
    if (!integer(kv.second, &v)) {
      ctx.error(kv.second, "correlation.condition." + key + ": expected an integer");
      continue;
    }
    if (key == "gt") r->condition.gt = v;
    else if (key == "gte") r->condition.gte = v;
    else if (key == "lt") r->condition.lt = v;
    else if (key == "lte") r->condition.lte = v;
    else if (key == "eq") r->condition.eq = v;
    else if (key == "neq") r->condition.neq = v;
    else ctx.error(kv.first, "correlation.condition: unknown operator '" + key + "' (gt, gte, lt, lte, eq, neq)");
  }
}

void parse_aliases(const YAML::Node& n, CorrelationRule* r, Ctx& ctx) {
  if (!n.IsMap()) {
    ctx.error(n, "correlation.aliases: expected a map of alias -> {rule: field}");
    return;
  }
  for (const auto& alias : n) {
    if (!alias.second.IsMap()) {
      ctx.error(alias.second, "correlation.aliases." + alias.first.Scalar() + ": expected a map of rule -> field");
      continue;
    }
    auto& m = r->aliases[alias.first.Scalar()];
    for (const auto& kv : alias.second) {
      std::string field;
      if (!scalar(kv.second, &field)) {
        ctx.error(kv.second, "correlation.aliases." + alias.first.Scalar() + ": expected a field name");
        continue;
      }
      m[kv.first.Scalar()] = field;
    }
  }
}

void parse_correlation(const YAML::Node& doc, CorrelationRule* r, Ctx& ctx) {
  const YAML::Node c = doc["correlation"];
  if (!c.IsDefined() || !c.IsMap()) {
    ctx.error(c, "correlation: expected a map");
    return;
  }
  static const std::set<std::string> kKnown = {"type", "rules", "group-by", "timespan", "condition",
                                                "aliases", "generate"};
  for (const auto& kv : c) {
    if (!kKnown.count(kv.first.Scalar())) ctx.error(kv.first, "correlation: unknown key '" + kv.first.Scalar() + "'");
  }
  std::string type;
  const size_t errors_before = ctx.diag->errors().size();
  if (!scalar(c["type"], &type)) {
    ctx.error(c["type"].IsDefined() ? c["type"] : c, "correlation.type: missing or not a string");
  } else if (type == "event_count") r->type = CorrelationType::kEventCount;
  else if (type == "value_count") r->type = CorrelationType::kValueCount;
  else if (type == "temporal") r->type = CorrelationType::kTemporal;
  else if (type == "temporal_ordered") r->type = CorrelationType::kTemporalOrdered;
  else if (type == "value_sum" || type == "value_avg" || type == "value_percentile") {
    ctx.error(c["type"], "correlation.type: '" + type + "' is not supported by picket-collector");
  } else {
    ctx.error(c["type"], "correlation.type: unknown type '" + type + "'");
  }
  if (!c["rules"].IsDefined() || !string_list(c["rules"], &r->rules) || r->rules.empty()) {
    ctx.error(c["rules"].IsDefined() ? c["rules"] : c, "correlation.rules: expected a list of rule ids or names");
  }
  if (c["group-by"].IsDefined() && !string_list(c["group-by"], &r->group_by)) {
    ctx.error(c["group-by"], "correlation.group-by: expected a list of field names");
  }
  std::string ts;
  if (!scalar(c["timespan"], &ts) || !timespan(ts, &r->timespan_us)) {
    ctx.error(c["timespan"].IsDefined() ? c["timespan"] : c,
              "correlation.timespan: expected a duration such as 10m (s, m, h, d)");
  }
  if (c["condition"].IsDefined()) parse_condition(c["condition"], r, ctx);
  if (c["aliases"].IsDefined()) parse_aliases(c["aliases"], r, ctx);
  if (c["generate"].IsDefined()) {
    std::string g;
    if (!scalar(c["generate"], &g) || !config::parse_bool(g, &r->generate)) {
      ctx.error(c["generate"], "correlation.generate: expected true or false");
    }
  }
  if (ctx.diag->errors().size() != errors_before) return;  // no type: the checks below would only echo it
  bool counting = r->type == CorrelationType::kEventCount || r->type == CorrelationType::kValueCount;
  if (counting && r->condition.empty()) {
    ctx.error(c["condition"].IsDefined() ? c["condition"] : c,
              "correlation.condition: " + std::string(type_name(r->type)) + " needs a condition such as {gte: 10}");
  }
  if (r->type == CorrelationType::kValueCount && r->condition.field.empty()) {
    ctx.error(c["condition"].IsDefined() ? c["condition"] : c, "correlation.condition.field: value_count needs a field");
  }
  if (r->type != CorrelationType::kValueCount && !r->condition.field.empty()) {
    ctx.error(c["condition"], "correlation.condition.field: only value_count counts a field");
  }
  if ((r->type == CorrelationType::kTemporal || r->type == CorrelationType::kTemporalOrdered) &&
      !r->condition.monotonic()) {
    ctx.error(c["condition"], "correlation.condition: temporal correlations take only gt/gte");
  }
  for (const auto& [alias, m] : r->aliases) {
    for (const auto& [rule, field] : m) {
      if (std::find(r->rules.begin(), r->rules.end(), rule) == r->rules.end()) {
        ctx.error(c["aliases"], "correlation.aliases." + alias + ": '" + rule + "' is not in correlation.rules");
      }
    }
  }
}

}  // namespace

void parse_rules(std::string_view yaml_text, const std::string& file_name, RuleSet* out, Diagnostics* diag) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    diag->add({.file = file_name, .line = e.mark.line >= 0 ? e.mark.line + 1 : 0,
               .column = e.mark.column >= 0 ? e.mark.column + 1 : 0, .message = "YAML: " + e.msg});
    return;
  }
  for (const YAML::Node& doc : docs) {
    if (doc.IsNull()) continue;
    Ctx ctx{file_name, diag};
    if (!doc.IsMap()) {
      ctx.error(doc, "expected a YAML map (a Sigma rule or correlation)");
      continue;
    }
    try {
      std::string name, id;
      scalar(doc["name"], &name);
      scalar(doc["id"], &id);
      if (!doc["correlation"].IsDefined()) {
        // A base Sigma rule: remember its name so that correlations may refer to it.
        if (!name.empty() && !id.empty()) out->base_names[name] = id;
        continue;
      }
      CorrelationRule r;
      r.file = file_name;
      r.line = doc.Mark().line + 1;
      r.name = name;
      r.id = id;
      if (!scalar(doc["title"], &r.title) || r.title.empty()) ctx.error(doc, "title: a correlation rule needs a title");
      std::string level;
      if (scalar(doc["level"], &level)) {
        r.severity = level_severity(level);
        if (r.severity == 0) {
          ctx.error(doc["level"], "level: expected informational, low, medium, high or critical; got '" + level + "'");
        }
      }
      if (doc["tags"].IsDefined()) (void)string_list(doc["tags"], &r.tags);
      parse_correlation(doc, &r, ctx);
      if (!ctx.failed) out->rules.push_back(std::move(r));
    } catch (const YAML::Exception& e) {
      ctx.error(doc, std::string("YAML: ") + e.what());
    }
  }
}

void load_rule_path(const std::string& path, RuleSet* out, Diagnostics* diag) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> files;
  if (!fs::exists(path, ec)) {
    // A configured folder that is not there (yet) is not an error: there is simply nothing to load.
    diag->add_warning({.file = path, .message = "no such file or folder; no correlation rules from it"});
    return;
  }
  if (fs::is_directory(path, ec)) {
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      auto ext = it->path().extension();
      if (it->is_regular_file(ec) && (ext == ".yml" || ext == ".yaml")) files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      diag->add({.file = f, .message = "cannot read correlation rules"});
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    parse_rules(ss.str(), f, out, diag);
  }
}

void validate_rule_set(RuleSet* set, Diagnostics* diag) {
  auto& rules = set->rules;
  std::map<std::string, size_t> by_key;
  std::vector<bool> bad(rules.size(), false);
  for (size_t i = 0; i < rules.size(); ++i) {
    for (const std::string& k : {rules[i].name, rules[i].id}) {
      if (k.empty()) continue;
      auto [it, fresh] = by_key.emplace(k, i);
      if (!fresh && it->second != i) {
        diag->add({.file = rules[i].file, .line = rules[i].line,
                   .message = "correlation '" + k + "' is defined twice (also at " + rules[it->second].file + ":" +
                              std::to_string(rules[it->second].line) + ")"});
        bad[i] = true;
      }
    }
  }
  // Reference cycles between correlation rules.
  std::vector<int> mark(rules.size(), 0);  // 0 new, 1 on stack, 2 done
  std::function<bool(size_t)> visit = [&](size_t i) -> bool {
    if (mark[i] == 1) return false;
    if (mark[i] == 2) return true;
    mark[i] = 1;
    bool ok = true;
    for (const auto& ref : rules[i].rules) {
      if (auto it = by_key.find(ref); it != by_key.end() && !visit(it->second)) ok = false;
    }
    mark[i] = 2;
    return ok;
  };
  for (size_t i = 0; i < rules.size(); ++i) {
    mark.assign(rules.size(), 0);
    if (!visit(i)) {
      diag->add({.file = rules[i].file, .line = rules[i].line,
                 .message = "correlation '" + rules[i].title + "' refers to itself through its rules"});
      bad[i] = true;
    }
  }
  std::vector<CorrelationRule> kept;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!bad[i]) kept.push_back(std::move(rules[i]));
  }
  rules = std::move(kept);
}

}  // namespace picket::collector::correlate
