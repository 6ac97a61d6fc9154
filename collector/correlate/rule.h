#pragma once
// Sigma correlation rules (specification v2) as the collector evaluates them, and their loader.
//
//   picket::Diagnostics diag;
//   picket::collector::correlate::RuleSet set;
//   picket::collector::correlate::load_rule_path("rules/correlation", &set, &diag);
//   for (const auto& e : diag.errors()) std::cerr << e.format() << '\n';   // FILE:LINE: message
//
// A file may hold several YAML documents (`---`). Documents with a `correlation:` section are correlation
// rules; other documents are base Sigma rules whose `name` and `id` are remembered so that correlations can
// name them. Types: event_count, value_count, temporal, temporal_ordered (value_sum, value_avg and
// value_percentile are rejected with an error). Base rules are referenced by Picket rule id
// ("suricata:2010935", "sigma:<uuid>", "yara:<namespace>:<rule>", "fim:modify", "health:agent-silent"), by
// a bare Sigma id, by a rule name, or by a prefix ending in '*' ("suricata:*", a Picket extension).
// Correlation rules referenced by another rule are chained; they raise incidents only with
// `generate: true`.
//
// Pure parsing (parse_rules) apart from file reading (load_rule_path). Plain values; no threads.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace picket::collector::correlate {

enum class CorrelationType { kEventCount, kValueCount, kTemporal, kTemporalOrdered };

std::string_view type_name(CorrelationType t);

// A map of one or more of gt/gte/lt/lte/eq/neq, all of which must hold.
struct Condition {
  std::optional<int64_t> gt, gte, lt, lte, eq, neq;
  std::string field;  // value_count: the field whose distinct values are counted

  bool holds(int64_t n) const;
  bool empty() const { return !gt && !gte && !lt && !lte && !eq && !neq; }
  // Only lower bounds: once true for a window, adding events keeps it true, so the rule fires as soon as
  // it holds. Other conditions are evaluated when a window closes.
  bool monotonic() const { return !lt && !lte && !eq && !neq; }
};

struct CorrelationRule {
  std::string file;
  int line = 0;
  std::string title;
  std::string id;    // the rule's id, may be empty
  std::string name;  // the rule's name, may be empty
  CorrelationType type = CorrelationType::kEventCount;
  std::vector<std::string> rules;     // references, in order (temporal_ordered order)
  std::vector<std::string> group_by;  // normalised or alias field names
  int64_t timespan_us = 0;
  Condition condition;
  // alias -> (referenced rule as written in `rules`) -> field name in that rule's events
  std::map<std::string, std::map<std::string, std::string>> aliases;
  uint32_t severity = 0;  // from `level`, 0 when absent (the incident takes its members' highest)
  bool generate = false;
  std::vector<std::string> tags;

  // "correlation:<id or name or title>": the rule id that incidents carry.
  std::string qualified_id() const;
};

struct RuleSet {
  std::vector<CorrelationRule> rules;
  // Base Sigma rules seen in the files: name -> id.
  std::map<std::string, std::string> base_names;
};

// Parses one file's text (several documents allowed); errors and warnings go to `diag` as FILE:LINE.
// Valid rules are appended to `out`.
void parse_rules(std::string_view yaml_text, const std::string& file_name, RuleSet* out, Diagnostics* diag);
// A file, or every *.yml / *.yaml file below a folder (sorted). An unreadable file is one error; a path
// that does not exist is a warning.
void load_rule_path(const std::string& path, RuleSet* out, Diagnostics* diag);
// Cross-rule checks after loading: duplicate names, reference cycles, aliases naming unknown rules.
// Rules in error are removed.
void validate_rule_set(RuleSet* set, Diagnostics* diag);

// Sigma level -> Suricata-scale severity (critical/high 1, medium 2, low 3, informational 4), 0 if unknown.
uint32_t level_severity(std::string_view level);

}  // namespace picket::collector::correlate
