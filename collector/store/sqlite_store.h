#pragma once
// SQLite implementation of Store: one file, WAL mode, synchronous=NORMAL (the ingest journal in front of
// the store is the durable point; after a crash the feeder re-reads the journal from its cursor and the
// idempotent inserts fill any gap).
//
//   auto st = picket::collector::store::open_sqlite({.path = "/var/lib/picket/collector/store.db"});
//
// Threads: one thread per returned Store. Open one Store per thread or process that needs one.
#include <memory>
#include <string>

#include "collector/store/store.h"

namespace picket::collector::store {

struct SqliteOptions {
  std::string path;
  bool read_only = false;         // picketctl queries
  int busy_timeout_ms = 10000;    // wait for the writer's lock this long before failing
  bool synchronous_full = false;  // synchronous=FULL instead of NORMAL (when no journal sits in front)
};

Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& options);

}  // namespace picket::collector::store
