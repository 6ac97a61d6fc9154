#pragma once
// Sigma rules: pure parsing (parse_sigma) apart from file reading (load_rule_dir), and matching of
// parsed log events (agent/host/log_event.h).
//
//   picket::host::SigmaLoad load = picket::host::load_sigma_paths({"/etc/picket/sigma"});
//   for (const auto& e : load.diag.errors()) std::cerr << e.format() << '\n';   // FILE:LINE: message
//   picket::host::SigmaRuleSet rules(std::move(load.rules));
//   rules.match(event, [&](const picket::host::SigmaRule& r) { alert(r, event); });
//
// Supported: logsource (product, category, service); detection maps, lists of maps, keyword lists;
// modifiers contains, startswith, endswith, all, re (flags i, m, s; PCRE2), base64, base64offset, cidr,
// exists, gt, gte, lt, lte, windash, fieldref, cased; null values; conditions with and/or/not, parentheses,
// `1 of x*`, `any of`, `all of x*`, `1 of them`, `all of them`. Matching is case-insensitive except re,
// cased, and values produced by base64/base64offset. A rule using anything else is rejected with
// FILE:LINE: message and the others load. Correlation and filter documents are skipped with a warning
// (correlation runs in the collector).
//
// A SigmaRuleSet is immutable after construction; match() may be called from any number of threads at once.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agent/host/log_event.h"
#include "common/error.h"

namespace picket::host {

namespace sigma {

enum class Kind : uint8_t {
  kEquals, kContains, kStartsWith, kEndsWith, kGlob, kRegex, kCidr, kExists, kNull,
  kGt, kGte, kLt, kLte, kFieldRef,
};

struct Regex;  // PCRE2 code (sigma/regex.cc)
struct Cidr {
  uint8_t addr[16] = {};
  int bits = 0;
  bool v6 = false;
};

struct Value {
  Kind kind = Kind::kEquals;
  bool cased = false;            // compare the original bytes instead of the lowercase ones
  std::string text;              // literal (lowercase unless cased); the other field for kFieldRef
  std::vector<int16_t> glob;     // kGlob: bytes, -1 for '*', -2 for '?'
  std::shared_ptr<Regex> re;
  Cidr cidr;
  double number = 0;
  bool exists = true;            // kExists: the wanted answer
  Kind ref_kind = Kind::kEquals; // kFieldRef: equals/contains/startswith/endswith
};

// One value of a field with its variants (base64offset, windash): any variant matches.
using Alternatives = std::vector<Value>;

struct FieldMatch {
  std::string field;                // empty: keyword search on the raw line
  std::vector<Alternatives> values; // any of them (all of them with |all)
  bool all = false;
};

struct Selection {
  std::string name;
  int line = 0;
  std::vector<std::vector<FieldMatch>> groups;  // OR of groups; each group is an AND of field matches
};

struct CondNode {
  enum Op : uint8_t { kAnd, kOr, kNot, kSel, kOneOf, kAllOf };
  Op op = kSel;
  std::vector<int> kids;  // node indices (and/or/not) or selection indices (sel, one-of, all-of)
  int min = 1;            // kOneOf: how many must match ("1 of", "2 of")
};

}  // namespace sigma

struct SigmaLogSource {
  std::string product;   // lowercase; empty = any
  std::string category;
  std::string service;
};

struct SigmaRule {
  std::string id;        // the rule's uuid (or the file name when it has none)
  std::string title;
  std::string level;     // informational, low, medium, high, critical
  uint32_t severity = 2; // critical/high 1, medium 2, low 3, informational 4
  std::string status;
  std::string description;
  std::vector<std::string> tags;
  std::string file;
  int line = 0;
  SigmaLogSource logsource;
  std::vector<sigma::Selection> selections;
  std::vector<sigma::CondNode> nodes;
  int root = -1;

  bool matches_logsource(const LogEvent& ev) const;
  bool matches(const LogEvent& ev) const;  // logsource not checked
};

struct SigmaParsed {
  std::vector<SigmaRule> rules;
  Diagnostics diag;        // rejected rules (errors) and skipped documents (warnings)
  int failed = 0;          // rule documents rejected
  int correlations = 0;    // correlation documents skipped
};

// Pure: parses one YAML text (one or more documents) as if read from `file`.
SigmaParsed parse_sigma(std::string_view yaml_text, const std::string& file);

struct SigmaLoad {
  std::vector<SigmaRule> rules;
  Diagnostics diag;
  int files = 0;
  int failed = 0;
  int correlations = 0;
};

// Reads every *.yml / *.yaml under each path (a file or a folder, recursively, in name order).
SigmaLoad load_rule_dir(const std::string& path);
SigmaLoad load_sigma_paths(const std::vector<std::string>& paths);

// Whether some Picket log input can feed the log source: product linux (or none) with a service our
// syslog/auth/auditd inputs carry (any syslog program name), category process_creation (auditd),
// webserver or proxy (nginx/apache access logs), or the nginx/apache services.
bool logsource_feedable(const SigmaLogSource& ls);

namespace sigma {
class LiteralIndex;
}

// An immutable, indexed set of rules. Rules are indexed by log source (each distinct product/category/
// services combination gets its candidate list once) and by literal (sigma/prefilter.h: one Hyperscan scan
// per field finds the rules that can match), so an event meets only the rules that may fire on it.
class SigmaRuleSet {
 public:
  SigmaRuleSet();
  explicit SigmaRuleSet(std::vector<SigmaRule> rules);
  ~SigmaRuleSet();
  SigmaRuleSet(const SigmaRuleSet&) = delete;
  SigmaRuleSet& operator=(const SigmaRuleSet&) = delete;

  // Calls on_match for each rule whose log source and detection match, in rule order. Thread-safe; no
  // allocation once each thread has seen the event's log source.
  void match(const LogEvent& ev, const std::function<void(const SigmaRule&)>& on_match) const;
  const std::vector<SigmaRule>& rules() const { return rules_; }
  size_t active_count() const;
  // Rules evaluated on every event of their source because no literal is necessary for them to match.
  size_t unfiltered_count() const;
  // Why the prefilter is off (every candidate is then evaluated); empty when it is on.
  const std::string& prefilter_error() const { return prefilter_error_; }

 private:
  struct Source;
  const Source& source(const LogEvent& ev) const;
  std::vector<SigmaRule> rules_;
  std::unique_ptr<sigma::LiteralIndex> index_;
  std::string prefilter_error_;
  uint64_t serial_ = 0;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, std::unique_ptr<Source>> by_source_;
};

uint32_t sigma_level_severity(std::string_view level);

}  // namespace picket::host
