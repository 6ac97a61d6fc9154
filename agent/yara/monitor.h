#pragma once
// The watched-path monitor: an initial scan of every watched path, then inotify events, feeding a bounded
// queue drained by scan threads that run YARA (rules from a RuleStore, swapped on reload) and FIM (a
// persisted Baseline). It never runs on the packet path: it owns its threads.
//
//   auto store = std::make_shared<picket::yara::RuleStore>();
//   store->set(picket::yara::load_rules(opt.rules, opt.rules_cache_dir).rules);
//   picket::yara::FileMonitor monitor(opt, store, [&](picket::v1::Alert a) { sink.push(std::move(a)); });
//   if (auto st = monitor.start(); !st) log(st.error().format());
//   ...
//   monitor.stop();   // joins its threads and saves the baseline
//
// The alert callback is called from the scan threads (several at once with scan_threads > 1): it must be
// thread-safe and should not block for long. start(), stop() and stats() may be called from any thread;
// start/stop not concurrently with each other. Events beyond the queue size are dropped and counted
// (stats().dropped); a kernel queue overflow triggers a full rescan. The baseline is saved after the
// initial scan, at most every `save interval` (5 s) while changes arrive, and at stop().
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "agent/yara/fim.h"
#include "agent/yara/keys.h"
#include "agent/yara/path_filter.h"
#include "agent/yara/rule_store.h"
#include "agent/yara/work_queue.h"
#include "common/result.h"
#include "picket.pb.h"

namespace picket::yara {

using AlertCallback = std::function<void(v1::Alert)>;

struct MonitorStats {
  uint64_t files_scanned = 0;  // YARA scans done
  uint64_t files_hashed = 0;   // files stat'ed and hashed for FIM
  uint64_t yara_alerts = 0;
  uint64_t fim_alerts = 0;
  uint64_t too_large = 0;      // above files.max-size: not YARA-scanned
  uint64_t errors = 0;         // unreadable files, libyara errors
  uint64_t dropped = 0;        // events dropped because the queue was full
  uint64_t overflows = 0;      // inotify queue overflows (each followed by a rescan)
  uint64_t queue_depth = 0;
  uint64_t watches = 0;
  bool initial_scan_done = false;
};

class FileMonitor {
 public:
  FileMonitor(MonitorOptions options, std::shared_ptr<RuleStore> rules, AlertCallback on_alert);
  ~FileMonitor();
  FileMonitor(const FileMonitor&) = delete;
  FileMonitor& operator=(const FileMonitor&) = delete;

  // Loads the baseline, adds the watches, starts the threads and the initial scan. An error (no inotify,
  // a missing watched path, a damaged baseline) is returned; the monitor still runs on what it could watch.
  Status start();
  void stop();
  MonitorStats stats() const;
  // For tests and one-shot use: waits until the initial scan finished and the queue is empty.
  bool wait_idle(std::chrono::milliseconds timeout) const;

 private:
  void watch_thread();
  void initial_scan(bool rescan);
  void scan_thread();
  struct ThreadState;
  void handle(const WorkItem& item, ThreadState* ts);
  void emit(v1::Alert a, bool fim);
  void throttle();
  void maybe_save(bool force);

  const MonitorOptions options_;
  std::shared_ptr<RuleStore> rules_;
  AlertCallback on_alert_;
  PathFilter filter_;
  WorkQueue queue_;
  Baseline baseline_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> initial_done_{false};
  std::atomic<bool> started_{false};
  std::thread watcher_;
  std::vector<std::thread> scanners_;

  std::mutex rate_mu_;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point last_refill_{};

  std::mutex save_mu_;
  std::chrono::steady_clock::time_point last_save_{};

  std::atomic<uint64_t> scanned_{0}, hashed_{0}, yara_alerts_{0}, fim_alerts_{0}, too_large_{0}, errors_{0},
      overflows_{0}, watches_{0};
};

}  // namespace picket::yara
