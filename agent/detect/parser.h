#pragma once
// Suricata rule parsing. The pure part parses one rule's text; the loader reads files and folders,
// joins '\'-continued lines, skips comments and collects every error as `FILE:LINE: sid N: message`.
//
//   detect::RuleSetNames names;
//   detect::Vars vars = detect::default_vars();
//   picket::Result<detect::Rule> r = detect::parse_rule(
//       "alert tcp any any -> any 80 (msg:\"x\"; content:\"GET\"; sid:1;)", "inline", 1, vars, names);
//
//   detect::RuleSet set = detect::load_rules({"/etc/picket/rules"}, vars);
//   for (const auto& e : set.diag.errors()) std::cerr << e.format() << '\n';
//
// Control plane; any thread, no shared state.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "agent/detect/keywords/keyword.h"
#include "agent/detect/rule.h"
#include "common/error.h"
#include "common/result.h"

namespace picket::detect {

// Parses one rule (already joined into one line). The error carries file, line, sid (when found) and a
// short `reason` for summaries ("unknown keyword", "unsupported keyword xbits", "bad value: depth").
Result<Rule> parse_rule(std::string_view text, const std::string& file, int line, const Vars& vars,
                        RuleSetNames& names);

struct RuleSet {
  std::vector<Rule> rules;
  RuleSetNames names;
  Diagnostics diag;           // one error per rejected rule (and unreadable files)
  size_t failed = 0;          // rules rejected
  std::map<std::string, size_t> reasons;  // reason -> rejected rules
};

// Parses the text of one rules file (pure). Appends to `set`.
void parse_rules_text(std::string_view text, const std::string& file, const Vars& vars, RuleSet* set);
// Loads files and folders (every *.rules file in a folder, recursively, in name order).
RuleSet load_rules(const std::vector<std::string>& paths, const Vars& vars);

}  // namespace picket::detect
