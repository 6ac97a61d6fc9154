#pragma once
// Offline modes (--read-pcap, --read-log, --scan-path) can deliver their alerts to the collector too: with
// transport.forward-offline on, the mode opens the agent's spool and sender, submits each alert, and before
// exiting waits until the collector has acknowledged all of them (transport.forward-timeout at most). The
// spool is the daemon's, so anything not acknowledged in time is delivered by the next run or the daemon.
//
//   auto fwd = picket::agent::OfflineForwarder::open(settings);   // nullptr when forwarding is off
//   if (!fwd) { print(fwd.error().format()); return 2; }
//   if (*fwd) (*fwd)->submit(alert);                               // any thread
//   if (*fwd) if (Status s = (*fwd)->finish(); !s) ...             // main thread, once
//
// Threads: submit from any thread; open/finish from the mode's main thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "agent/transport/outbox.h"
#include "agent/transport/sender.h"
#include "agent/transport/spool.h"
#include "common/config.h"
#include "common/result.h"
#include "picket.pb.h"

namespace picket::agent {

class OfflineForwarder {
 public:
  static Result<std::unique_ptr<OfflineForwarder>> open(const config::Settings& settings);
  ~OfflineForwarder();

  // False when the spool cap refused the alert (counted, reported by the sender).
  bool submit(v1::Alert alert);
  // Waits until everything in the spool is acknowledged, then stops the sender. An error on timeout (the
  // alerts stay in the spool).
  Status finish();
  uint64_t submitted() const { return submitted_.load(); }

 private:
  OfflineForwarder() = default;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<Sender> sender_;
  std::chrono::milliseconds timeout_{0};
  std::string endpoint_;
  std::atomic<uint64_t> submitted_{0};
};

}  // namespace picket::agent
