#pragma once
// The current rule set, swapped atomically on reload (SIGHUP) while scanner threads keep using the set
// they hold until their next file.
//
//   picket::yara::RuleStore store;
//   store.set(loaded.rules);                 // control thread
//   auto rules = store.get();                // any scanner thread; never blocks on a reload
//   if (rules->version() != my_version) rebuild_scanner(rules);
//
// All methods are thread-safe.
#include <atomic>
#include <cstdint>
#include <memory>

#include "agent/yara/rules.h"

namespace picket::yara {

class RuleStore {
 public:
  std::shared_ptr<const RuleSet> get() const { return current_.load(std::memory_order_acquire); }
  // Replaces the set (nullptr: no rules). Bumps generation().
  void set(std::shared_ptr<const RuleSet> rules);
  // Incremented by each set(); scanners compare it to know when to rebuild.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::shared_ptr<const RuleSet>> current_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace picket::yara
