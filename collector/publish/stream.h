#pragma once
// The live stream for operators (`picketctl watch`): a CURVE ROUTER on its own socket and ZeroMQ context,
// admitting only operator keys from an allow-list file (same format as agents.yaml, names are operators).
//
//   LiveStream stream({.listen = "tcp://0.0.0.0:7801", .server = keys, .operators_path = "operators.yaml"});
//   if (Status s = stream.start(); !s) ...
//   stream.publish_alert(alert, "web-01", "org=finance");   // feeder thread
//   stream.publish_incident(incident);
//   stream.stop();
//
// Protocol: the operator's DEALER sends any one-frame message ("SUB") on connect and then at least every
// `subscriber_timeout / 3`; the collector sends each alert and incident as one frame, a serialised
// picket.v1.Envelope (alerts carry metadata agent and org). A live view may drop: each operator has a
// bounded queue (ZMQ_SNDHWM = queue_per_operator); when it is full the message is dropped for that
// operator and counted (stats().dropped, per-operator counts in operators()). Nothing that must not be
// lost goes over this stream: the store and the exports are the record.
//
// Threads: start/stop from the owning thread; publish_* from one producer thread; stats() from any.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "common/transport/keys.h"
#include "picket.pb.h"

namespace picket::collector {
class AllowListWatcher;
class ZapHandler;
}  // namespace picket::collector

namespace picket::collector::publish {

struct StreamOptions {
  std::string listen = "tcp://0.0.0.0:7801";
  transport::KeyPair server;
  std::string operators_path;
  int queue_per_operator = 10000;
  std::chrono::milliseconds subscriber_timeout{30000};
  size_t max_pending = 100000;  // producer -> stream thread hand-off; beyond it messages are dropped
};

struct StreamStats {
  uint64_t operators = 0;
  uint64_t published = 0;
  uint64_t sent = 0;
  uint64_t dropped = 0;  // per-operator queue full, or hand-off full
};

struct OperatorStats {
  std::string name;
  uint64_t sent = 0;
  uint64_t dropped = 0;
};

class LiveStream {
 public:
  explicit LiveStream(StreamOptions options);
  ~LiveStream();
  LiveStream(const LiveStream&) = delete;
  LiveStream& operator=(const LiveStream&) = delete;

  Status start();
  void stop();
  std::string bound_endpoint() const { return bound_; }

  void publish_alert(const v1::Alert& a, const std::string& agent, const std::string& org);
  void publish_incident(const v1::Incident& inc);

  StreamStats stats() const;
  std::vector<OperatorStats> operators() const;

 private:
  struct Operator {
    std::string name;
    std::chrono::steady_clock::time_point last_seen;
    uint64_t sent = 0;
    uint64_t dropped = 0;
  };
  void enqueue(std::string frame);
  void run();

  StreamOptions opt_;
  std::unique_ptr<AllowListWatcher> watcher_;
  std::unique_ptr<ZapHandler> zap_;
  void* ctx_ = nullptr;
  void* router_ = nullptr;
  std::string bound_;
  std::thread thread_;
  std::atomic<bool> stop_{false};

  mutable std::mutex mu_;
  std::deque<std::string> pending_;
  std::map<std::string, Operator> operators_;  // routing id -> operator (stream thread; copies under mu_)
  std::atomic<uint64_t> published_{0}, sent_{0}, dropped_{0};
};

}  // namespace picket::collector::publish
