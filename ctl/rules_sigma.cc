// picketctl rules check: the Sigma row. Loads .yml/.yaml files with agent/host's Sigma parser and reports
// loaded, failed, the reasons, how many loaded rules are active (their log source can be fed by one of
// Picket's log inputs: syslog/auth/auditd/nginx/apache/json), and how many correlation documents were
// skipped (the collector runs those).
#include "agent/host/sigma/sigma.h"
#include "ctl/rules_lang.h"

namespace picket::ctl {

LanguageReport check_sigma(const std::vector<std::string>& files, const RuleCheckOptions&) {
  LanguageReport rep;
  size_t active = 0;
  size_t correlations = 0;
  for (const auto& f : files) {
    host::SigmaLoad load = host::load_rule_dir(f);
    rep.loaded += load.rules.size();
    rep.failed += static_cast<size_t>(load.failed);
    correlations += static_cast<size_t>(load.correlations);
    for (const auto& r : load.rules) active += host::logsource_feedable(r.logsource) ? 1 : 0;
    for (const auto& e : load.diag.errors()) {
      rep.errors.push_back(e);
      ++rep.reasons[e.reason.empty() ? e.message : e.reason];
    }
  }
  rep.extra["active"] = active;
  rep.extra["correlations_skipped"] = correlations;
  return rep;
}

}  // namespace picket::ctl
