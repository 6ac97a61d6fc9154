#pragma once
// The agent's transport.* configuration keys and their conversion into spool and sender options.
//
//   picket::agent::add_transport_keys(schema);                   // from agent_schema.cc
//   auto cfg = picket::agent::transport_config_from(settings);   // loads (or creates) the agent's key pair
//
// Empty paths default below agent.state-dir: agent.key/.pub (created on first start: enroll agent.pub with
// picketctl agents add), collector.pub (copy it from the collector), spool/.
#include "agent/transport/sender.h"
#include "agent/transport/spool.h"
#include "common/config.h"
#include "common/result.h"

namespace picket::agent {

struct TransportConfig {
  SpoolOptions spool;
  SenderOptions sender;
};

void add_transport_keys(config::Schema& schema);
Result<TransportConfig> transport_config_from(const config::Settings& settings);

}  // namespace picket::agent
