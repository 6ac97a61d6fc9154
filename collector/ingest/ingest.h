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
// Thread safety: start/stop from the owning thread; stats(), journal().durable_position() from any thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "collector/ingest/allow_list.h"
#include "collector/ingest/journal.h"
#include "collector/ingest/zap.h"
#include "common/result.h"
#include "common/transport/keys.h"
#include "common/transport/wire.h"
#include "picket.pb.h"

namespace picket::collector {

enum class IngestFsync { kGroup, kEveryBatch };

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
  // True once the journal failed to write or sync: nothing more is acknowledged; the daemon exits.
  bool failed() const { return failed_.load(); }

 private:
  struct Stream {
    uint64_t written = 0;  // highest contiguous seq appended to the journal
    uint64_t durable = 0;  // highest contiguous seq fdatasynced
  };
  void run();
  void handle_message(const std::string& routing_id, void* msg);
  void commit_and_ack();
  void disconnect_peer(void* msg);

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

  // Ingest-thread state.
  std::map<StreamId, Stream> streams_;
  std::map<std::string, StreamId> pending_acks_;  // routing id -> stream to acknowledge after commit
  std::vector<Stream*> dirty_;                    // streams appended to since the last commit
  bool journal_failed_ = false;
  std::shared_ptr<const AllowList> allow_list_now_;
  transport::BatchView batch_;
  v1::Alert scratch_;

  struct Counters {
    std::atomic<uint64_t> frames{0}, batches{0}, alerts_stored{0}, duplicates{0}, gaps{0}, bad_frames{0},
        unauthorised{0}, hellos{0}, heartbeats{0}, acks_sent{0}, commits{0};
  } c_;
};

}  // namespace picket::collector
