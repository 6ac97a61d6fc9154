#pragma once
// The thread that fills the store behind the ingest journal: reads records after its persisted cursor
// (JournalReader "store"), hands them to the Pipeline in batches, commits the cursor after each batch is in
// the store, and ticks the pipeline (health, state, retention) about once a second. It reads one batch
// ahead: the pipeline correlates the next batch on its side worker while the current one is stored, and
// the cursor only ever moves to the end of a stored batch; the batch after that one is read and parsed on a
// thread of its own meanwhile (BatchReader).
//
//   JournalFeeder feeder(journal_dir, &ingest.journal(), pipeline);
//   feeder.start();   ...   feeder.stop();   // stop() saves correlation state
//
// The journal is the durable point; the store is written with synchronous=NORMAL. After a crash the reader
// resumes at its last committed cursor: store inserts are idempotent and the correlation engine skips
// sequence numbers it already counted.
//
// Journal segments the store has wholly read are pruned behind the cursor beyond `retain_bytes`
// (collector/ingest/journal.h prune_journal); UINT64_MAX keeps everything.
//
// A store that is busy (another process holding store.db's write lock past the busy timeout) or failing
// never stops the feeder: the batch stays in the journal (the cursor is not advanced) and is retried with a
// pause growing to 5 s; stats().store_retries counts the retries. failed() stays false for that.
//
// Threads: start/stop from the owning thread; stats() from any.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "collector/ingest/journal.h"
#include "collector/publish/pipeline.h"
#include "collector/publish/side_worker.h"
#include "common/result.h"

namespace picket::collector::publish {

struct FeederStats {
  uint64_t records = 0;
  uint64_t bad_records = 0;  // alert bytes that did not parse
  uint64_t batches = 0;
  uint64_t segments_pruned = 0;
  uint64_t store_retries = 0;  // batches or ticks retried because the store failed (busy, disk full)
};

// Journal records -> the pipeline's batch, as the feeder hands them on: each record's alert parsed, the
// record's bytes kept as the stored body. The batch's elements are reused (their strings and messages keep
// their capacity), so a steady stream of batches allocates little. Returns how many records did not parse
// (left out of the batch).
size_t decode_records(std::vector<JournalRecord>& records, std::vector<IncomingAlert>* batch);

// The feeder's batches from a journal reader: the current batch and the next one decoded (decode_records),
// and the batch after them read and decoded on a thread of its own while the caller stores the current one
// and the pipeline correlates the next. Batches come in journal order; each knows the journal position at
// its end (for the cursor).
//
//   BatchReader batches(reader, 10000, &records, &bad);
//   for (;;) {
//     batches.fill();                                   // then current() / next() / current_end()
//     if (auto* b = batches.current()) { store(*b, batches.next()); reader.commit_cursor(batches.current_end());
//                                        batches.pop(); }
//   }
//
// Threads: one owning thread calls everything; current(), next() and current_end() only between fill() and
// pop(). The background read uses the JournalReader's next() while the owner may call its commit_cursor(),
// which touches only the cursor file.
class BatchReader {
 public:
  // `records` and `bad` (either may be null) count the records read and those that did not parse.
  BatchReader(JournalReader& reader, size_t batch, std::atomic<uint64_t>* records = nullptr,
              std::atomic<uint64_t>* bad = nullptr)
      : reader_(reader), batch_(batch), records_n_(records), bad_n_(bad) {}
  ~BatchReader() { settle(); }
  BatchReader(const BatchReader&) = delete;
  BatchReader& operator=(const BatchReader&) = delete;

  // Waits for the read in flight; reads the current and next batches if they are still missing (on this
  // thread, while the journal had nothing more before); starts reading the one after them.
  void fill();
  std::vector<IncomingAlert>* current() { return have_[cur_] ? &buf_[cur_] : nullptr; }
  std::vector<IncomingAlert>* next() { return have_[at(1)] ? &buf_[at(1)] : nullptr; }
  const JournalPosition& current_end() const { return end_[cur_]; }
  // Done with the current batch: the next one becomes current.
  void pop();

 private:
  int at(int k) const { return (cur_ + k) % 3; }
  bool read(int slot);
  void settle();
  JournalReader& reader_;
  size_t batch_;
  std::atomic<uint64_t>* records_n_;
  std::atomic<uint64_t>* bad_n_;
  std::vector<JournalRecord> records_;  // used by whichever thread reads
  std::vector<IncomingAlert> buf_[3];
  JournalPosition end_[3]{};
  bool have_[3] = {false, false, false};
  int cur_ = 0;
  bool reading_ = false;
  SideWorker worker_;  // declared last: destroyed (joined) before the buffers it fills
};

class JournalFeeder {
 public:
  JournalFeeder(std::string journal_dir, const Journal* live, Pipeline& pipeline, size_t batch = 10000,
                uint64_t retain_bytes = UINT64_MAX);
  ~JournalFeeder();
  JournalFeeder(const JournalFeeder&) = delete;
  JournalFeeder& operator=(const JournalFeeder&) = delete;

  // The feeder thread's nice value (0..19), set before start(): a higher value lets ingest and its Acks
  // take the CPU first while the store fills behind the durable journal (config store.feeder-nice).
  void set_nice(int nice) { nice_ = nice; }
  Status start();
  void stop();
  bool failed() const { return failed_.load(); }
  FeederStats stats() const;

 private:
  void run();
  std::string dir_;
  const Journal* live_;
  Pipeline& pipeline_;
  size_t batch_;
  uint64_t retain_bytes_;
  int nice_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false}, failed_{false};
  std::atomic<uint64_t> records_{0}, bad_{0}, batches_{0}, pruned_{0}, retries_{0};
};

}  // namespace picket::collector::publish
