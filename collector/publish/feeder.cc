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

bool BatchReader::read(int slot) {
  const size_t n = reader_.next(batch_, &records_);
  if (n == 0) return false;
  const size_t bad = decode_records(records_, &buf_[slot]);
  if (records_n_ != nullptr) *records_n_ += n;
  if (bad_n_ != nullptr) *bad_n_ += bad;
  end_[slot] = reader_.position();
  have_[slot] = true;
  return true;
}

void BatchReader::settle() {
  if (!reading_) return;
  worker_.wait();
  reading_ = false;
}

void BatchReader::fill() {
  settle();
  // In journal order: the current slot first, then the next, then the one after them.
  if (!have_[cur_] && !read(cur_)) return;
  if (!have_[at(1)] && !read(at(1))) return;
  if (have_[at(2)]) return;
  const int slot = at(2);
  reading_ = true;
  worker_.start([this, slot] { read(slot); });
}

void BatchReader::pop() {
  have_[cur_] = false;
  cur_ = at(1);
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
  // The current batch, the next one (correlated ahead by the pipeline) and the one after (being read).
  BatchReader batches(reader, batch_, &records_, &bad_);
  uint32_t pruned_below = 0;  // the cursor's segment at the last prune
  // The side worker may be correlating a batch of `batches`: it must be done before they go.
  struct Joiner {
    Pipeline& p;
    ~Joiner() { p.wait_side(); }
  } joiner{pipeline_};
  while (!stop_) {
    batches.fill();
    std::vector<IncomingAlert>* batch = batches.current();
    int64_t now = store::now_us();
    if (batch != nullptr) {
      ++batches_;
      // The store may be busy (another writer holding store.db past the busy timeout) or failing (disk
      // full): the batch stays in the journal, so retry it with a growing pause instead of giving up.
      for (int attempt = 0;; ++attempt) {
        Status s = pipeline_.process(*batch, now, batches.next());
        if (s.ok()) break;
        ++retries_;
        if (attempt == 0 || attempt % 10 == 0) {
          spdlog::error("store: {} (batch of {} kept in the journal; retrying)", s.error().format(), batch->size());
        }
        const int pause_ms = std::min(5000, 100 << std::min(attempt, 6));
        for (int waited = 0; waited < pause_ms && !stop_; waited += 50) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (stop_) return;  // the cursor was not committed: the batch is read again at the next start
        now = store::now_us();
      }
      // The cursor goes to the end of this batch only; the ones after it are not stored yet.
      const JournalPosition end = batches.current_end();
      if (Status s = reader.commit_cursor(end); !s) {
        spdlog::warn("store: journal cursor: {}", s.error().format());
      } else if (retain_bytes_ != UINT64_MAX && end.segment > pruned_below) {
        // Only behind a persisted cursor: a crash now resumes inside a segment that still exists.
        pruned_below = end.segment;
        if (size_t n = prune_journal(dir_, pruned_below, retain_bytes_); n > 0) {
          pruned_ += n;
          spdlog::info("store: pruned {} journal segments already in the store", n);
        }
      }
      batches.pop();
    }
    if (Status s = pipeline_.tick(now); !s) {
      // Health checks, state saves and retention run again at the next tick.
      ++retries_;
      spdlog::error("store: {} (retrying at the next tick)", s.error().format());
    }
    if (batch == nullptr) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace picket::collector::publish
