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
// A TCP flow whose two directions closed has its app-layer state logged and freed right away (not at the
// flow's timeout). With no inspector, HTTP bodies are not kept (AppLimits::http_keep_bodies).
//
// One thread calls a Worker; nothing in it is locked. The EVE sink and the AlertSink are thread-safe.
#include <cstdint>
#include <memory>
#include <span>
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
  uint64_t app_flows[8] = {};     // flows per detected flow::AppProto (index: value, 7 = failed)
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
  void on_gap(flow::Flow& f, flow::Direction dir) override;
  void on_close(flow::Flow& f, flow::Direction dir) override;
  // AppEventSink
  void on_app_event(const app::AppEvent& e) override;

 private:
  struct AppSlot;
  AppSlot* app_slot(flow::Flow& f);
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
};

}  // namespace picket::pipeline
