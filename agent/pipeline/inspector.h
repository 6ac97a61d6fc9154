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
//                                                With stream.inline false (IDS mode, the default) instead:
//                                                bytes of `dir` the peer has acknowledged, at the next packet
//                                                of direction `dir` (agent/pipeline/worker.h)
//   3. on_app_event(flow, dir, event)         -- app-layer events (agent/app/app_event.h) produced by those
//                                                bytes (or by the UDP payload for DNS), in order; also the
//                                                kProtocolDetected event (flow->app_proto is set before it)
// In IDS mode the app events of TCP data come with the stream bytes, at the next packet of the event's
// direction, and what is left at flow end comes with a pseudo packet of each direction (pcap_cnt 0, no raw
// bytes) before on_flow_end; body chunk events are not passed on in IDS mode.
// on_flow_end(flow) comes once, just before a flow is destroyed (timeout, eviction, end of input), on the
// flow's worker, after its last packet's calls. `dir` in on_app_event is the direction of the data that
// completed the event (HTTP response events are to_client).
//
// Inspectors never throw; they must tolerate any bytes. All spans/views are valid only during the call.
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

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
  std::string_view verdict;                 // the packet's verdict: "pass" after a pass rule; empty: "alert"
  std::string_view rule_text;               // the rule as written (EVE alert.rule when enabled)
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
  // During on_stream only, when non-empty: what alerts on this stream data log as their payload instead
  // of `data` (all the stream blocks inspected together, with "[N bytes missing]" in each gap).
  std::span<const uint8_t> stream_payload;
  // During on_packet: the packet's TCP flow is reassembled (its payload reaches on_stream).
  bool tcp_reassembled = false;
  // IDS mode: stream bytes and app events inspected as on an established flow although the flow is
  // closing or ended (what the closing handshake released, or what is left at flow end), as Suricata
  // inspects them at the latest with its flow-end pseudo packets, which count as established.
  bool as_established = false;
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
