#pragma once
// One packet worker: flow table, TCP reassembly, app layer and the inspectors for the flows hashed to it.
// The per-packet driver.
//
//   pipeline::Worker w(0, cfg, inspectors, &router, eve_sink, eve_types);
//   w.process(packet);      // decoded packet (agent/decode), in capture order for its flows
//   w.finish();             // end of input: ends every flow (flow events, last app events)
//
// Per packet, in this order: flow lookup/update, Inspector::on_packet, then for TCP the reassembler
// (Inspector::on_stream for new in-order bytes, the app parser, Inspector::on_app_event for its events)
// and for UDP the app parser on the datagram. Packets whose transport checksum was checked and found
// invalid reach on_packet but not reassembly or the app layer (as Suricata does).
//
// IDS mode (stream.inline false, the default): TCP data reaches the app parser when the receiver's ACK
// releases it (agent/stream), but the inspectors see a direction's stream bytes and app events at the next
// packet of THAT direction, as Suricata inspects a flow's data with the packets flowing its way: the bytes
// and events wait per flow and direction, and at flow end the rest is inspected with a pseudo packet of
// each direction (no pcap_cnt; EVE pkt_src "stream (flow timeout)"). Stream bytes released across a gap
// are inspected block by block; their alerts log the bytes with "[N bytes missing]" in each gap
// (InspectContext::stream_payload). Body chunk events (kHttp*Body) are not passed on in IDS mode.
//
// A TCP flow whose two directions closed has its app-layer state logged and freed right away (not at the
// flow's timeout). With no inspector, HTTP bodies are not kept (AppLimits::http_keep_bodies).
//
// One thread calls a Worker; nothing in it is locked. The EVE sink and the AlertSink are thread-safe.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "agent/app/app_state.h"
#include "agent/decode/packet.h"
#include "agent/flow/flow_table.h"
#include "agent/output/eve_writer.h"
#include "agent/pipeline/inspector.h"
#include "agent/pipeline/pipeline_config.h"
#include "agent/stream/reassembly.h"

namespace picket::pipeline {

struct WorkerStats {
  uint64_t packets = 0;
  uint64_t checksum_skipped = 0;  // packets kept from stream/app because of a bad checksum
  flow::FlowStats flow;
  stream::StreamStats stream;
  app::AppCounters app;
  uint64_t app_flows[12] = {};    // flows per detected flow::AppProto (index: value, 11 = failed)
  uint64_t http_tx = 0, dns_messages = 0, tls_handshakes = 0;
  uint64_t eve_events = 0;
  void add(const WorkerStats& o);
};

class Worker final : public stream::StreamSink, public app::AppEventSink {
 public:
  Worker(unsigned id, const PipelineConfig& cfg, std::span<Inspector* const> inspectors, AlertSink* alerts,
         output::EveSink* eve, output::EveTypes types);
  ~Worker() override;

  void process(const decode::Packet& p);
  void finish();
  WorkerStats stats() const;

  // StreamSink
  void on_data(flow::Flow& f, flow::Direction dir, std::span<const uint8_t> data, uint64_t offset,
               const decode::Packet& packet) override;
  void on_gap(flow::Flow& f, flow::Direction dir, uint64_t bytes) override;
  void on_close(flow::Flow& f, flow::Direction dir) override;
  // AppEventSink
  void on_app_event(const app::AppEvent& e) override;

 private:
  struct AppSlot;
  struct PendingDir;
  AppSlot* app_slot(flow::Flow& f);
  // IDS mode: inspects what waits for direction `d` of the flow with packet `p` (a packet of that
  // direction, or a flow-end pseudo packet).
  void flush_pending(flow::Flow& f, int d, const decode::Packet& p);
  // Before the app parser runs again: copies the waiting HTTP transactions it may release.
  void protect_pending(AppSlot& a);
  void end_flow(flow::Flow& f);
  // Ends the flow's app-layer state: logs transactions/handshakes not logged yet, frees the parser.
  void finish_app(flow::Flow& f, AppSlot& a, int64_t ts);
  void log(std::string line);

  unsigned id_;
  const PipelineConfig& cfg_;
  std::vector<Inspector*> inspectors_;
  AlertSink* alerts_;
  output::EveSink* eve_;
  output::EveTypes types_;
  InspectContext ctx_;
  app::AppLimits app_limits_;      // cfg.app, adjusted (see the constructor); before flows_
  app::AppCounters app_counters_;  // before flows_: flows' app state refers to it
  flow::FlowTable flows_;
  stream::Reassembler reasm_;
  WorkerStats st_;
  // The flow and packet whose data is in the app parser right now (for app events).
  flow::Flow* cur_flow_ = nullptr;
  const decode::Packet* cur_packet_ = nullptr;
  int64_t last_ts_ = 0;
  bool defer_ = false;      // IDS mode: inspect stream data and its app events at the data's direction
  bool deferring_ = false;  // app events come from released TCP data right now: they wait
  std::string stream_log_;  // the waiting bytes with gap markers, for the alerts' payload
};

}  // namespace picket::pipeline
