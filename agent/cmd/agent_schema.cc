#include "agent/cmd/agent_schema.h"

namespace picket::agent {

using config::Type;

config::Schema build_agent_schema() {
  config::Schema s;
  config::add_logging_keys(s);
  s.add({.key = "agent.host-name", .type = Type::kString,
         .help = "host name reported to the collector (default: the system's host name)"});
  s.add({.key = "agent.labels.*", .type = Type::kString,
         .help = "organisation labels sent to the collector, e.g. agent.labels.ministry: finance"});
  s.add({.key = "agent.state-dir", .type = Type::kString, .default_value = "/var/lib/picket/agent",
         .help = "folder for the spool, read offsets, FIM baseline and caches"});
  return s;
}

}  // namespace picket::agent
