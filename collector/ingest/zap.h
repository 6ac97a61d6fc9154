#pragma once
// The collector's ZAP handler (ZeroMQ RFC 27): admits a CURVE client only when its public key is in the
// allow-list and not revoked. It answers with User-Id = the client's Z85 public key, which libzmq then
// attaches to every message of that connection (zmq_msg_gets(msg, "User-Id")): the only identity the
// collector believes.
//
//   picket::collector::ZapHandler zap(ctx, watcher);
//   if (Status s = zap.start(); !s) ...;     // binds inproc://zeromq.zap.01 before returning
//   ... create and bind the CURVE ROUTER only now ...
//   zap.stop();                               // after the ROUTER is closed
//
// Refused: any mechanism but CURVE (NULL, PLAIN), a wrong ZAP domain, an unknown or revoked key. Counters are
// readable from any thread; start/stop from the owning thread.
#include <atomic>
#include <cstdint>
#include <thread>

#include "collector/ingest/allow_list.h"
#include "common/result.h"

namespace picket::collector {

class ZapHandler {
 public:
  ZapHandler(void* zmq_context, const AllowListWatcher& allow_list);
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  Status start();
  void stop();
  uint64_t accepted() const { return accepted_.load(); }
  uint64_t refused() const { return refused_.load(); }

 private:
  void run();
  void* ctx_;
  const AllowListWatcher& allow_list_;
  void* sock_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> accepted_{0}, refused_{0};
};

}  // namespace picket::collector
