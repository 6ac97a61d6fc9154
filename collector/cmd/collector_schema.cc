#include "collector/cmd/collector_schema.h"

#include "collector/correlate/correlate_config.h"
#include "collector/health/health.h"
#include "collector/ingest/ingest_keys.h"
#include "collector/publish/publish_config.h"
#include "collector/store/store_config.h"

namespace picket::collector {

using config::Type;

config::Schema build_collector_schema() {
  config::Schema s;
  config::add_logging_keys(s);
  s.add({.key = "collector.state-dir", .type = Type::kString, .default_value = "/var/lib/picket/collector",
         .help = "folder for the journal, the SQLite store and correlation state"});
  add_ingest_keys(s);
  store::add_store_keys(s);
  correlate::add_correlate_keys(s);
  health::add_health_keys(s);
  publish::add_publish_keys(s);
  return s;
}

}  // namespace picket::collector
