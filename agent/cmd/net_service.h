#pragma once
// The daemon's network input: a live libpcap capture through the whole pipeline (decode, flows,
// reassembly, app layer) with the Suricata rules; each alert goes to `submit` (the spool).
//
//   auto net = NetworkService::open(settings);     // as root, before privileges drop; nullptr: no capture
//   if (!net) { report(net.error()); return 2; }
//   privdrop::drop_privileges(...);
//   Diagnostics d = (*net)->load_rules(rule_paths);  // rejected rules are warnings
//   (*net)->start(submit);                           // the reader thread (+ cfg.workers workers)
//   sender.set_heartbeat_callback([&](v1::Heartbeat* hb) { (*net)->fill_heartbeat(hb); });
//   (*net)->reload(rule_paths, &diag);               // SIGHUP: the new set is built beside the old
//   (*net)->stop();
//
// Threads: open/load_rules/start/stop from the main thread; fill_heartbeat, check_drops and reload from
// any one other thread at a time.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/capture/capture.h"
#include "agent/detect/reload.h"
#include "agent/pipeline/alert_router.h"
#include "agent/pipeline/pipeline_config.h"
#include "common/config.h"
#include "common/error.h"
#include "common/result.h"
#include "picket.pb.h"

namespace picket::agent {

class NetworkService {
 public:
  using Submit = std::function<bool(v1::Alert)>;

  // nullptr when capture.interface and capture.file are empty (no network input configured).
  static Result<std::unique_ptr<NetworkService>> open(const config::Settings& settings);
  ~NetworkService();

  // Loads the Suricata rules; returns the rejected ones. With no rule the pipeline still runs (flows,
  // counters) and never alerts.
  Diagnostics load_rules(const std::vector<std::string>& rule_paths);
  bool reload(const std::vector<std::string>& rule_paths, Diagnostics* diag);
  void start(Submit submit);
  void stop();

  // Packets, bytes, capture drops (pcap_stats: kernel + interface), alerts, rules loaded, capture_running
  // and the Suricata rule set's version. The collector raises health:capture-drops from these counters;
  // growing drops are also logged here.
  void fill_heartbeat(v1::Heartbeat* hb);
  const std::string& interface() const { return interface_; }
  size_t rules_loaded() const;

 private:
  NetworkService(const config::Settings& settings, std::unique_ptr<capture::PacketSource> src);

  const config::Settings& settings_;
  std::string interface_;
  pipeline::PipelineConfig cfg_;
  std::unique_ptr<capture::PacketSource> source_;
  std::shared_ptr<detect::EngineHolder> holder_;
  std::unique_ptr<pipeline::AlertRouter> router_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
  std::atomic<bool> replay_done_{false};
  std::thread thread_;
  std::mutex stats_mu_;
  uint64_t reported_drops_ = 0;
};

}  // namespace picket::agent
