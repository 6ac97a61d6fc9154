#pragma once
// The collector's durable point: an append-only journal of every accepted alert. An Ack is sent only after
// the records it covers are fdatasynced here; the SQLite store (collector/store) is filled behind it by a
// JournalReader, so nothing acknowledged can be lost by a crash.
//
//   auto j = picket::collector::Journal::open({.dir = "/var/lib/picket/collector/journal"});
//   (*j)->append(agent_key, epoch, seq, now_us, alert_bytes);   // ingest thread: buffered
//   (*j)->commit();                                             // ingest thread: write + fdatasync (group commit)
//
//   picket::collector::JournalReader reader(dir, "store", j->get());  // any other thread
//   std::vector<JournalRecord> recs;
//   while (reader.next(1000, &recs) > 0) { store(recs); reader.commit_cursor(); }
//
// On disk (format version 1): segments `<index, 10 digits>.pj`, each a 16-byte header (magic "PKTJRNL1",
// version, header size) and records `u32 length | u32 crc32(rest) | u8 type (1 = alert) | 3 zero bytes |
// agent key (32) | epoch (16) | u64 seq | i64 received_us | serialised picket.v1.Alert`. A torn tail of the
// last segment (crash mid-write: never acknowledged) is cut off at open. Reader cursors are small files
// `<name>.cursor` beside the segments. A reader returns each record at least once; the consumer keys on
// (agent key, epoch, seq) so a replay after its own crash is idempotent.
//
// Thread safety: Journal::append/commit from one thread (the ingest loop); durable_position() from any.
// Each JournalReader is used by one thread.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/transport/keys.h"
#include "common/transport/wire.h"

namespace picket::collector {

inline constexpr uint32_t kJournalFormatVersion = 1;

struct JournalOptions {
  std::string dir;
  uint64_t segment_bytes = 256ull << 20;
};

struct JournalPosition {
  uint32_t segment = 0;
  uint64_t offset = 0;
  auto operator<=>(const JournalPosition&) const = default;
};

// (agent key, epoch): one agent's sequence space.
struct StreamId {
  transport::KeyBytes key{};
  transport::Epoch epoch{};
  auto operator<=>(const StreamId&) const = default;
};

struct JournalRecord {
  StreamId stream;
  uint64_t seq = 0;
  int64_t received_us = 0;
  std::string alert;  // serialised picket.v1.Alert
};

class Journal {
 public:
  static Result<std::unique_ptr<Journal>> open(const JournalOptions& options);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Buffers one record; it is durable only after commit().
  void append(const StreamId& stream, uint64_t seq, int64_t received_us, std::span<const uint8_t> alert);
  // Writes the buffered records and fdatasyncs them. On failure nothing may be acknowledged; the caller
  // stops acknowledging (the journal is unusable until restart).
  Status commit();
  bool has_pending() const { return !buf_.empty(); }
  size_t pending_bytes() const { return buf_.size(); }

  JournalPosition durable_position() const;
  // Highest seq stored per stream, as recovered at open (the ingest loop's de-duplication state).
  const std::map<StreamId, uint64_t>& recovered_streams() const { return recovered_; }
  uint64_t records_recovered() const { return records_recovered_; }
  const std::string& dir() const { return options_.dir; }

 private:
  explicit Journal(JournalOptions options) : options_(std::move(options)) {}
  Status init();
  Status start_segment(uint32_t index);

  JournalOptions options_;
  int fd_ = -1;
  uint32_t segment_ = 0;
  uint64_t size_ = 0;
  std::string buf_;
  mutable std::mutex mu_;
  JournalPosition durable_;
  std::map<StreamId, uint64_t> recovered_;
  uint64_t records_recovered_ = 0;
};

class JournalReader {
 public:
  // `live`: the journal being written in this process (reads stop at its durable position), or nullptr to
  // read whatever complete records are on disk.
  JournalReader(std::string dir, std::string cursor_name, const Journal* live = nullptr);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  // Appends up to `max` records after the cursor to *out (cleared first); returns how many.
  size_t next(size_t max, std::vector<JournalRecord>* out);
  // Persists the position after the last record returned by next().
  Status commit_cursor();
  JournalPosition position() const { return pos_; }

 private:
  bool open_segment(uint32_t index);
  std::string dir_;
  std::string cursor_path_;
  const Journal* live_;
  JournalPosition pos_;
  int fd_ = -1;
  uint32_t fd_segment_ = 0;
  std::string buf_;
};

// Parses one record body (after length and crc); false when malformed. Exposed for the fuzz target.
bool parse_journal_record(std::span<const uint8_t> body, JournalRecord* out);

}  // namespace picket::collector
