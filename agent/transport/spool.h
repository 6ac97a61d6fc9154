#pragma once
// The agent's disk spool: every alert accepted by the agent waits here until the collector acknowledges it.
//
//   auto spool = picket::agent::Spool::open({.dir = "/var/lib/picket/agent/spool"});
//   if (!spool) { log(spool.error().format()); return; }
//   picket::v1::Alert a = ...;
//   (*spool)->append(a);                      // any thread: assigns a.seq, writes it to the segment
//   std::vector<SpoolRecord> recs;
//   (*spool)->read(next_seq, 1000, 1 << 20, &recs);   // sender thread
//   (*spool)->sync();                         // sender thread: fdatasync before records leave the host
//   (*spool)->ack(acked_seq);                 // sender thread: frees fully acknowledged segments
//
// On disk (format version 1, see README.md): `spool.meta` holds the magic, version and epoch (16 random
// bytes made when the spool is created); `ack` holds the highest acknowledged seq; segments
// `<first seq, 20 digits>.seg` start with a header (magic, version, epoch, first seq) followed by records
// `u32 length | u32 crc32(seq..payload) | u64 seq | payload` where payload is a serialised picket.v1.Alert.
// Sequence numbers start at 1 and are contiguous within an epoch. On open, a torn or corrupt tail of the last
// segment is cut off (a SIGKILL mid-write leaves at most one partial record).
//
// Cap policy: when accepting an alert would take the spool over `max_bytes`, the NEW alert is refused and
// counted in dropped(); alerts already accepted are never dropped, so the sequence stays gap-free and what
// was accepted is delivered. The sender reports dropped() in heartbeats and as a health alert.
//
// Fsync policy: kAlways fdatasyncs every append before it returns; kBeforeSend (the default) fdatasyncs in
// sync(), which the sender calls before any record leaves the host, so the collector never holds a seq the
// agent could lose and then reuse after a power failure.
//
// Thread safety: append/append_many, stats and counters may be called from any thread; read, sync and ack
// from one thread (the sender) at a time.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/transport/wire.h"
#include "picket.pb.h"

namespace picket::agent {

enum class SpoolFsync { kAlways, kBeforeSend };

struct SpoolOptions {
  std::string dir;
  uint64_t max_bytes = 1ull << 30;      // cap on all segments together
  uint64_t segment_bytes = 16ull << 20; // a new segment starts beyond this size
  SpoolFsync fsync = SpoolFsync::kBeforeSend;
};

struct SpoolRecord {
  uint64_t seq = 0;
  std::string payload;  // serialised picket.v1.Alert (with seq set)
};

struct SpoolStats {
  uint64_t first_unacked = 0;  // acked + 1
  uint64_t last_seq = 0;       // highest seq written (0: none)
  uint64_t acked_seq = 0;
  uint64_t depth = 0;          // last_seq - acked_seq
  uint64_t bytes = 0;          // on disk, all segments
  uint64_t dropped = 0;        // refused by the cap since open
  uint64_t segments = 0;
  uint64_t truncated_bytes = 0;  // cut from a torn tail at open
};

inline constexpr uint32_t kSpoolFormatVersion = 1;

class Spool {
 public:
  static Result<std::unique_ptr<Spool>> open(const SpoolOptions& options);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Assigns the next seq to `alert`, serialises and writes it. False when refused by the cap (counted) or
  // on a write error (logged, counted as dropped).
  bool append(v1::Alert& alert);
  // Same for many alerts with one write; returns how many were accepted (a prefix of `alerts`).
  size_t append_many(std::span<v1::Alert> alerts);

  // Reads records with seq >= from_seq, at most max_count records and about max_bytes of payload (at least
  // one record when any is available). Returns the count appended to *out (cleared first).
  size_t read(uint64_t from_seq, size_t max_count, size_t max_bytes, std::vector<SpoolRecord>* out);
  // Makes everything appended so far durable. Returns the highest seq that is durable.
  uint64_t sync();
  uint64_t synced_seq() const { return synced_seq_.load(); }
  // Records that the collector holds everything up to `seq`; removes segments that are wholly acknowledged.
  void ack(uint64_t seq);

  const transport::Epoch& epoch() const { return epoch_; }
  uint64_t last_seq() const { return last_seq_.load(); }
  uint64_t acked_seq() const { return acked_seq_.load(); }
  uint64_t dropped() const { return dropped_.load(); }
  SpoolStats stats() const;
  const std::string& dir() const { return options_.dir; }

 private:
  struct Segment {
    uint64_t first_seq = 0;
    uint64_t last_seq = 0;  // first_seq - 1 when empty
    uint64_t size = 0;      // bytes written, header included
    int fd = -1;
    std::string path;
  };
  explicit Spool(SpoolOptions options) : options_(std::move(options)) {}
  Status init();
  Status load_or_create_meta();
  Status recover_segment(Segment* seg, bool last);
  Status start_segment_locked(uint64_t first_seq);
  bool write_records_locked(const std::string& buf, uint64_t count, uint64_t first_seq);
  void persist_ack(uint64_t seq);

  SpoolOptions options_;
  transport::Epoch epoch_{};
  mutable std::mutex mu_;        // segments_, total_bytes_, the write path
  std::vector<Segment> segments_;
  uint64_t total_bytes_ = 0;
  int ack_fd_ = -1;
  std::atomic<uint64_t> last_seq_{0};
  std::atomic<uint64_t> synced_seq_{0};
  std::atomic<uint64_t> acked_seq_{0};
  std::atomic<uint64_t> dropped_{0};
  uint64_t truncated_bytes_ = 0;
  std::string write_buf_;  // records being written (under mu_)
  // Read cursor (sender thread): where the record with seq cursor_seq_ starts.
  uint64_t cursor_seq_ = 0;
  uint64_t cursor_first_ = 0;  // first_seq of the segment the cursor is in
  uint64_t cursor_off_ = 0;
  std::string read_buf_;  // a window of one segment's bytes
  uint64_t win_first_ = 0;
  uint64_t win_off_ = 0;
  const char* window(uint64_t seg_first, int fd, uint64_t seg_size, uint64_t off, size_t len);
};

}  // namespace picket::agent
