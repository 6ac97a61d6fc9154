#include "agent/yara/work_queue.h"

namespace picket::yara {

bool WorkQueue::try_push(WorkItem item) {
  {
    std::lock_guard lock(mu_);
    if (pending_.count(item.path) != 0) {
      return true;
    }
    if (items_.size() >= capacity_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    pending_.insert(item.path);
    items_.push_back(std::move(item));
  }
  not_empty_.notify_one();
  return true;
}

bool WorkQueue::push_wait(WorkItem item, const std::atomic<bool>& stop) {
  {
    std::unique_lock lock(mu_);
    if (pending_.count(item.path) != 0) {
      return true;  // already pending: the queued scan covers it
    }
    not_full_.wait(lock, [&] { return stop.load() || items_.size() < capacity_; });
    if (stop.load()) {
      return false;
    }
    pending_.insert(item.path);
    items_.push_back(std::move(item));
  }
  not_empty_.notify_one();
  return true;
}

std::optional<WorkItem> WorkQueue::pop(const std::atomic<bool>& stop) {
  std::unique_lock lock(mu_);
  not_empty_.wait(lock, [&] { return stop.load() || !items_.empty(); });
  if (stop.load()) {
    return std::nullopt;
  }
  WorkItem item = std::move(items_.front());
  items_.pop_front();
  pending_.erase(item.path);
  ++in_flight_;
  lock.unlock();
  not_full_.notify_one();
  return item;
}

void WorkQueue::done() {
  std::lock_guard lock(mu_);
  --in_flight_;
}

void WorkQueue::wake_all() {
  { std::lock_guard lock(mu_); }
  not_empty_.notify_all();
  not_full_.notify_all();
}

bool WorkQueue::idle() const {
  std::lock_guard lock(mu_);
  return items_.empty() && in_flight_ == 0;
}

size_t WorkQueue::depth() const {
  std::lock_guard lock(mu_);
  return items_.size();
}

}  // namespace picket::yara
