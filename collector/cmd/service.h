#pragma once
// A long-running part of picket-collector (ingest, store, correlation, publish). daemon.cc starts the
// services in order and stops them in reverse; a service that fails() makes the daemon exit 1.
//
//   class StoreService : public picket::collector::Service { ... };
//   services.push_back(std::make_unique<StoreService>(settings, ingest->journal()));   // in daemon.cc
//
// start/stop are called from the daemon's main thread; failed() from the main thread while running.
#include <string_view>

#include "common/result.h"

namespace picket::collector {

class Service {
 public:
  virtual ~Service() = default;
  virtual std::string_view name() const = 0;
  virtual Status start() = 0;
  virtual void stop() = 0;
  virtual bool failed() const { return false; }
};

}  // namespace picket::collector
