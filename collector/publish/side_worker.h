#pragma once
// One task at a time on a thread of its own, beside the caller: the pipeline correlates a batch there while
// it inserts the same batch into the store.
//
//   SideWorker w;
//   w.start([&] { correlate(batch); });   // runs on the worker thread
//   insert(batch);                         // meanwhile, on the caller's thread
//   w.wait();                              // the task has finished; its writes are visible here
//
// Threads: start() and wait() from one owning thread, in turn (one task outstanding at most).
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace picket::collector::publish {

class SideWorker {
 public:
  SideWorker() = default;
  ~SideWorker() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  SideWorker(const SideWorker&) = delete;
  SideWorker& operator=(const SideWorker&) = delete;

  void start(std::function<void()> task) {
    if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
    {
      std::lock_guard<std::mutex> lock(mu_);
      task_ = std::move(task);
      busy_ = true;
    }
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !busy_; });
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return quit_ || (busy_ && task_); });
      if (quit_ && !busy_) return;
      std::function<void()> task = std::move(task_);
      task_ = nullptr;
      lock.unlock();
      if (task) task();
      lock.lock();
      busy_ = false;
      cv_.notify_all();
      if (quit_) return;
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> task_;
  bool busy_ = false;
  bool quit_ = false;
  std::thread thread_;
};

}  // namespace picket::collector::publish
