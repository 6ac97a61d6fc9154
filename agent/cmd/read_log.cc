// picket-agent mode: --read-log. Not built yet: says so and exits 2.
#include <iostream>

#include "agent/cmd/modes.h"
#include "common/cli.h"

namespace picket::agent {

int run_read_log(const AgentOptions&, const config::Settings&) {
  std::cerr << "picket-agent: --read-log is not available in this build yet\n";
  return kExitConfigError;
}

}  // namespace picket::agent
