#include "agent/app/app_state.h"

#include "agent/app/detect.h"

namespace picket::app {

AppState::AppState(const AppLimits& limits, AppCounters& counters, uint16_t server_port)
    : limits_(limits), counters_(counters), server_port_(server_port) {}

AppState::~AppState() = default;

void AppState::FlipSink::on_app_event(const AppEvent& e) {
  if (inner == nullptr) return;
  AppEvent c = e;
  c.dir = e.dir == Direction::kToServer ? Direction::kToClient : Direction::kToServer;
  inner->on_app_event(c);
}

Direction AppState::logical(Direction dir) const {
  if (!reversed_) return dir;
  return dir == Direction::kToServer ? Direction::kToClient : Direction::kToServer;
}

AppEventSink* AppState::out(AppEventSink* sink) {
  if (!reversed_ || sink == nullptr) return sink;
  flip_.inner = sink;
  return &flip_;
}

void AppState::decide(AppProto p, AppEventSink* sink, Direction dir) {
  proto_ = p;
  detect_done_ = true;
  switch (p) {
    case AppProto::kHttp:
      ++counters_.detect_http;
      http_ = std::make_unique<HttpParser>(limits_, counters_);
      break;
    case AppProto::kTls:
      ++counters_.detect_tls;
      tls_ = std::make_unique<TlsParser>(limits_, counters_);
      break;
    case AppProto::kDns:
      ++counters_.detect_dns;
      dns_tcp_ = std::make_unique<DnsTcpParser>(limits_, counters_);
      break;
    case AppProto::kSsh: ++counters_.detect_ssh; break;
    case AppProto::kSmtp: ++counters_.detect_smtp; break;
    case AppProto::kFtp: ++counters_.detect_ftp; break;
    case AppProto::kHttp2:
      ++counters_.detect_http2;
      http2_ = std::make_unique<Http2Parser>(limits_, counters_);
      break;
    case AppProto::kPgsql:
      ++counters_.detect_pgsql;
      pgsql_ = std::make_unique<PgsqlParser>(limits_, counters_);
      break;
    case AppProto::kLlmnr: ++counters_.detect_llmnr; break;  // UDP only (on_datagram)
    case AppProto::kDhcp: ++counters_.detect_dhcp; break;
    case AppProto::kUnknown: ++counters_.detect_unknown; break;
  }
  if (sink != nullptr) {
    AppEvent e{.kind = AppEventKind::kProtocolDetected, .dir = dir, .proto = p};
    sink->on_app_event(e);
  }
}

void AppState::dispatch(Direction dir, std::span<const uint8_t> data, AppEventSink* sink) {
  if (data.empty()) return;
  Direction ld = logical(dir);
  if (http_) {
    http_->feed(ld, data, out(sink));
  } else if (tls_) {
    tls_->feed(ld, data, out(sink));
  } else if (dns_tcp_) {
    dns_tcp_->feed(ld, data, out(sink));
  } else if (http2_) {
    http2_->feed(ld, data, out(sink));
  } else if (pgsql_) {
    pgsql_->feed(ld, data, out(sink));
  }
}

void AppState::on_data(Direction dir, std::span<const uint8_t> data, AppEventSink* sink) {
  int d = dir_index(dir);
  if (detect_done_) {
    if (!gap_[d]) dispatch(dir, data, sink);
    return;
  }
  if (data.empty()) return;
  std::string& pend = pending_[d];
  if (pend.size() >= limits_.detect_max_bytes) {
    gap_[d] = true;  // we stopped keeping this direction's bytes: its parser would see a hole
    return;
  }
  pend.append(reinterpret_cast<const char*>(data.data()), data.size());
  auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(pend.data()), pend.size());
  Probe p = enabled(probe_tcp(dir, bytes, server_port_, limits_.dns_detection_ports));
  if (p.proto == AppProto::kUnknown && midstream_ && pending_[1 - d].empty()) {
    // Midstream, and the other side has sent nothing yet: this side may be the server.
    Direction other = dir == Direction::kToServer ? Direction::kToClient : Direction::kToServer;
    Probe r = enabled(probe_tcp(other, bytes, 0, limits_.dns_detection_ports));
    if (r.proto != AppProto::kUnknown) {
      reversed_ = true;
      ++counters_.detect_reversed;
      p = r;
    } else {
      p.need_more = p.need_more || r.need_more;
    }
  }
  bool give_up_dir = !p.need_more || pend.size() >= limits_.detect_max_bytes;
  if (p.proto == AppProto::kUnknown) {
    // This direction says nothing (yet). Give up when both directions are past hope.
    auto dead = [&](int k) {
      if (pending_[k].empty()) return false;
      auto b = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(pending_[k].data()), pending_[k].size());
      Probe q = enabled(probe_tcp(static_cast<Direction>(k), b, server_port_, limits_.dns_detection_ports));
      return q.proto == AppProto::kUnknown && (!q.need_more || pending_[k].size() >= limits_.detect_max_bytes);
    };
    if (give_up_dir && dead(1 - d) ) {
      decide(AppProto::kUnknown, sink, dir);
      pending_[0].clear();
      pending_[1].clear();
      pending_[0].shrink_to_fit();
      pending_[1].shrink_to_fit();
    }
    return;
  }
  decide(p.proto, sink, dir);
  // Replay what was held: the client's bytes first, then the server's (on a reversed flow the client is
  // the flow's to_client side).
  for (int i = 0; i < 2; ++i) {
    int k = reversed_ ? 1 - i : i;
    std::string held = std::move(pending_[k]);
    pending_[k].clear();
    if (!gap_[k]) dispatch(static_cast<Direction>(k), {reinterpret_cast<const uint8_t*>(held.data()), held.size()}, sink);
    if (gap_[k]) on_gap(static_cast<Direction>(k));
  }
}

void AppState::on_close(Direction dir, AppEventSink* sink) {
  if (!detect_done_) return;  // nothing recognisable arrived; detection stays open for the other side
  if (http_) http_->on_close(logical(dir), out(sink));
  if (http2_) http2_->on_close(logical(dir), out(sink));
  if (pgsql_) pgsql_->on_close(logical(dir), out(sink));
}

void AppState::on_gap(Direction dir) {
  gap_[dir_index(dir)] = true;
  if (http_) http_->on_gap(logical(dir));
  if (http2_) http2_->on_gap(logical(dir));
  if (pgsql_) pgsql_->on_gap(logical(dir));
}

const HttpTx* AppState::http_tx(uint64_t id) const {
  if (http_) {
    for (const HttpTx& t : http_->transactions()) {
      if (t.id == id) return &t;
    }
  }
  if (http2_) {
    for (const HttpTx& t : http2_->transactions()) {
      if (t.id == id) return &t;
    }
  }
  return nullptr;
}

Probe AppState::enabled(Probe p) const {
  // A protocol switched off in the configuration (app.<proto>.enabled) is never detected.
  if ((p.proto == AppProto::kHttp2 && !limits_.http2_enabled) || (p.proto == AppProto::kPgsql && !limits_.pgsql_enabled)) {
    p.proto = AppProto::kUnknown;
    p.need_more = false;
  }
  return p;
}

void AppState::on_datagram(Direction dir, std::span<const uint8_t> payload, uint16_t src_port, uint16_t dst_port,
                           AppEventSink* sink) {
  if (!detect_done_) {
    Probe p = probe_udp(payload, src_port, dst_port, limits_.dns_detection_ports);
    if (p.proto == AppProto::kUnknown) {
      decide(AppProto::kUnknown, sink, dir);
      return;
    }
    proto_ = p.proto;  // kDns, kLlmnr or kDhcp: no stream parser, each datagram is parsed below
    detect_done_ = true;
    ++(proto_ == AppProto::kLlmnr ? counters_.detect_llmnr
       : proto_ == AppProto::kDhcp ? counters_.detect_dhcp
                                   : counters_.detect_dns);
    if (sink != nullptr) {
      AppEvent e{.kind = AppEventKind::kProtocolDetected, .dir = dir, .proto = proto_};
      sink->on_app_event(e);
    }
  }
  if (proto_ == AppProto::kDhcp) {
    if (parse_dhcp(payload, counters_, dhcp_) && sink != nullptr) {
      AppEvent e{.kind = AppEventKind::kDhcpMessage, .dir = dir, .proto = proto_, .dhcp = &dhcp_};
      sink->on_app_event(e);
    }
    return;
  }
  if (proto_ != AppProto::kDns && proto_ != AppProto::kLlmnr) return;
  if (parse_dns(payload, limits_, counters_, dgram_) && sink != nullptr) {
    AppEvent e{.kind = AppEventKind::kDnsMessage, .dir = dir, .proto = proto_, .dns = &dgram_};
    sink->on_app_event(e);
  }
}

}  // namespace picket::app
