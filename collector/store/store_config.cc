#include "collector/store/store_config.h"

namespace picket::collector::store {

using config::Type;

void add_store_keys(config::Schema& s) {
  s.add({.key = "store.path", .type = Type::kString, .default_value = "",
         .help = "SQLite file for alerts, incidents, agents and the audit log; empty: <collector.state-dir>/store.db"});
  s.add({.key = "store.retention.max-age", .type = Type::kDuration, .default_value = "90d",
         .help = "delete alerts whose event time is older than this (0: keep forever)"});
  s.add({.key = "store.retention.max-size", .type = Type::kSize, .default_value = "0",
         .help = "delete the oldest alerts while the store is larger than this (0: no limit)"});
  s.add({.key = "store.retention.interval", .type = Type::kDuration, .default_value = "10m",
         .help = "how often retention runs"});
  s.add({.key = "store.feeder-nice", .type = Type::kInt, .default_value = "10",
         .help = "nice value of the thread that fills the store from the journal: ingest and acknowledgements "
                 "get the CPU first, the store catches up behind the (already durable) journal; 0: same priority",
         .min = 0, .max = 19});
  s.add({.key = "store.batch", .type = Type::kInt, .default_value = "10000",
         .help = "most alerts the feeder takes from the journal into one store transaction (and correlates "
                 "beside the previous one's writes); fewer when fewer are waiting",
         .min = 1, .max = 1000000});
}

StoreOptions store_options(const config::Settings& settings) {
  StoreOptions o;
  o.path = settings.get_string("store.path");
  if (o.path.empty()) o.path = settings.get_string("collector.state-dir") + "/store.db";
  o.max_age_us = settings.get_duration("store.retention.max-age").count() * 1000;
  o.max_bytes = settings.get_size("store.retention.max-size");
  o.retention_interval_us = settings.get_duration("store.retention.interval").count() * 1000;
  return o;
}

}  // namespace picket::collector::store
