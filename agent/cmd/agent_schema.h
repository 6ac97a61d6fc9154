#pragma once
// The agent's configuration schema: every key picket-agent accepts, assembled from its modules' add_*_keys.
#include "common/config.h"

namespace picket::agent {

// Builds the full schema. Called once from main (and from tests that check the shipped config).
config::Schema build_agent_schema();

}  // namespace picket::agent
