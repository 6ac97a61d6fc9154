#pragma once
// The pipeline's AlertSink: completes an inspector's alert (time, network fields, flow id, app_proto,
// redacted payload excerpt, http/dns/tls objects of the matched event), marks the flow alerted, writes
// it to EVE (when enabled) and hands it to an optional consumer (the daemon's spool).
//
//   pipeline::AlertRouter router(cfg, eve_sink, /*log_to_eve=*/true, nullptr);
//   inspector->on_packet({.worker = 0, .sink = &router}, ...);
//
// alert() is thread-safe (workers call it concurrently): it renders without locks and the EVE sink and
// the consumer take their own locks.
#include <atomic>
#include <functional>

#include "agent/output/eve_writer.h"
#include "agent/pipeline/inspector.h"
#include "agent/pipeline/pipeline_config.h"
#include "common/eve/eve.h"

namespace picket::pipeline {

// EVE pkt_src of the packet an alert fired on: "wire/pcap", "defrag", "gre tunnel", "ipv4 tunnel",
// "ipv6 tunnel", "vxlan encapsulation"; a null packet (flow end) is "stream (flow timeout)".
std::string_view pkt_src_name(const decode::Packet* packet);
// The alert fields only the pipeline knows (pkt_src, ether, flow counters, packet) per the options.
void fill_extras(const AlertOutput& options, const AlertContext& ctx, eve::AlertExtras* out);

class AlertRouter final : public AlertSink {
 public:
  using Consumer = std::function<void(const v1::Alert&)>;
  AlertRouter(const PipelineConfig& cfg, output::EveSink* eve, bool log_to_eve, Consumer consumer);
  void alert(v1::Alert&& alert, const AlertContext& ctx) override;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  const PipelineConfig& cfg_;
  output::EveSink* eve_;
  bool log_to_eve_;
  Consumer consumer_;
  std::atomic<uint64_t> count_{0};
};

}  // namespace picket::pipeline
