#pragma once
// The services behind the ingest journal, as one daemon Service: the store, correlation, agent health,
// exports and the operators' live stream (collector/publish/pipeline.h, feeder.h, stream.h).
//
//   services.push_back(make_pipeline_service(settings, ingest_server));   // in daemon.cc, after ingest
//
// Threads: the daemon's main thread.
#include <memory>

#include "collector/cmd/service.h"
#include "common/config.h"

namespace picket::collector {

class IngestServer;

std::unique_ptr<Service> make_pipeline_service(const config::Settings& settings, IngestServer& ingest);

// Loads the correlation rules named by correlate.rules; every error goes to `diag` as FILE:LINE: message.
// Returns how many rules loaded. Used by the service and by --check-config.
size_t check_correlation_rules(const config::Settings& settings, Diagnostics* diag);

}  // namespace picket::collector
