#include "collector/publish/feeder.h"

#include <spdlog/spdlog.h>

#include <chrono>

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
  return {.records = records_, .bad_records = bad_, .batches = batches_, .segments_pruned = pruned_};
}

void JournalFeeder::run() {
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
        if (in.alert.seq() == 0) in.alert.set_seq(r.seq);
        batch.push_back(std::move(in));
      }
      records_ += n;
      ++batches_;
      if (Status s = pipeline_.process(batch, now); !s) {
        spdlog::critical("store: {}", s.error().format());
        failed_ = true;
        return;
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
      spdlog::critical("store: {}", s.error().format());
      failed_ = true;
      return;
    }
    if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace picket::collector::publish
