// picket-agent mode: --scan-path. Not built yet: says so and exits 2.
#include <iostream>

#include "agent/cmd/modes.h"
#include "common/cli.h"

namespace picket::agent {

int run_scan_path(const AgentOptions&, const config::Settings&) {
  std::cerr << "picket-agent: --scan-path is not available in this build yet\n";
  return kExitConfigError;
}

}  // namespace picket::agent
