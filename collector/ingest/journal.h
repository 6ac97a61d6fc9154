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
// Format version 2 adds checkpoint records at the start of every new segment: type 2 (a stream's highest
// durable seq before this segment, received_us = its last activity) and type 3 (a stream the ingest loop
// forgot, seq 0). They carry the de-duplication state across pruning: once segments fully fed to the store
// are deleted (prune_journal), the checkpoint at the start of the oldest remaining segment still says where
// each stream stands. Readers skip them. Version 1 segments (no checkpoints) are read as before.
//
// Thread safety: Journal::append/commit from one thread (the ingest loop); durable_position() from any.
// Each JournalReader is used by one thread.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
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

inline constexpr uint32_t kJournalFormatVersion = 2;

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

// One stream's state in a checkpoint (written at the start of each segment).
struct JournalCheckpointEntry {
  StreamId stream;
  uint64_t seq = 0;        // highest contiguous durable seq
  int64_t last_us = 0;     // last activity (collector clock)
  bool forgotten = false;  // the ingest loop dropped this stream from its table (seq unused)
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
  // Highest seq stored per stream, as recovered at open from records and checkpoints (the ingest loop's
  // de-duplication state); the last activity per stream; streams the last checkpoint marks as forgotten.
  const std::map<StreamId, uint64_t>& recovered_streams() const { return recovered_; }
  const std::map<StreamId, int64_t>& recovered_last_us() const { return recovered_last_us_; }
  const std::vector<StreamId>& recovered_forgotten() const { return recovered_forgotten_; }
  // Called (on the appending thread, inside commit()) when a new segment starts, to fill the checkpoint
  // written at its start. It must describe only what is durable in earlier segments. Unset: no checkpoint.
  void set_checkpoint_source(std::function<void(std::vector<JournalCheckpointEntry>*)> source) {
    checkpoint_source_ = std::move(source);
  }
  uint32_t current_segment() const { return segment_; }
  uint64_t records_recovered() const { return records_recovered_; }
  const std::string& dir() const { return options_.dir; }

 private:
  explicit Journal(JournalOptions options) : options_(std::move(options)) {}
  Status init();
  Status start_segment(uint32_t index, const std::vector<JournalCheckpointEntry>& checkpoint);
  std::vector<JournalCheckpointEntry> recovered_checkpoint() const;

  JournalOptions options_;
  int fd_ = -1;
  uint32_t segment_ = 0;
  uint64_t size_ = 0;
  std::string buf_;
  mutable std::mutex mu_;
  JournalPosition durable_;
  std::map<StreamId, uint64_t> recovered_;
  std::map<StreamId, int64_t> recovered_last_us_;
  std::vector<StreamId> recovered_forgotten_;
  uint64_t records_recovered_ = 0;
  std::function<void(std::vector<JournalCheckpointEntry>*)> checkpoint_source_;
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
  // Persists the position after the last record returned by next(), or an earlier `at` (a position() the
  // reader had) when the consumer has read ahead of what it has stored.
  Status commit_cursor();
  Status commit_cursor(const JournalPosition& at);
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

// Deletes segments wholly before `fed_segment` (the segment a reader that must see everything - the store's -
// is in), oldest first, while the deleted-eligible segments together exceed `retain_bytes`; never the
// newest segment. Returns how many segments were deleted. Any thread; readers of pruned segments move on.
size_t prune_journal(const std::string& dir, uint32_t fed_segment, uint64_t retain_bytes);
// Segment indexes present in `dir`, ascending.
std::vector<uint32_t> journal_segments(const std::string& dir);

}  // namespace picket::collector
