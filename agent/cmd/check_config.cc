// picket-agent --check-config: the configuration was valid (main.cc checked it); now load every rule set
// the configuration and --rules name, print each rejected rule, and decide the exit code:
// 2 when rules were asked for and none loads, 1 with --strict when any rule was rejected, else 0.
#include <algorithm>
#include <iostream>

#include "agent/cmd/agent_schema.h"
#include "agent/cmd/modes.h"
#include "agent/detect/check.h"
#include "agent/host/sigma_check.h"
#include "agent/yara/rule_check.h"
#include "common/cli.h"

namespace picket::agent {

int run_check_config(const AgentOptions& opt, const config::Settings& settings) {
  if (Status ns = check_network_settings(settings); !ns) {  // agent/cmd/agent_schema.h
    std::cerr << ns.error().format() << '\n';
    return kExitConfigError;
  }
  std::cout << "picket-agent: configuration OK (" << settings.source() << ")\n";
  std::vector<std::string> rules = opt.rules;
  // YARA rules (*.yar/*.yara files and folders holding them, plus yara.rules): agent/yara/rule_check.h.
  int yara_rc = yara::check_config_rules(yara::claim_yara_paths(&rules), settings, opt.strict, std::cerr);
  // Suricata rules (*.rules files and folders, plus detect.rule-files): agent/detect/check.h.
  int suricata_rc = detect::check_config_rules(rules, settings, opt.strict, std::cerr);
  int rc = std::max(suricata_rc, yara_rc);
  // Sigma rules (*.yml/*.yaml files, folders holding them, plus host.sigma-rules): agent/host/sigma_check.h.
  rc = std::max(rc, host::check_config_sigma(opt.rules, settings, opt.strict, std::cerr));
  if (rc >= 0) return rc;
  return kExitOk;
}

}  // namespace picket::agent
