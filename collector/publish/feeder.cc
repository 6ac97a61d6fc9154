#include "collector/publish/feeder.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "collector/ingest/journal.h"

namespace picket::collector::publish {

JournalFeeder::JournalFeeder(std::string journal_dir, const Journal* live, Pipeline& pipeline, size_t batch,
                             uint64_t retain_bytes)
    : dir_(std::move(journal_dir)), live_(live), pipeline_(pipeline), batch_(batch), retain_bytes_(retain_bytes) {}

JournalFeeder::~JournalFeeder() { stop(); }

Status JournalFeeder::start() {
  if (Status s = pipeline_.start(store::now_us()); !s) return s;
  thread_ = std::thread([this] { run(); });
  return {};
}

void JournalFeeder::stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  thread_.join();
  if (Status s = pipeline_.save_state(); !s) spdlog::error("store: saving correlation state: {}", s.error().format());
}

FeederStats JournalFeeder::stats() const {
  return {.records = records_, .bad_records = bad_, .batches = batches_, .segments_pruned = pruned_,
          .store_retries = retries_};
}

void JournalFeeder::run() {
  // Linux: PRIO_PROCESS with a thread id sets that thread's nice value only. Raising it needs no privilege.
  if (nice_ != 0 && setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice_) != 0) {
    spdlog::warn("store feeder: cannot set nice {}: {}", nice_, std::strerror(errno));
  }
  JournalReader reader(dir_, "store", live_);
  std::vector<JournalRecord> records;
  std::vector<IncomingAlert> batch;
  uint32_t pruned_below = 0;  // the cursor's segment at the last prune
  while (!stop_) {
    size_t n = reader.next(batch_, &records);
    int64_t now = store::now_us();
    if (n > 0) {
      batch.clear();
      batch.reserve(n);
      for (JournalRecord& r : records) {
        IncomingAlert in;
        in.agent_key.assign(reinterpret_cast<const char*>(r.stream.key.data()), r.stream.key.size());
        in.epoch.assign(reinterpret_cast<const char*>(r.stream.epoch.data()), r.stream.epoch.size());
        in.received_us = r.received_us;
        if (!in.alert.ParseFromString(r.alert)) {
          ++bad_;
          continue;
        }
        if (in.alert.seq() == 0) {
          in.alert.set_seq(r.seq);
        } else {
          in.raw = std::move(r.alert);  // stored as received, not serialised again
        }
        batch.push_back(std::move(in));
      }
      records_ += n;
      ++batches_;
      // The store may be busy (another writer holding store.db past the busy timeout) or failing (disk
      // full): the batch stays in the journal, so retry it with a growing pause instead of giving up.
      for (int attempt = 0;; ++attempt) {
        Status s = pipeline_.process(batch, now);
        if (s.ok()) break;
        ++retries_;
        if (attempt == 0 || attempt % 10 == 0) {
          spdlog::error("store: {} (batch of {} kept in the journal; retrying)", s.error().format(), batch.size());
        }
        const int pause_ms = std::min(5000, 100 << std::min(attempt, 6));
        for (int waited = 0; waited < pause_ms && !stop_; waited += 50) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (stop_) return;  // the cursor was not committed: the batch is read again at the next start
        now = store::now_us();
      }
      if (Status s = reader.commit_cursor(); !s) {
        spdlog::warn("store: journal cursor: {}", s.error().format());
      } else if (retain_bytes_ != UINT64_MAX && reader.position().segment > pruned_below) {
        // Only behind a persisted cursor: a crash now resumes inside a segment that still exists.
        pruned_below = reader.position().segment;
        if (size_t n = prune_journal(dir_, pruned_below, retain_bytes_); n > 0) {
          pruned_ += n;
          spdlog::info("store: pruned {} journal segments already in the store", n);
        }
      }
    }
    if (Status s = pipeline_.tick(now); !s) {
      // Health checks, state saves and retention run again at the next tick.
      ++retries_;
      spdlog::error("store: {} (retrying at the next tick)", s.error().format());
    }
    if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace picket::collector::publish
