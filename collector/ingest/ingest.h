#pragma once
// The collector's ingest service: a CURVE ROUTER that admits enrolled agents (ZapHandler), validates every
// frame, de-duplicates alerts on (agent key, epoch, seq), journals them and acknowledges only what is durable.
//
//   picket::collector::IngestServer ingest(options);
//   if (Status s = ingest.start(); !s) { print(s.error().format()); return 2; }
//   ... ingest.journal() feeds a JournalReader (collector/store) ...
//   ingest.stop();
//
// Order at start: ZAP handler bound on inproc://zeromq.zap.01, then the ROUTER (CURVE server, ZAP domain
// enforced, ROUTER_MANDATORY, MAXMSGSIZE, heartbeats) is bound. Identity: the ZAP User-Id on each message
// (the agent's Z85 public key); nothing inside a message names the agent. Each message's key is checked
// against the current allow-list (reloaded every `reload_interval`): a revoked key's messages are dropped and
// its connection is shut down (the reconnect then fails ZAP).
//
// Acceptance per stream (agent key, epoch): seq == stored + 1 is journalled; seq <= stored is a duplicate
// (dropped, counted, re-acknowledged); seq > stored + 1 is a gap (the rest of the batch is dropped and the
// Ack tells the agent where to resume). Acks carry the highest contiguous seq that is fdatasynced: the loop
// drains what is waiting, commits the journal once (group commit), then sends the Acks.
//
// The de-duplication table is bounded. Once a stream of an agent has a durable batch, the agent's other
// epochs that were active before it are forgotten (a reinstalled agent never returns to its old spool), and
// beyond `max_streams` the least recently active streams are forgotten. A forgotten stream that comes back
// anyway resumes where its first batch starts (the store still de-duplicates on (key, epoch, seq)); the
// forgotten set itself is capped at 4 x max_streams, oldest first. The table and the forgotten set are
// written to a checkpoint at the start of every journal segment, so pruning fed segments loses nothing.
//
// Thread safety: start/stop from the owning thread; stats(), journal().durable_position() from any thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/arena.h>

#include "collector/ingest/allow_list.h"
#include "collector/ingest/journal.h"
#include "collector/ingest/zap.h"
#include "common/result.h"
#include "common/transport/keys.h"
#include "common/transport/wire.h"
#include "picket.pb.h"

namespace picket::collector {

enum class IngestFsync { kGroup, kEveryBatch };

// Receives every authenticated agent's Hello and Heartbeat, on the ingest thread, with the agent's raw
// 32-byte public key (its identity) and the receive time. Implementations must be quick and thread-safe
// with respect to their own consumers (collector/cmd queues them for the pipeline's health checks).
class AgentControlListener {
 public:
  virtual ~AgentControlListener() = default;
  virtual void on_hello(std::string agent_key, v1::Hello hello, int64_t received_us) = 0;
  virtual void on_heartbeat(std::string agent_key, v1::Heartbeat heartbeat, int64_t received_us) = 0;
};

struct IngestOptions {
  std::string listen = "tcp://0.0.0.0:7800";
  transport::KeyPair server;
  std::string allow_list_path;
  std::string journal_dir;
  int64_t max_message_size = 8ll << 20;
  std::chrono::milliseconds heartbeat_interval{5000};
  std::chrono::milliseconds reload_interval{1000};
  IngestFsync fsync = IngestFsync::kGroup;
  size_t group_max_bytes = 16u << 20;  // commit at least this often while draining
  uint64_t journal_segment_bytes = 256ull << 20;
  size_t max_streams = 100000;         // de-duplication table cap (agent key, epoch)
};

struct IngestStats {
  uint64_t frames = 0;
  uint64_t batches = 0;
  uint64_t alerts_stored = 0;
  uint64_t duplicates = 0;
  uint64_t gaps = 0;              // batches whose first new seq was not stored + 1
  uint64_t bad_frames = 0;        // undecodable or invalid frames (dropped)
  uint64_t unauthorised = 0;      // messages from a key not (or no longer) allowed
  uint64_t hellos = 0;
  uint64_t heartbeats = 0;
  uint64_t acks_sent = 0;
  uint64_t commits = 0;
  uint64_t streams = 0;           // (agent key, epoch) streams in the de-duplication table now
  uint64_t streams_forgotten = 0; // dropped from the table since start (older epoch of an agent, or the cap)
  uint64_t streams_resumed = 0;   // forgotten streams that came back
  uint64_t zap_accepted = 0;
  uint64_t zap_refused = 0;
};

class IngestServer {
 public:
  explicit IngestServer(IngestOptions options);
  ~IngestServer();
  IngestServer(const IngestServer&) = delete;
  IngestServer& operator=(const IngestServer&) = delete;

  Status start();
  void stop();
  IngestStats stats() const;
  // The endpoint actually bound (resolves a tcp://...:0 wildcard port).
  std::string bound_endpoint() const { return bound_; }
  const Journal& journal() const { return *journal_; }
  const AllowListWatcher& allow_list() const { return watcher_; }
  // Hellos and heartbeats go to `listener` (nullptr: none) from the next message on. Any thread; the
  // listener must outlive the server or be cleared first (a clear waits for a call in progress to end).
  void set_control_listener(AgentControlListener* listener);
  // True once the journal failed to write or sync: nothing more is acknowledged; the daemon exits.
  bool failed() const { return failed_.load(); }

 private:
  struct Stream {
    uint64_t written = 0;  // highest contiguous seq appended to the journal
    uint64_t durable = 0;  // highest contiguous seq fdatasynced
    int64_t last_us = 0;   // last batch received (collector clock)
  };
  void run();
  void handle_message(const std::string& routing_id, void* msg);
  void commit_and_ack();
  void disconnect_peer(void* msg);
  void forget(std::map<StreamId, Stream>::iterator it);
  void bound_streams(const std::vector<StreamId>& acked);
  void checkpoint(std::vector<JournalCheckpointEntry>* out) const;

  IngestOptions opt_;
  AllowListWatcher watcher_;
  std::unique_ptr<Journal> journal_;
  void* ctx_ = nullptr;
  void* router_ = nullptr;
  std::unique_ptr<ZapHandler> zap_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::string bound_;
  std::mutex listener_mu_;
  AgentControlListener* listener_ = nullptr;

  // Ingest-thread state.
  std::map<StreamId, Stream> streams_;
  std::map<std::string, StreamId> pending_acks_;  // routing id -> stream to acknowledge after commit
  std::vector<Stream*> dirty_;                    // streams appended to since the last commit
  std::set<StreamId> forgotten_;                  // streams dropped from streams_ (bounded, oldest first)
  std::deque<StreamId> forgotten_order_;
  bool journal_failed_ = false;
  std::shared_ptr<const AllowList> allow_list_now_;
  transport::BatchView batch_;
  static constexpr size_t kArenaBlock = 256u << 10;  // holds any alert under it without a malloc
  std::vector<char> arena_block_;
  std::unique_ptr<google::protobuf::Arena> arena_;  // validation parses (ingest thread)

  struct Counters {
    std::atomic<uint64_t> frames{0}, batches{0}, alerts_stored{0}, duplicates{0}, gaps{0}, bad_frames{0},
        unauthorised{0}, hellos{0}, heartbeats{0}, acks_sent{0}, commits{0}, streams{0}, streams_forgotten{0},
        streams_resumed{0};
  } c_;
};

}  // namespace picket::collector
