#include "collector/cmd/collector_schema.h"

namespace picket::collector {

using config::Type;

config::Schema build_collector_schema() {
  config::Schema s;
  config::add_logging_keys(s);
  s.add({.key = "collector.state-dir", .type = Type::kString, .default_value = "/var/lib/picket/collector",
         .help = "folder for the journal, the SQLite store and correlation state"});
  return s;
}

}  // namespace picket::collector
