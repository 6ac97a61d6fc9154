#pragma once
// picket-collector's run loop: starts its services (ingest first), waits for SIGTERM/SIGINT, stops them.
#include "common/config.h"

namespace picket::collector {

// Returns the process exit code (common/cli.h). Call from main after logging is set up, before any thread.
int run_collector(const config::Settings& settings);

}  // namespace picket::collector
