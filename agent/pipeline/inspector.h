#pragma once
// Inspector: what the packet pipeline calls to inspect traffic (the rule engine, agent/detect, implements
// it). The pipeline owns decoding, flows, TCP reassembly and the app layer; inspectors only look.
//
//   class MyInspector : public pipeline::Inspector {
//     void on_packet(const InspectContext& c, const decode::Packet& p, flow::Flow* f,
//                    flow::Direction d) override {
//       if (p.payload.size() > 3 && p.payload[0] == 'X') {
//         v1::Alert a;
//         a.mutable_rule()->set_sid(1);  // rule fields; the pipeline fills net/flow/time fields
//         c.sink->alert(std::move(a), AlertContext{.packet = &p, .flow = f, .dir = d});
//       }
//     }
//   };
//   std::vector<std::shared_ptr<pipeline::Inspector>> inspectors{std::make_shared<MyInspector>()};
//   pipeline::run_offline(..., inspectors, ...);   // agent/pipeline/offline.h
//
// THREADING. The pipeline runs N worker threads (config `detect.workers`); packets are spread by a
// symmetric flow hash, so every packet of one flow reaches the same worker, in capture order. One Inspector
// object is shared by all workers: its methods are called CONCURRENTLY from different workers (for
// different flows). Keep per-flow state in `flow->detect` (a flow::FlowSlot you own; only that flow's
// worker touches it, no lock needed) and per-worker scratch indexed by `InspectContext::worker`
// (0 <= worker < workers given to start()). Shared state (thresholds, rate counters) needs its own lock.
//
// ORDERING, for one packet, on its worker:
//   1. on_packet(packet, flow, dir)           -- every decoded packet, flow == nullptr when not tracked
//                                                (ARP, non-IP, or the flow table is out of memory)
//   2. on_stream(flow, dir, new_data, ...)    -- TCP only: bytes that became contiguous in `dir` because of
//                                                this packet (may be zero or several calls; in-order data is
//                                                delivered at once, out-of-order data when the gap fills)
//   3. on_app_event(flow, dir, event)         -- app-layer events (agent/app/app_event.h) produced by those
//                                                bytes (or by the UDP payload for DNS), in order; also the
//                                                kProtocolDetected event (flow->app_proto is set before it)
// on_flow_end(flow) comes once, just before a flow is destroyed (timeout, eviction, end of input), on the
// flow's worker, after its last packet's calls. `dir` in on_app_event is the direction of the data that
// completed the event (HTTP response events are to_client).
//
// Inspectors never throw; they must tolerate any bytes. All spans/views are valid only during the call.
#include <cstdint>
#include <memory>
#include <span>

#include "agent/decode/packet.h"
#include "agent/flow/flow.h"
#include "agent/pipeline/app_event.h"
#include "picket.pb.h"

namespace picket::pipeline {

// What an alert fired on, so that the pipeline can fill the alert's network fields (addresses, ports,
// flow_id, app_proto, pcap_cnt, direction, redacted payload excerpt, http/dns/tls objects of the
// transaction) the same way for every inspector.
struct AlertContext {
  const decode::Packet* packet = nullptr;  // the packet being processed (may be null for flow-end alerts)
  flow::Flow* flow = nullptr;               // marked alerted by the pipeline
  flow::Direction dir = flow::Direction::kToServer;
  const AppEvent* app = nullptr;            // the app event matched on, if any (fills http/dns/tls)
                                            // (only valid during the call, like the event itself)
  std::span<const uint8_t> payload;         // bytes to excerpt (packet payload or stream data); empty: none
  bool stream = false;                      // matched on reassembled stream data
  uint64_t tx_id = 0;
  bool has_tx = false;
};

// Receives alerts. Thread-safe: any worker may call it. The pipeline fills the alert's event_time_us,
// net.* fields and host from the context; the inspector sets rule (engine, sid, gid, rev, msg, ...),
// metadata, and may preset net fields it wants to override.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void alert(v1::Alert&& alert, const AlertContext& ctx) = 0;
};

struct InspectContext {
  unsigned worker = 0;       // 0..workers-1, stable for the thread
  AlertSink* sink = nullptr; // never null
  int64_t now_us = 0;        // packet time (capture clock), monotonic per worker
};

class Inspector {
 public:
  virtual ~Inspector() = default;

  // Called once before any packet, from the thread that builds the pipeline.
  virtual void start(unsigned workers) { (void)workers; }

  virtual void on_packet(const InspectContext& ctx, const decode::Packet& packet, flow::Flow* flow,
                         flow::Direction dir) = 0;

  // New contiguous bytes of one direction of a TCP flow. `stream_offset` is the offset of data[0] from the
  // start of that direction's stream (0 = first byte after the SYN, or the first byte seen for midstream
  // pickup). `packet` is the packet whose arrival released the data.
  virtual void on_stream(const InspectContext& ctx, flow::Flow& flow, flow::Direction dir,
                         std::span<const uint8_t> data, uint64_t stream_offset, const decode::Packet& packet) {
    (void)ctx; (void)flow; (void)dir; (void)data; (void)stream_offset; (void)packet;
  }

  virtual void on_app_event(const InspectContext& ctx, flow::Flow& flow, flow::Direction dir,
                            const AppEvent& event, const decode::Packet& packet) {
    (void)ctx; (void)flow; (void)dir; (void)event; (void)packet;
  }

  virtual void on_flow_end(const InspectContext& ctx, flow::Flow& flow) { (void)ctx; (void)flow; }

  // Called once after the last packet (all flows ended), from the thread that runs the pipeline.
  virtual void finish() {}
};

}  // namespace picket::pipeline
