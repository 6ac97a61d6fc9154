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

size_t decode_records(std::vector<JournalRecord>& records, std::vector<IncomingAlert>* batch) {
  size_t used = 0, bad = 0;
  for (JournalRecord& r : records) {
    if (batch->size() <= used) batch->emplace_back();
    IncomingAlert& in = (*batch)[used];
    in.agent_key.assign(reinterpret_cast<const char*>(r.stream.key.data()), r.stream.key.size());
    in.epoch.assign(reinterpret_cast<const char*>(r.stream.epoch.data()), r.stream.epoch.size());
    in.received_us = r.received_us;
    if (!in.alert.ParseFromString(r.alert)) {
      ++bad;
      continue;
    }
    if (in.alert.seq() == 0) {
      in.alert.set_seq(r.seq);
      in.raw.clear();
    } else {
      in.raw.swap(r.alert);  // stored as received, not serialised again; the record reuses the old buffer
    }
    ++used;
  }
  batch->resize(used);  // a shorter batch than the last drops the spare elements
  return bad;
}

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
  // Two batches: the one being stored and the next one, read ahead and correlated meanwhile.
  std::vector<IncomingAlert> buf[2];
  JournalPosition end[2]{};
  bool have[2] = {false, false};
  int cur = 0;
  uint32_t pruned_below = 0;  // the cursor's segment at the last prune
  auto read = [&](int i) {
    const size_t n = reader.next(batch_, &records);
    if (n == 0) return false;
    bad_ += decode_records(records, &buf[i]);
    records_ += n;
    end[i] = reader.position();
    have[i] = true;
    return true;
  };
  // The side worker may be correlating buf[]: it must be done before they go.
  struct Joiner {
    Pipeline& p;
    ~Joiner() { p.wait_side(); }
  } joiner{pipeline_};
  while (!stop_) {
    if (!have[cur]) read(cur);
    size_t n = have[cur] ? 1 : 0;
    int64_t now = store::now_us();
    if (have[cur]) {
      const int nx = 1 - cur;
      if (!have[nx]) read(nx);
      std::vector<IncomingAlert>& batch = buf[cur];
      ++batches_;
      // The store may be busy (another writer holding store.db past the busy timeout) or failing (disk
      // full): the batch stays in the journal, so retry it with a growing pause instead of giving up.
      for (int attempt = 0;; ++attempt) {
        Status s = pipeline_.process(batch, now, have[nx] ? &buf[nx] : nullptr);
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
      // The cursor goes to the end of this batch only; the next one is not stored yet.
      if (Status s = reader.commit_cursor(end[cur]); !s) {
        spdlog::warn("store: journal cursor: {}", s.error().format());
      } else if (retain_bytes_ != UINT64_MAX && end[cur].segment > pruned_below) {
        // Only behind a persisted cursor: a crash now resumes inside a segment that still exists.
        pruned_below = end[cur].segment;
        if (size_t n = prune_journal(dir_, pruned_below, retain_bytes_); n > 0) {
          pruned_ += n;
          spdlog::info("store: pruned {} journal segments already in the store", n);
        }
      }
      have[cur] = false;
      cur = nx;
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
