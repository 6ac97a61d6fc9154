#pragma once
// The store's configuration keys (store.*), added to picket-collector's schema by
// collector/cmd/collector_schema.cc, and the options they select.
//
//   picket::config::Schema s; picket::collector::store::add_store_keys(s);
//   auto opts = picket::collector::store::store_options(settings);
#include <cstdint>
#include <string>

#include "common/config.h"

namespace picket::collector::store {

void add_store_keys(config::Schema& schema);

struct StoreOptions {
  std::string path;               // the SQLite file
  int64_t max_age_us = 0;         // retention by event time, 0: keep forever
  uint64_t max_bytes = 0;         // retention by size, 0: no limit
  int64_t retention_interval_us = 0;
};

// store.path, or <collector.state-dir>/store.db when empty.
StoreOptions store_options(const config::Settings& settings);

}  // namespace picket::collector::store
