#pragma once
// A bounded queue of file paths for the scan threads, with duplicate suppression (a path already pending
// is not queued twice: a burst of IN_MODIFY events costs one scan) and counted drops.
//
//   WorkQueue q(10000);
//   q.try_push({.path = p});            // inotify thread: never blocks; false (and a counted drop) when full
//   q.push_wait({.path = p}, &stop);     // initial scan: waits for room
//   while (auto item = q.pop(stop)) scan(*item); q.done();
//
// All methods are thread-safe.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

namespace picket::yara {

struct WorkItem {
  enum class Kind { kFile, kGoneTree };  // kGoneTree: a folder left the watched tree
  std::string path;
  Kind kind = Kind::kFile;
};

class WorkQueue {
 public:
  explicit WorkQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  bool try_push(WorkItem item);
  // Waits for room; false when `stop` became true.
  bool push_wait(WorkItem item, const std::atomic<bool>& stop);
  // Waits for an item; nullopt once `stop` is true. The caller calls done() after handling the item.
  std::optional<WorkItem> pop(const std::atomic<bool>& stop);
  void done();
  // Wakes every waiter (after setting a stop flag).
  void wake_all();
  // True when nothing is queued or being handled.
  bool idle() const;
  size_t depth() const;
  uint64_t dropped() const { return dropped_.load(); }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<WorkItem> items_;
  std::unordered_set<std::string> pending_;
  size_t in_flight_ = 0;
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace picket::yara
