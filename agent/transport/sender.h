#pragma once
// The agent's sender: delivers the spool to the collector over a ZeroMQ DEALER socket with CURVE.
//
//   picket::agent::Sender sender(*spool, {.endpoint = "tcp://collector:7800", .client = pair,
//                                         .server_public_z85 = server_pub});
//   if (Status s = sender.start(); !s) ...;   // runs its own thread
//   ...
//   sender.stop();                             // or the destructor
//
// Protocol: on every (re)connection (ZMQ monitor HANDSHAKE_SUCCEEDED) it sends Hello, then resends from
// the spool's last acknowledged seq + 1 at no more than `resend_rate` alerts/s until it is past what it had
// sent before. Batches are cut by count, bytes (the frame always stays under `max_message_size`, the
// collector's ZMQ_MAXMSGSIZE) and time (`batch_max_delay` after the oldest unsent alert). Up to `window`
// batches are in flight; an Ack (highest contiguous seq the collector made durable) frees spool segments.
// An Ack that shows the collector is behind the window, or no Ack within `ack_timeout`, rewinds to the
// acknowledged point. Records are fdatasynced in the spool (Spool::sync) before they leave the host.
// Every `heartbeat_interval` a Heartbeat with counters is sent; ZMTP heartbeats (ZMQ_HEARTBEAT_IVL,
// TIMEOUT = 3 intervals, TTL) detect a dead link; ZMQ_RECONNECT_IVL/_MAX give exponential backoff.
// When the spool has refused alerts (cap), a health alert with the exact count is spooled once room frees.
//
// Thread safety: start/stop from the owning thread; stats() and connected() from any thread. Callbacks run
// on the sender thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "agent/transport/spool.h"
#include "common/result.h"
#include "common/transport/keys.h"
#include "picket.pb.h"

namespace picket::agent {

struct SenderOptions {
  std::string endpoint;
  transport::KeyPair client;
  std::string server_public_z85;
  size_t window = 8;
  size_t batch_max_alerts = 2000;
  size_t batch_max_bytes = 2u << 20;
  std::chrono::milliseconds batch_max_delay{5};
  std::chrono::milliseconds heartbeat_interval{5000};
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{10000};
  std::chrono::milliseconds ack_timeout{15000};
  uint64_t resend_rate = 200000;           // alerts/s while catching up after a reconnect
  int64_t max_message_size = 8ll << 20;    // the collector's ingest.max-message-size
  std::string host_name;
  std::string version;
  std::map<std::string, std::string> labels;
};

struct SenderStats {
  uint64_t connects = 0;
  uint64_t disconnects = 0;
  uint64_t batches_sent = 0;
  uint64_t alerts_sent = 0;
  uint64_t acks = 0;
  uint64_t rewinds = 0;        // resends after a timeout or a lagging Ack
  uint64_t bad_frames = 0;     // undecodable frames from the collector
  uint64_t acked_seq = 0;
  bool connected = false;
};

class Sender {
 public:
  Sender(Spool& spool, SenderOptions options);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Called with each new acknowledged seq (sender thread). Set before start().
  void set_ack_callback(std::function<void(uint64_t)> cb) { on_ack_ = std::move(cb); }
  // Fills agent counters (packets, rules...) into each Heartbeat (sender thread). Set before start().
  void set_heartbeat_callback(std::function<void(v1::Heartbeat*)> cb) { on_heartbeat_ = std::move(cb); }

  Status start();
  void stop();
  SenderStats stats() const;

 private:
  struct InFlight {
    uint64_t first = 0;
    uint64_t last = 0;
    std::chrono::steady_clock::time_point sent;
  };
  void run();
  Status setup_socket();
  void on_connected();
  void handle_monitor();
  void handle_incoming();
  void handle_ack(const v1::Ack& ack);
  void send_batches();
  bool send_frame(const std::string& frame);
  void send_heartbeat();
  void report_drops();
  void shrink_oversized(SpoolRecord* rec) const;

  Spool& spool_;
  SenderOptions opt_;
  std::function<void(uint64_t)> on_ack_;
  std::function<void(v1::Heartbeat*)> on_heartbeat_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  void* ctx_ = nullptr;
  void* sock_ = nullptr;
  void* mon_ = nullptr;

  // Sender-thread state.
  bool connected_ = false;
  uint64_t next_send_ = 1;
  uint64_t highest_sent_ = 0;
  uint64_t resend_until_ = 0;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point tokens_at_;
  std::chrono::steady_clock::time_point pending_since_{};
  bool pending_ = false;
  std::vector<InFlight> inflight_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point next_heartbeat_;
  uint64_t reported_dropped_ = 0;
  std::vector<SpoolRecord> recs_;        // send_batches() buffers, kept to reuse their allocations
  std::vector<std::string_view> views_;

  std::atomic<uint64_t> connects_{0}, disconnects_{0}, batches_sent_{0}, alerts_sent_{0}, acks_{0}, rewinds_{0},
      bad_frames_{0};
  std::atomic<bool> connected_flag_{false};
};

}  // namespace picket::agent
