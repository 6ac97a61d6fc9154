#include "agent/yara/monitor.h"

#include <sys/stat.h>

#include <filesystem>

#include "agent/yara/alerts.h"
#include "agent/yara/file_scan.h"
#include "agent/yara/scanner.h"
#include "agent/yara/watcher.h"
#include "common/logging.h"

#include <spdlog/spdlog.h>

namespace picket::yara {
namespace fs = std::filesystem;

namespace {
constexpr auto kSaveInterval = std::chrono::seconds(5);
constexpr int kPollMs = 200;

FimState to_state(const FileFacts& f) {
  return {.sha256 = f.sha256, .size = f.size, .mode = f.mode, .uid = f.uid, .gid = f.gid, .mtime_ns = f.mtime_ns};
}
}  // namespace

struct FileMonitor::ThreadState {
  std::unique_ptr<Scanner> scanner;
  uint64_t generation = ~uint64_t{0};
  std::vector<RuleMatch> matches;
};

FileMonitor::FileMonitor(MonitorOptions options, std::shared_ptr<RuleStore> rules, AlertCallback on_alert)
    : options_(std::move(options)),
      rules_(std::move(rules)),
      on_alert_(std::move(on_alert)),
      filter_(options_.watch, options_.exclude),
      queue_(options_.queue_size),
      baseline_(options_.fim ? options_.fim_baseline : std::string()) {}

FileMonitor::~FileMonitor() { stop(); }

Status FileMonitor::start() {
  Status result;
  if (options_.fim) {
    if (auto st = baseline_.load(); !st) {
      result = st;
    }
    baseline_.set_learning(!baseline_.existed());
  }
  stop_.store(false);
  initial_done_.store(false);
  started_.store(true);
  last_refill_ = std::chrono::steady_clock::now();
  tokens_ = options_.scan_rate;
  for (uint32_t i = 0; i < std::max<uint32_t>(1, options_.scan_threads); ++i) {
    scanners_.emplace_back(&FileMonitor::scan_thread, this);
  }
  // The watch thread adds the watches before walking, so nothing written during the walk is missed.
  auto tree = std::make_shared<InotifyTree>(filter_);
  Status opened = tree->open();
  if (!opened && result) {
    result = opened;
  }
  watches_.store(tree->watch_count());
  watcher_ = std::thread([this, tree] {
    initial_scan(false);
    while (!stop_.load()) {
      bool rescan = false;
      bool ok = tree->poll(kPollMs, [&](const WatchEvent& e) {
        switch (e.kind) {
          case WatchEvent::Kind::kFileChanged:
          case WatchEvent::Kind::kFileGone:
            queue_.try_push({.path = e.path});
            break;
          case WatchEvent::Kind::kTreeAdded: {
            std::error_code ec;
            fs::recursive_directory_iterator it(e.path, fs::directory_options::skip_permission_denied, ec), end;
            for (; !ec && it != end; it.increment(ec)) {
              if (it->is_regular_file(ec) && !it->is_symlink(ec) && filter_.wanted(it->path().string())) {
                queue_.try_push({.path = it->path().string()});
              }
            }
            break;
          }
          case WatchEvent::Kind::kTreeGone:
            queue_.try_push({.path = e.path, .kind = WorkItem::Kind::kGoneTree});
            break;
          case WatchEvent::Kind::kOverflow:
            rescan = true;
            break;
        }
      });
      watches_.store(tree->watch_count());
      overflows_.store(tree->overflows());
      if (!ok) {
        spdlog::error("yara: inotify read failed; watched paths are no longer monitored");
        break;
      }
      if (rescan) {
        initial_scan(true);
      }
      maybe_save(false);
    }
  });
  return result;
}

void FileMonitor::initial_scan(bool rescan) {
  if (options_.fim) {
    baseline_.begin_sweep();
  }
  for (const auto& root : filter_.roots()) {
    std::error_code ec;
    auto st = fs::symlink_status(root, ec);
    if (!fs::is_directory(st)) {
      queue_.push_wait({.path = root}, stop_);
      continue;
    }
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end && !stop_.load(); it.increment(ec)) {
      std::string p = it->path().string();
      if (filter_.excluded(p)) {
        if (it->is_directory(ec)) {
          it.disable_recursion_pending();
        }
        continue;
      }
      if (it->is_regular_file(ec) && !it->is_symlink(ec)) {
        queue_.push_wait({.path = std::move(p)}, stop_);
      }
    }
  }
  // Wait for the scan threads, then report what disappeared while nobody watched.
  while (!stop_.load() && !queue_.idle()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (stop_.load()) {
    return;
  }
  if (options_.fim) {
    for (auto& a : baseline_.end_sweep(filter_.roots())) {
      emit(std::move(a), true);
    }
    baseline_.set_learning(false);
    maybe_save(true);
  }
  if (!rescan) {
    initial_done_.store(true);
  }
}

void FileMonitor::throttle() {
  if (options_.scan_rate == 0) {
    return;
  }
  for (;;) {
    {
      std::lock_guard lock(rate_mu_);
      auto now = std::chrono::steady_clock::now();
      double secs = std::chrono::duration<double>(now - last_refill_).count();
      last_refill_ = now;
      tokens_ = std::min<double>(options_.scan_rate, tokens_ + secs * options_.scan_rate);
      if (tokens_ >= 1.0) {
        tokens_ -= 1.0;
        return;
      }
    }
    if (stop_.load()) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::max<int>(1, 1000 / static_cast<int>(options_.scan_rate))));
  }
}

void FileMonitor::scan_thread() {
  ThreadState ts;
  while (auto item = queue_.pop(stop_)) {
    throttle();
    handle(*item, &ts);
    queue_.done();
  }
}

void FileMonitor::handle(const WorkItem& item, ThreadState* ts) {
  if (item.kind == WorkItem::Kind::kGoneTree) {
    // Files below a folder that left: FIM deletes for the baseline entries that are really gone.
    if (options_.fim) {
      std::error_code ec;
      if (!fs::exists(fs::symlink_status(item.path, ec))) {
        for (auto& a : baseline_.observe_missing_under(item.path)) {
          emit(std::move(a), true);
        }
      }
    }
    return;
  }
  uint64_t gen = rules_ ? rules_->generation() : 0;
  if (gen != ts->generation) {
    auto set = rules_ ? rules_->get() : nullptr;
    ts->scanner = set ? std::make_unique<Scanner>(set, ScanLimits{.max_match_data = options_.max_match_data,
                                                                   .timeout_s = options_.scan_timeout_s})
                      : nullptr;
    ts->generation = gen;
  }
  FileFacts facts;
  ts->matches.clear();
  FileScanStatus st = scan_file(ts->scanner.get(), item.path,
                                {.max_scan_size = options_.max_file_size, .hash = options_.fim}, &facts,
                                &ts->matches);
  switch (st) {
    case FileScanStatus::kGone:
      if (options_.fim) {
        for (auto& a : baseline_.observe_missing(item.path)) {
          emit(std::move(a), true);
        }
      }
      return;
    case FileScanStatus::kNotRegular:
      return;
    case FileScanStatus::kError:
      errors_.fetch_add(1, std::memory_order_relaxed);
      if (ts->matches.empty()) {
        return;
      }
      break;
    case FileScanStatus::kTooLarge:
      too_large_.fetch_add(1, std::memory_order_relaxed);
      break;
    case FileScanStatus::kScanned:
      if (ts->scanner) {
        scanned_.fetch_add(1, std::memory_order_relaxed);
      }
      break;
  }
  if (options_.fim && (st == FileScanStatus::kScanned || st == FileScanStatus::kTooLarge)) {
    hashed_.fetch_add(1, std::memory_order_relaxed);
    for (auto& a : baseline_.observe(item.path, to_state(facts))) {
      emit(std::move(a), true);
    }
  }
  for (const auto& m : ts->matches) {
    emit(yara_file_alert(m, facts), false);
  }
}

void FileMonitor::emit(v1::Alert a, bool fim) {
  (fim ? fim_alerts_ : yara_alerts_).fetch_add(1, std::memory_order_relaxed);
  if (on_alert_) {
    on_alert_(std::move(a));
  }
}

void FileMonitor::maybe_save(bool force) {
  if (!options_.fim) {
    return;
  }
  std::lock_guard lock(save_mu_);
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_save_ < kSaveInterval) {
    return;
  }
  last_save_ = now;
  if (auto st = baseline_.save(); !st) {
    spdlog::warn("fim: {}", st.error().format());
  }
}

void FileMonitor::stop() {
  if (!started_.exchange(false)) {
    return;
  }
  stop_.store(true);
  queue_.wake_all();
  if (watcher_.joinable()) {
    watcher_.join();
  }
  for (auto& t : scanners_) {
    t.join();
  }
  scanners_.clear();
  maybe_save(true);
}

MonitorStats FileMonitor::stats() const {
  return {.files_scanned = scanned_.load(),
          .files_hashed = hashed_.load(),
          .yara_alerts = yara_alerts_.load(),
          .fim_alerts = fim_alerts_.load(),
          .too_large = too_large_.load(),
          .errors = errors_.load(),
          .dropped = queue_.dropped(),
          .overflows = overflows_.load(),
          .queue_depth = queue_.depth(),
          .watches = watches_.load(),
          .initial_scan_done = initial_done_.load()};
}

bool FileMonitor::wait_idle(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (initial_done_.load() && queue_.idle()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace picket::yara
