#pragma once
// EngineHolder: the current rule engine, swappable while traffic flows (SIGHUP reload).
//
//   auto holder = std::make_shared<detect::EngineHolder>();
//   Diagnostics diag;
//   if (!holder->reload(paths, cfg, &diag)) log(diag);   // first load: false when nothing loads
//   std::shared_ptr<const detect::Engine> e = holder->current();   // a worker, per packet batch
//
// reload() builds the new engine beside the current one and swaps it in with an atomic shared_ptr store;
// when no rule loads it keeps the current engine and says why in `diag`. Workers holding the old engine
// keep using it until they pick up the new one; it is freed with its last user. Any thread may call
// reload() (serialised internally) and current().
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/detect/engine.h"

namespace picket::detect {

class EngineHolder {
 public:
  bool reload(const std::vector<std::string>& paths, const EngineConfig& cfg, Diagnostics* diag);
  void set(std::shared_ptr<const Engine> e) { std::atomic_store(&engine_, std::move(e)); }
  std::shared_ptr<const Engine> current() const { return std::atomic_load(&engine_); }

 private:
  std::shared_ptr<const Engine> engine_;
  std::mutex reload_mu_;
};

}  // namespace picket::detect
