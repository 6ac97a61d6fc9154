// picket-agent mode: the daemon. Not built yet: says so and exits 2.
#include <iostream>

#include "agent/cmd/modes.h"
#include "common/cli.h"

namespace picket::agent {

int run_daemon(const AgentOptions&, const config::Settings&) {
  std::cerr << "picket-agent: the daemon (capture, log and file inputs, sending to the collector) is not available in this build yet\n";
  return kExitConfigError;
}

}  // namespace picket::agent
