#include "agent/yara/tree_scan.h"

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "agent/yara/path_filter.h"
#include "agent/yara/work_queue.h"

namespace picket::yara {
namespace fs = std::filesystem;

namespace {

struct Counters {
  std::atomic<uint64_t> files{0}, bytes{0}, skipped{0}, errors{0}, matches{0};
};

void scan_worker(WorkQueue* queue, const std::atomic<bool>* stop, std::shared_ptr<const RuleSet> rules,
                 const TreeScanOptions* options, const MatchCallback* on_match, Counters* c) {
  Scanner scanner(std::move(rules), options->limits);
  FileScanOptions fo{.max_scan_size = options->max_file_size, .hash = false,
                     .fixed_externals = options->fixed_externals};
  std::vector<RuleMatch> matches;
  FileFacts facts;
  while (auto item = queue->pop(*stop)) {
    matches.clear();
    FileScanStatus st = scan_file(&scanner, item->path, fo, &facts, &matches);
    switch (st) {
      case FileScanStatus::kScanned:
        c->files.fetch_add(1, std::memory_order_relaxed);
        c->bytes.fetch_add(facts.size, std::memory_order_relaxed);
        break;
      case FileScanStatus::kError:
        c->errors.fetch_add(1, std::memory_order_relaxed);
        break;
      default:
        c->skipped.fetch_add(1, std::memory_order_relaxed);
        break;
    }
    for (const auto& m : matches) {
      c->matches.fetch_add(1, std::memory_order_relaxed);
      if (*on_match) {
        (*on_match)(facts, m);
      }
    }
    queue->done();
  }
}

}  // namespace

TreeScanStats scan_tree(const std::vector<std::string>& roots, std::shared_ptr<const RuleSet> rules,
                        const TreeScanOptions& options, const MatchCallback& on_match) {
  WorkQueue queue(options.queue_size);
  std::atomic<bool> stop{false};
  Counters c;
  std::vector<std::thread> workers;
  for (uint32_t i = 0; i < std::max<uint32_t>(1, options.threads); ++i) {
    workers.emplace_back(scan_worker, &queue, &stop, rules, &options, &on_match, &c);
  }
  PathFilter filter(roots, options.exclude);
  std::atomic<bool> never{false};
  for (const auto& root : roots) {
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(root, ec))) {
      queue.push_wait({.path = root}, never);
      continue;
    }
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file(ec) || it->is_symlink(ec)) {
        continue;
      }
      std::string p = it->path().string();
      if (filter.excluded(p)) {
        c.skipped.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      queue.push_wait({.path = std::move(p)}, never);
    }
    if (ec) {
      c.errors.fetch_add(1, std::memory_order_relaxed);
    }
  }
  while (!queue.idle()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  stop.store(true);
  queue.wake_all();
  for (auto& t : workers) {
    t.join();
  }
  return {.files = c.files.load(), .bytes = c.bytes.load(), .skipped = c.skipped.load(),
          .errors = c.errors.load(), .matches = c.matches.load()};
}

}  // namespace picket::yara
