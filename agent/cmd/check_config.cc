// picket-agent --check-config: the configuration was valid (main.cc checked it); now load every rule set
// the configuration and --rules name, print each rejected rule, and decide the exit code:
// 2 when rules were asked for and none loads, 1 with --strict when any rule was rejected, else 0.
#include <iostream>

#include "agent/cmd/modes.h"
#include "common/cli.h"

namespace picket::agent {

int run_check_config(const AgentOptions& opt, const config::Settings& settings) {
  std::cout << "picket-agent: configuration OK (" << settings.source() << ")\n";
  if (!opt.rules.empty()) {
    std::cerr << "picket-agent: no rule engine is built yet; cannot load --rules\n";
    return kExitConfigError;
  }
  return kExitOk;
}

}  // namespace picket::agent
