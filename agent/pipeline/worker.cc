#include "agent/pipeline/worker.h"

#include <algorithm>

namespace picket::pipeline {

using flow::Direction;
using flow::Flow;

struct Worker::AppSlot : flow::FlowSlot {
  AppSlot(const app::AppLimits& l, app::AppCounters& c, uint16_t port)
      : state(std::make_unique<app::AppState>(l, c, port)) {}
  // The parser state; released (null) as soon as both directions of a TCP flow closed, so a closed flow
  // that waits for its timeout holds no parser buffers.
  std::unique_ptr<app::AppState> state;
  uint8_t closed = 0;  // bit per direction that reported on_close
  uint64_t http_logged = 0;  // transactions with a lower id were logged
  bool tls_logged = false;
  bool proto_counted = false;
  uint64_t dns_tx = 0;
};

namespace {
app::Direction to_app(Direction d) { return static_cast<app::Direction>(d); }
Direction from_app(app::Direction d) { return static_cast<Direction>(d); }
int app_index(flow::AppProto p) { return p == flow::AppProto::kFailed ? 7 : std::min(6, static_cast<int>(p)); }
}  // namespace

void WorkerStats::add(const WorkerStats& o) {
  packets += o.packets;
  checksum_skipped += o.checksum_skipped;
  flow.add(o.flow);
  stream.add(o.stream);
  app += o.app;
  for (int i = 0; i < 8; ++i) app_flows[i] += o.app_flows[i];
  http_tx += o.http_tx;
  dns_messages += o.dns_messages;
  tls_handshakes += o.tls_handshakes;
  eve_events += o.eve_events;
}

Worker::Worker(unsigned id, const PipelineConfig& cfg, std::span<Inspector* const> inspectors, AlertSink* alerts,
               output::EveSink* eve, output::EveTypes types)
    : id_(id),
      cfg_(cfg),
      inspectors_(inspectors.begin(), inspectors.end()),
      alerts_(alerts),
      eve_(eve),
      types_(types),
      app_limits_(cfg.app),
      flows_(cfg.flow, [this](Flow& f) { end_flow(f); }),
      reasm_(cfg.stream) {
  ctx_.worker = id_;
  ctx_.sink = alerts_;
  // Bodies are kept for rules (file_data, http.request_body ...); without an inspector nobody reads them.
  app_limits_.http_keep_bodies = !inspectors_.empty();
}

Worker::~Worker() = default;

void Worker::log(std::string line) {
  if (eve_ == nullptr) return;
  eve_->write(line);
  ++st_.eve_events;
}

Worker::AppSlot* Worker::app_slot(Flow& f) {
  if (!f.app) {
    f.app = std::make_unique<AppSlot>(app_limits_, app_counters_, f.key.server_port);
    static_cast<AppSlot*>(f.app.get())->state->set_midstream(f.midstream);  // may turn out reversed
  }
  return static_cast<AppSlot*>(f.app.get());
}

void Worker::process(const decode::Packet& p) {
  ++st_.packets;
  ctx_.now_us = p.ts_us;
  last_ts_ = std::max(last_ts_, p.ts_us);
  Direction dir = Direction::kToServer;
  Flow* f = flows_.get(p, &dir);
  for (Inspector* i : inspectors_) i->on_packet(ctx_, p, f, dir);
  if (f != nullptr && !f->no_inspection) {
    if (p.l4_csum == decode::ChecksumState::kInvalid) {
      ++st_.checksum_skipped;
    } else if (p.is_tcp()) {
      cur_packet_ = &p;  // what a FIN/RST closes is released by this packet
      reasm_.on_packet(*f, p, dir, *this);
      cur_packet_ = nullptr;
    } else if (p.is_udp() && !p.payload.empty()) {
      AppSlot* a = app_slot(*f);
      if (a->state) {
        cur_flow_ = f;
        cur_packet_ = &p;
        a->state->on_datagram(to_app(dir), p.payload, p.sp, p.dp, this);
        cur_flow_ = nullptr;
        if (f->app_proto == flow::AppProto::kUnknown && a->state->detection_done()) {
          f->app_proto = a->state->proto() == app::AppProto::kUnknown
                             ? flow::AppProto::kFailed
                             : static_cast<flow::AppProto>(a->state->proto());
        }
      }
    }
  }
  if ((st_.packets & 255) == 0) flows_.expire(last_ts_);
}

void Worker::on_data(Flow& f, Direction dir, std::span<const uint8_t> data, uint64_t offset,
                     const decode::Packet& packet) {
  for (Inspector* i : inspectors_) i->on_stream(ctx_, f, dir, data, offset, packet);
  AppSlot* a = app_slot(f);
  if (!a->state) return;
  Flow* saved_flow = cur_flow_;
  const decode::Packet* saved_packet = cur_packet_;
  cur_flow_ = &f;
  cur_packet_ = &packet;
  a->state->on_data(to_app(dir), data, this);
  cur_flow_ = saved_flow;
  cur_packet_ = saved_packet;
}

void Worker::on_gap(Flow& f, Direction dir) {
  auto* a = static_cast<AppSlot*>(f.app.get());
  if (a != nullptr && a->state) a->state->on_gap(to_app(dir));
}

void Worker::on_close(Flow& f, Direction dir) {
  auto* a = static_cast<AppSlot*>(f.app.get());
  if (a == nullptr || !a->state) return;
  // A FIN/RST closes with that packet; a flow end (timeout, shutdown) with a pseudo packet of the flow.
  const decode::Packet pseudo = cur_packet_ == nullptr ? stream::flow_end_packet(f) : decode::Packet{};
  Flow* saved_flow = cur_flow_;
  const decode::Packet* saved_packet = cur_packet_;
  cur_flow_ = &f;
  if (cur_packet_ == nullptr) cur_packet_ = &pseudo;
  a->state->on_close(to_app(dir), this);
  a->closed |= static_cast<uint8_t>(1u << flow::dir_index(dir));
  // Both directions ended (FIN both ways or RST): nothing more can reach the parser, so log what is left
  // and free its buffers now instead of when the closed flow times out.
  if (a->closed == 3) finish_app(f, *a, f.last_ts_us);
  cur_flow_ = saved_flow;
  cur_packet_ = saved_packet;
}

void Worker::on_app_event(const app::AppEvent& e) {
  if (cur_flow_ == nullptr) return;
  Flow& f = *cur_flow_;
  auto* a = static_cast<AppSlot*>(f.app.get());
  Direction dir = from_app(e.dir);
  int64_t ts = cur_packet_ != nullptr && cur_packet_->ts_us != 0 ? cur_packet_->ts_us : f.last_ts_us;
  if (e.kind == app::AppEventKind::kProtocolDetected) {
    f.app_proto = e.proto == app::AppProto::kUnknown ? flow::AppProto::kFailed
                                                     : static_cast<flow::AppProto>(e.proto);
  }
  static const decode::Packet kNone{};
  const decode::Packet& pkt = cur_packet_ != nullptr ? *cur_packet_ : kNone;
  for (Inspector* i : inspectors_) i->on_app_event(ctx_, f, dir, e, pkt);
  switch (e.kind) {
    case app::AppEventKind::kHttpResponseComplete:
      if (e.http != nullptr) {
        ++st_.http_tx;
        if (types_.http) log(output::render_http(f, *e.http, ts, cfg_.redaction));
        if (a != nullptr) a->http_logged = std::max(a->http_logged, e.http->id + 1);
      }
      break;
    case app::AppEventKind::kDnsMessage:
      if (e.dns != nullptr) {
        ++st_.dns_messages;
        uint64_t tx = 0;
        if (a != nullptr) {
          if (!e.dns->is_response()) {
            tx = a->dns_tx++;
          } else {
            tx = a->dns_tx > 0 ? a->dns_tx - 1 : a->dns_tx++;
          }
        }
        if (types_.dns) {
          if (e.dns->is_response() || e.dns->questions.size() <= 1) {
            log(output::render_dns(f, dir, *e.dns, tx, ts, 0));
          } else {
            for (size_t q = 0; q < e.dns->questions.size(); ++q) log(output::render_dns(f, dir, *e.dns, tx, ts, q));
          }
        }
      }
      break;
    case app::AppEventKind::kTlsHandshakeDone:
      if (e.tls != nullptr && a != nullptr && !a->tls_logged) {
        a->tls_logged = true;
        ++st_.tls_handshakes;
        if (types_.tls) log(output::render_tls(f, *e.tls, ts));
      }
      break;
    default:
      break;
  }
}

void Worker::end_flow(Flow& f) {
  ctx_.now_us = std::max(ctx_.now_us, f.last_ts_us);
  cur_packet_ = nullptr;
  reasm_.on_flow_end(f, nullptr, *this);
  if (f.app) {
    auto* a = static_cast<AppSlot*>(f.app.get());
    if (a->state) finish_app(f, *a, f.last_ts_us);
  }
  if (f.app_proto != flow::AppProto::kUnknown) ++st_.app_flows[app_index(f.app_proto)];
  for (Inspector* i : inspectors_) i->on_flow_end(ctx_, f);
  if (types_.flow) log(output::render_flow(f));
}

void Worker::finish_app(Flow& f, AppSlot& a, int64_t ts) {
  if (f.app_proto == flow::AppProto::kUnknown && a.state->detection_done()) {
    f.app_proto = a.state->proto() == app::AppProto::kUnknown ? flow::AppProto::kFailed
                                                                : static_cast<flow::AppProto>(a.state->proto());
  }
  // Transactions that never completed (no response, flow cut) are logged when the flow ends, as Suricata
  // does.
  if (const app::HttpParser* h = a.state->http()) {
    for (const app::HttpTx& tx : h->transactions()) {
      if (tx.id < a.http_logged || !tx.request.headers_complete) continue;
      a.http_logged = tx.id + 1;
      ++st_.http_tx;
      if (types_.http) log(output::render_http(f, tx, ts, cfg_.redaction));
    }
  }
  if (const app::TlsParser* t = a.state->tls(); t != nullptr && !a.tls_logged && t->client_hello().present) {
    a.tls_logged = true;
    ++st_.tls_handshakes;
    if (types_.tls) log(output::render_tls(f, *t, ts));
  }
  a.state.reset();
}

void Worker::finish() { flows_.flush(); }

WorkerStats Worker::stats() const {
  WorkerStats s = st_;
  s.flow = flows_.stats();
  s.stream = reasm_.stats();
  s.app = app_counters_;
  return s;
}

}  // namespace picket::pipeline
