#pragma once
// The agent's configuration schema: every key picket-agent accepts, assembled from its modules' add_*_keys.
#include "common/config.h"
#include "common/result.h"

namespace picket::agent {

// Builds the full schema. Called once from main (and from tests that check the shipped config).
config::Schema build_agent_schema();

// The checks across keys that the schema cannot express (stream.midstream-policy combinations,
// app.dns.detection-ports, host-os-policy addresses), run by every mode that drives the network pipeline.
Status check_network_settings(const config::Settings& settings);

}  // namespace picket::agent
