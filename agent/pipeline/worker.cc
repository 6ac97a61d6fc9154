#include "agent/pipeline/worker.h"

#include <algorithm>
#include <string>

namespace picket::pipeline {

using flow::Direction;
using flow::Flow;

// IDS mode: what waits to be inspected in one direction of a flow (see worker.h).
struct Worker::PendingDir {
  struct Piece {
    size_t pos = 0, len = 0;  // in `raw`
    uint64_t off = 0;         // stream offset
    uint64_t gap_before = 0;  // bytes lost just before it
  };
  struct Event {
    app::AppEventKind kind;
    app::Direction dir;
    app::AppProto proto;
    uint64_t tx_id = 0;
    bool http = false, tls = false;
    std::shared_ptr<const app::HttpTx> http_copy;  // set once the parser may release the transaction
    std::shared_ptr<const app::DnsMessage> dns;
  };
  std::vector<uint8_t> raw;
  std::vector<Piece> pieces;
  uint64_t gap = 0;  // bytes lost since the last piece
  std::vector<Event> events;
  bool empty() const { return pieces.empty() && events.empty(); }
};

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
  PendingDir pending[2];
  bool finish_deferred = false;  // both directions closed while data waited: finish once inspected
};

namespace {
app::Direction to_app(Direction d) { return static_cast<app::Direction>(d); }
Direction from_app(app::Direction d) { return static_cast<Direction>(d); }
// Stats::app_flows: one slot per flow::AppProto value, then failed.
static_assert(static_cast<int>(flow::AppProto::kDhcp) == 10);
int app_index(flow::AppProto p) { return p == flow::AppProto::kFailed ? 11 : std::min(10, static_cast<int>(p)); }

// The flow-end pseudo packet of direction d (agent/stream's is client -> server).
decode::Packet pseudo_packet(const Flow& f, int d) {
  decode::Packet p = stream::flow_end_packet(f);
  if (d == 1) {
    std::swap(p.src, p.dst);
    std::swap(p.sp, p.dp);
  }
  return p;
}

constexpr size_t kKeepCapacity = 64 * 1024;  // pending bytes buffer kept per flow direction between packets

const app::HttpTx* live_tx(const app::AppState* st, uint64_t id) {
  return st != nullptr ? st->http_tx(id) : nullptr;  // HTTP/1 or HTTP/2
}
}  // namespace

void WorkerStats::add(const WorkerStats& o) {
  packets += o.packets;
  checksum_skipped += o.checksum_skipped;
  flow.add(o.flow);
  stream.add(o.stream);
  app += o.app;
  for (int i = 0; i < 12; ++i) app_flows[i] += o.app_flows[i];
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
  defer_ = !cfg.stream.inline_mode;
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
  ctx_.tcp_reassembled = f != nullptr && p.is_tcp() && !f->no_inspection && reasm_.tracks(*f);
  // IDS mode: a TCP packet of a flow is inspected after its stream processing, as Suricata does, so
  // that it sees what the data its ACK released changed (the app protocol, transactions).
  const bool stream_first = defer_ && f != nullptr && !f->no_inspection && p.is_tcp() &&
                            p.l4_csum != decode::ChecksumState::kInvalid;
  if (!stream_first) {
    for (Inspector* i : inspectors_) i->on_packet(ctx_, p, f, dir);
  }
  if (f != nullptr && !f->no_inspection) {
    if (p.l4_csum == decode::ChecksumState::kInvalid) {
      ++st_.checksum_skipped;
    } else if (p.is_tcp()) {
      cur_packet_ = &p;  // what a FIN/RST closes is released by this packet
      reasm_.on_packet(*f, p, dir, *this);
      cur_packet_ = nullptr;
      if (stream_first) {
        for (Inspector* i : inspectors_) i->on_packet(ctx_, p, f, dir);
        flush_pending(*f, flow::dir_index(dir), p);
      }
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
  ctx_.tcp_reassembled = false;
  if ((st_.packets & 255) == 0) flows_.expire(last_ts_);
}

void Worker::on_data(Flow& f, Direction dir, std::span<const uint8_t> data, uint64_t offset,
                     const decode::Packet& packet) {
  AppSlot* a = nullptr;
  if (!defer_) {
    for (Inspector* i : inspectors_) i->on_stream(ctx_, f, dir, data, offset, packet);
    a = app_slot(f);
  } else {
    a = app_slot(f);
    if (!inspectors_.empty()) {
      PendingDir& pd = a->pending[flow::dir_index(dir)];
      if (!pd.pieces.empty() && pd.gap == 0 && pd.pieces.back().off + pd.pieces.back().len == offset) {
        pd.pieces.back().len += data.size();
      } else {
        pd.pieces.push_back({.pos = pd.raw.size(), .len = data.size(), .off = offset, .gap_before = pd.gap});
        pd.gap = 0;
      }
      pd.raw.insert(pd.raw.end(), data.begin(), data.end());
    }
  }
  if (!a->state) return;
  if (defer_) protect_pending(*a);
  Flow* saved_flow = cur_flow_;
  const decode::Packet* saved_packet = cur_packet_;
  const bool saved_deferring = deferring_;
  cur_flow_ = &f;
  cur_packet_ = &packet;
  deferring_ = defer_;
  a->state->on_data(to_app(dir), data, this);
  cur_flow_ = saved_flow;
  cur_packet_ = saved_packet;
  deferring_ = saved_deferring;
}

void Worker::on_gap(Flow& f, Direction dir, uint64_t bytes) {
  if (defer_ && !inspectors_.empty()) app_slot(f)->pending[flow::dir_index(dir)].gap += bytes;
  auto* a = static_cast<AppSlot*>(f.app.get());
  if (a != nullptr && a->state) a->state->on_gap(to_app(dir));
}

void Worker::protect_pending(AppSlot& a) {
  for (PendingDir& pd : a.pending) {
    for (PendingDir::Event& e : pd.events) {
      if (!e.http || e.http_copy) continue;
      const app::HttpTx* t = live_tx(a.state.get(), e.tx_id);
      // A transaction complete both ways is released by the parser's next call.
      if (t != nullptr && t->request.complete && t->response.complete) {
        e.http_copy = std::make_shared<const app::HttpTx>(*t);
      }
    }
  }
}

void Worker::flush_pending(Flow& f, int d, const decode::Packet& p) {
  auto* a = static_cast<AppSlot*>(f.app.get());
  if (a == nullptr) return;
  PendingDir& pd = a->pending[d];
  const Direction dir = static_cast<Direction>(d);
  // What the closing handshake released is inspected as on an established flow: Suricata inspects it
  // at the latest with its flow-end pseudo packets, which count as established.
  const bool saved_as_established = ctx_.as_established;
  if (f.state == flow::FlowState::kClosed) ctx_.as_established = true;
  if (!pd.pieces.empty()) {
    // One inspection per contiguous block; with a gap, every alert logs all of them with gap markers.
    const bool marked = pd.pieces.size() > 1 || pd.pieces.front().gap_before > 0;
    if (marked) {
      stream_log_.clear();
      for (const auto& pc : pd.pieces) {
        if (pc.gap_before > 0) stream_log_ += "[" + std::to_string(pc.gap_before) + " bytes missing]";
        stream_log_.append(reinterpret_cast<const char*>(pd.raw.data() + pc.pos), pc.len);
      }
      ctx_.stream_payload = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(stream_log_.data()),
                                                     stream_log_.size());
    }
    for (const auto& pc : pd.pieces) {
      std::span<const uint8_t> bytes(pd.raw.data() + pc.pos, pc.len);
      for (Inspector* i : inspectors_) i->on_stream(ctx_, f, dir, bytes, pc.off, p);
    }
    ctx_.stream_payload = {};
    pd.raw.clear();
    pd.pieces.clear();
  }
  if (!pd.events.empty()) {
    std::vector<PendingDir::Event> events;
    events.swap(pd.events);
    for (const auto& ev : events) {
      app::AppEvent e{.kind = ev.kind, .dir = ev.dir, .proto = ev.proto};
      if (ev.http) {
        e.http = ev.http_copy ? ev.http_copy.get() : live_tx(a->state.get(), ev.tx_id);
        if (e.http == nullptr) continue;  // dropped by the parser (too many pending transactions)
      }
      if (ev.dns) e.dns = ev.dns.get();
      if (ev.tls) {
        e.tls = a->state ? a->state->tls() : nullptr;
        if (e.tls == nullptr) continue;
      }
      for (Inspector* i : inspectors_) i->on_app_event(ctx_, f, from_app(ev.dir), e, p);
    }
    events.clear();
    if (pd.events.empty()) pd.events.swap(events);  // keep the capacity
  }
  ctx_.as_established = saved_as_established;
  if (pd.raw.capacity() > kKeepCapacity) std::vector<uint8_t>().swap(pd.raw);  // a burst: give it back
  if (a->finish_deferred && a->pending[0].empty() && a->pending[1].empty()) {
    a->finish_deferred = false;
    if (a->state) finish_app(f, *a, f.last_ts_us);
  }
}

void Worker::on_close(Flow& f, Direction dir) {
  auto* a = static_cast<AppSlot*>(f.app.get());
  if (a == nullptr || !a->state) return;
  // A FIN/RST closes with that packet; a flow end (timeout, shutdown) with a pseudo packet of the flow.
  const decode::Packet pseudo = cur_packet_ == nullptr ? stream::flow_end_packet(f) : decode::Packet{};
  Flow* saved_flow = cur_flow_;
  const decode::Packet* saved_packet = cur_packet_;
  const bool saved_deferring = deferring_;
  cur_flow_ = &f;
  if (cur_packet_ == nullptr) cur_packet_ = &pseudo;
  if (defer_) protect_pending(*a);
  deferring_ = defer_;
  a->state->on_close(to_app(dir), this);
  deferring_ = saved_deferring;
  a->closed |= static_cast<uint8_t>(1u << flow::dir_index(dir));
  // Both directions ended (FIN both ways or RST): nothing more can reach the parser, so log what is left
  // and free its buffers now instead of when the closed flow times out (IDS mode: once what waits for
  // inspection was inspected, since it may refer to the parser's transactions).
  if (a->closed == 3) {
    if (a->pending[0].empty() && a->pending[1].empty()) {
      finish_app(f, *a, f.last_ts_us);
    } else {
      a->finish_deferred = true;
    }
  }
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
  if (deferring_ && a != nullptr) {
    // IDS mode: inspected at the next packet of the event's direction (flush_pending).
    using K = app::AppEventKind;
    if (!inspectors_.empty() && e.kind != K::kHttpRequestBody && e.kind != K::kHttpResponseBody) {
      PendingDir::Event pe{.kind = e.kind, .dir = e.dir, .proto = e.proto};
      if (e.http != nullptr) {
        pe.http = true;
        pe.tx_id = e.http->id;
      }
      if (e.dns != nullptr) pe.dns = std::make_shared<const app::DnsMessage>(*e.dns);
      pe.tls = e.tls != nullptr;
      a->pending[flow::dir_index(dir)].events.push_back(std::move(pe));
    }
  } else {
    for (Inspector* i : inspectors_) i->on_app_event(ctx_, f, dir, e, pkt);
  }
  switch (e.kind) {
    case app::AppEventKind::kHttpResponseComplete:
      if (e.http != nullptr) {
        ++st_.http_tx;
        if (types_.http) log(output::render_http(f, *e.http, ts, cfg_.redaction));
        if (a != nullptr) a->http_logged = std::max(a->http_logged, e.http->id + 1);
      }
      break;
    case app::AppEventKind::kDnsMessage:
      if (e.dns != nullptr && e.proto != app::AppProto::kLlmnr) {  // LLMNR has no EVE event type of its own yet
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
      if (app_limits_.tls_encryption == app::TlsEncryption::kBypass) {
        // app.tls.encryption-handling bypass: nothing more for this flow once it is encrypted.
        f.no_inspection = true;
        f.no_detection = true;
        f.bypassed = true;
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
  if (defer_ && f.app) {
    // What never got a packet of its direction: one pseudo packet per direction, to server first.
    ctx_.as_established = true;  // pseudo packets count as established, as Suricata's
    for (int d = 0; d < 2; ++d) {
      const decode::Packet pseudo = pseudo_packet(f, d);
      flush_pending(f, d, pseudo);
    }
    ctx_.as_established = false;
  }
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
  for (PendingDir& pd : a.pending) {  // what waits was inspected (or is dropped with the parser): free it
    if (!pd.empty()) continue;
    std::vector<uint8_t>().swap(pd.raw);
    std::vector<PendingDir::Piece>().swap(pd.pieces);
    std::vector<PendingDir::Event>().swap(pd.events);
  }
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
