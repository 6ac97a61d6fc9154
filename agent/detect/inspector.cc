#include "agent/detect/inspector.h"

#include <array>

#include <spdlog/spdlog.h>

#include "agent/app/buffers.h"
#include "agent/app/dhcp.h"
#include "agent/detect/config.h"

namespace picket::detect {
namespace {

IpAddr to_ip(const decode::IpAddr& a) {
  if (a.is_v6()) return IpAddr::v6(a.bytes);
  return IpAddr::v4(a.v4_host_order());
}

Proto to_proto(flow::AppProto p) {
  switch (p) {
    case flow::AppProto::kHttp: return Proto::kHttp;
    case flow::AppProto::kTls: return Proto::kTls;
    case flow::AppProto::kDns: return Proto::kDns;
    case flow::AppProto::kSsh: return Proto::kSsh;
    case flow::AppProto::kSmtp: return Proto::kSmtp;
    case flow::AppProto::kFtp: return Proto::kFtp;
    case flow::AppProto::kHttp2: return Proto::kHttp2;
    case flow::AppProto::kPgsql: return Proto::kPgsql;
    case flow::AppProto::kLlmnr: return Proto::kLlmnr;
    case flow::AppProto::kDhcp: return Proto::kDhcp;
    default: return Proto::kIp;
  }
}

struct BufMap {
  app::StickyBuffer from;
  Buf to;
};
constexpr std::array kHttpRequestBufs = {
    BufMap{app::StickyBuffer::kHttpUri, Buf::kHttpUri},
    BufMap{app::StickyBuffer::kHttpUriRaw, Buf::kHttpUriRaw},
    BufMap{app::StickyBuffer::kHttpMethod, Buf::kHttpMethod},
    BufMap{app::StickyBuffer::kHttpHost, Buf::kHttpHost},
    BufMap{app::StickyBuffer::kHttpHostRaw, Buf::kHttpHostRaw},
    BufMap{app::StickyBuffer::kHttpUserAgent, Buf::kHttpUserAgent},
    BufMap{app::StickyBuffer::kHttpRequestLine, Buf::kHttpRequestLine},
    BufMap{app::StickyBuffer::kHttpRequestBody, Buf::kHttpRequestBody},
    BufMap{app::StickyBuffer::kHttpReferer, Buf::kHttpReferer},
    BufMap{app::StickyBuffer::kHttpAccept, Buf::kHttpAccept},
};
constexpr std::array kHttpResponseBufs = {
    BufMap{app::StickyBuffer::kHttpStatCode, Buf::kHttpStatCode},
    BufMap{app::StickyBuffer::kHttpStatMsg, Buf::kHttpStatMsg},
    BufMap{app::StickyBuffer::kHttpResponseLine, Buf::kHttpResponseLine},
    BufMap{app::StickyBuffer::kHttpResponseBody, Buf::kHttpResponseBody},
    BufMap{app::StickyBuffer::kHttpServer, Buf::kHttpServer},
};
// Buffers whose content depends on the side (request or response message).
constexpr std::array kHttpSideBufs = {
    BufMap{app::StickyBuffer::kHttpHeader, Buf::kHttpHeader},
    BufMap{app::StickyBuffer::kHttpHeaderRaw, Buf::kHttpHeaderRaw},
    BufMap{app::StickyBuffer::kHttpHeaderNames, Buf::kHttpHeaderNames},
    BufMap{app::StickyBuffer::kHttpCookie, Buf::kHttpCookie},
    BufMap{app::StickyBuffer::kHttpContentType, Buf::kHttpContentType},
    BufMap{app::StickyBuffer::kHttpContentLen, Buf::kHttpContentLen},
    BufMap{app::StickyBuffer::kHttpProtocol, Buf::kHttpProtocol},
    BufMap{app::StickyBuffer::kHttpStart, Buf::kHttpStart},
};
constexpr std::array kTlsBufs = {
    BufMap{app::StickyBuffer::kTlsSni, Buf::kTlsSni},
    BufMap{app::StickyBuffer::kTlsCertSubject, Buf::kTlsCertSubject},
    BufMap{app::StickyBuffer::kTlsCertIssuer, Buf::kTlsCertIssuer},
    BufMap{app::StickyBuffer::kTlsCertSerial, Buf::kTlsCertSerial},
    BufMap{app::StickyBuffer::kTlsCertFingerprint, Buf::kTlsCertFingerprint},
    BufMap{app::StickyBuffer::kTlsVersion, Buf::kTlsVersion},
    BufMap{app::StickyBuffer::kJa3Hash, Buf::kJa3Hash},
    BufMap{app::StickyBuffer::kJa3String, Buf::kJa3String},
    BufMap{app::StickyBuffer::kJa3sHash, Buf::kJa3sHash},
    BufMap{app::StickyBuffer::kJa3sString, Buf::kJa3sString},
};

// Per-flow state kept in flow->detect.
struct DetectSlot : flow::FlowSlot {
  FlowState state;
  bool seen_dir[2] = {false, false};
  bool tcp_established = false;  // the session state after the previous packet
  uint64_t dns_tx = 0;  // next transaction id of a DNS, LLMNR or DHCP flow
  // The last stream chunk, kept (copied) while the app protocol is unknown, for re-inspection once it is
  // detected, and while the engine has rules mixing payload and app-layer buffers (their payload part).
  std::vector<uint8_t> chunk;
  uint64_t chunk_pkt = 0;
  int chunk_dir = -1;
  // Per direction: the end of the stream data inspected so far (up to the longest payload content less
  // one byte), so that a content split across two chunks is seen in a window over the boundary; and the
  // rules that alerted on the last chunk (a match wholly inside the old tail must not alert twice).
  std::vector<uint8_t> tail[2];
  std::vector<uint32_t> last_alerted[2];
  uint64_t alert_pkt = 0;              // pcap_cnt of the packet the rules below alerted on
  std::vector<uint32_t> alerted_rules;  // one alert per rule per packet
};

struct Worker {
  std::shared_ptr<const Engine> engine;
  std::unique_ptr<MatchScratch> scratch;
  std::vector<Hit> hits;
  std::vector<uint8_t> window;  // boundary window between two stream chunks
  // Alerts raised for the packet being processed (on_packet starts a packet; its stream data and app
  // events follow), against packet-alert-max.
  uint32_t packet_alerts = 0;
  uint64_t queue_overflow = 0;  // alerts dropped by packet-alert-max
};

class DetectInspector : public pipeline::Inspector {
 public:
  explicit DetectInspector(std::shared_ptr<EngineHolder> h) : holder_(std::move(h)) {}

  void start(unsigned workers) override { workers_.resize(std::max(1u, workers)); }

  void on_packet(const pipeline::InspectContext& ctx, const decode::Packet& p, flow::Flow* f,
                 flow::Direction d) override {
    Worker& w = worker(ctx.worker);
    w.packet_alerts = 0;
    if (!p.has_ip()) return;
    // No rule inspection for this flow any more (exception policy pass-flow/bypass, or a pass rule).
    if (f != nullptr && f->no_detection) return;
    Input in = packet_input(p, f, d);
    // The pipeline reassembles this flow (e.g. picked up midstream at its SYN/ACK): the payload is
    // inspected as stream data, not here.
    if (ctx.tcp_reassembled && p.is_tcp() && (p.tcp_flags & 0x02) == 0 &&
        p.l4_csum != decode::ChecksumState::kInvalid) {
      in.tcp_stream_payload = true;
    }
    if (f != nullptr) {
      auto& slot = slot_of(*f);
      int di = flow::dir_index(d);
      in.first_in_direction = !slot.seen_dir[di];
      slot.seen_dir[di] = true;
      // A TCP packet is "established" when the session was before it, as in Suricata: the ACK that
      // completes the handshake is not.
      if (p.is_tcp()) {
        in.established = slot.tcp_established;
        slot.tcp_established = f->established();
      }
    }
    // LLMNR and DHCP datagrams meet the rules of their protocol when their message is parsed (see
    // on_app_event), so that those alerts carry the message as Suricata's do.
    if (f != nullptr && p.is_udp() && per_datagram_message(f->app_proto)) in.no_app_rules = true;
    run(ctx, w, in, f, d, &p, nullptr, p.payload, false);
  }

  static bool per_datagram_message(flow::AppProto a) {
    return a == flow::AppProto::kLlmnr || a == flow::AppProto::kDhcp;
  }

  // An LLMNR/DHCP datagram's app-protocol rules, with its parsed message (`ev`) for the alert. The
  // message says its direction (query/request to_server, response/reply to_client), whichever way the
  // flow was first seen: a response that opens a flow of its own (an answer to a multicast query) is
  // to_client, as Suricata reverses such a flow.
  void run_datagram(const pipeline::InspectContext& ctx, Worker& w, flow::Flow& f, flow::Direction d,
                    const decode::Packet& p, const pipeline::AppEvent& ev, bool to_server) {
    if (!p.is_udp()) return;
    Input pin = packet_input(p, &f, d);
    pin.app_rules_only = true;
    pin.first_in_direction = false;
    pin.to_server = to_server;
    run(ctx, w, pin, &f, d, &p, &ev, p.payload, false);
  }

  void on_stream(const pipeline::InspectContext& ctx, flow::Flow& f, flow::Direction d,
                 std::span<const uint8_t> data, uint64_t, const decode::Packet& p) override {
    if (data.empty() || f.no_detection) return;
    Worker& w = worker(ctx.worker);
    Input in = base_input(p, &f, d);
    if (ctx.as_established) in.established = true;  // closing or ended flow (pipeline/inspector.h)
    in.kind = Input::kStream;
    in.set(Buf::kPayload, data);
    if (w.engine && (f.app_proto == flow::AppProto::kUnknown || w.engine->stats().mixed > 0)) {
      auto& slot = slot_of(f);
      if (slot.chunk_pkt != p.pcap_cnt || slot.chunk_dir != flow::dir_index(d)) slot.chunk.clear();
      slot.chunk.insert(slot.chunk.end(), data.begin(), data.end());
      slot.chunk_pkt = p.pcap_cnt;
      slot.chunk_dir = flow::dir_index(d);
    }
    size_t keep = w.engine ? w.engine->stats().max_payload_content : 0;
    if (keep <= 1) {
      run(ctx, w, in, &f, d, &p, nullptr, data, true);
      return;
    }
    keep -= 1;
    auto& slot = slot_of(f);
    const int di = flow::dir_index(d);
    std::vector<uint32_t> alerted;
    if (!slot.tail[di].empty()) {
      // Window over the boundary: the old tail and the start of the new data.
      w.window.assign(slot.tail[di].begin(), slot.tail[di].end());
      w.window.insert(w.window.end(), data.begin(), data.begin() + static_cast<ptrdiff_t>(std::min(keep, data.size())));
      Input win = in;
      win.boundary = true;
      win.set(Buf::kPayload, std::span<const uint8_t>(w.window));
      run(ctx, w, win, &f, d, &p, nullptr, data, true, &alerted, &slot.last_alerted[di]);
    }
    run(ctx, w, in, &f, d, &p, nullptr, data, true, &alerted, nullptr);
    slot.last_alerted[di] = std::move(alerted);
    auto& tail = slot.tail[di];
    if (data.size() >= keep) {
      tail.assign(data.end() - static_cast<ptrdiff_t>(keep), data.end());
    } else {
      tail.insert(tail.end(), data.begin(), data.end());
      if (tail.size() > keep) tail.erase(tail.begin(), tail.end() - static_cast<ptrdiff_t>(keep));
    }
  }

  void on_app_event(const pipeline::InspectContext& ctx, flow::Flow& f, flow::Direction d,
                    const pipeline::AppEvent& ev, const decode::Packet& p) override {
    using K = app::AppEventKind;
    if (f.no_detection) return;
    Worker& w = worker(ctx.worker);
    Input in = base_input(p, &f, d);
    if (ctx.as_established) in.established = true;  // closing or ended flow (pipeline/inspector.h)
    in.kind = Input::kTransaction;
    auto set = [&](Buf b, std::string_view v) {
      if (!v.empty()) in.set(b, v);
    };
    // The payload part of rules that mix payload content and app-layer buffers: the datagram or the
    // stream data of this packet that completed the event.
    if (w.engine && w.engine->stats().mixed > 0) {
      if (!p.is_tcp()) {
        if (!p.payload.empty()) in.set(Buf::kPayload, p.payload);
      } else {
        const auto& slot = slot_of(f);
        if (slot.chunk_pkt == p.pcap_cnt && slot.chunk_dir == flow::dir_index(d) && !slot.chunk.empty()) {
          in.set(Buf::kPayload, std::span<const uint8_t>(slot.chunk));
        }
      }
    }
    switch (ev.kind) {
      case K::kProtocolDetected: {
        // The packet (and stream chunk) that led to detection were inspected before the flow had its app
        // protocol: inspect them again for the rules that depend on it.
        if (ev.proto == app::AppProto::kUnknown) return;
        // TCP packets are not (Suricata detects the protocol of TCP data once it is acknowledged, after
        // that packet): only datagrams and the stream chunk are.
        if (!p.is_tcp() && !per_datagram_message(static_cast<flow::AppProto>(ev.proto))) {
          Input pin = packet_input(p, &f, d);
          pin.app_rules_only = true;
          pin.first_in_direction = false;
          run(ctx, w, pin, &f, d, &p, nullptr, p.payload, false);
        }
        auto& slot = slot_of(f);
        if (p.is_tcp() && slot.chunk_pkt == p.pcap_cnt && !slot.chunk.empty()) {
          flow::Direction cd = slot.chunk_dir == 0 ? flow::Direction::kToServer : flow::Direction::kToClient;
          Input sin = base_input(p, &f, cd);
          sin.kind = Input::kStream;
          sin.app_rules_only = true;
          std::vector<uint8_t> copy = slot.chunk;  // run() may not touch slot.chunk, but keep it simple
          sin.set(Buf::kPayload, std::span<const uint8_t>(copy));
          run(ctx, w, sin, &f, cd, &p, nullptr, copy, true);
        }
        return;
      }
      case K::kHttpRequestHeaders:
      case K::kHttpRequestComplete:
      case K::kHttpResponseHeaders:
      case K::kHttpResponseComplete: {
        if (ev.http == nullptr) return;
        bool resp = ev.kind == K::kHttpResponseHeaders || ev.kind == K::kHttpResponseComplete;
        app::Direction side = resp ? app::Direction::kToClient : app::Direction::kToServer;
        in.app_proto = ev.proto == app::AppProto::kHttp2 ? Proto::kHttp2 : Proto::kHttp;
        in.to_server = !resp;
        in.tx_id = ev.http->id;
        for (const auto& m : kHttpRequestBufs) set(m.to, app::http_buffer(*ev.http, m.from, side));
        if (resp) {
          for (const auto& m : kHttpResponseBufs) set(m.to, app::http_buffer(*ev.http, m.from, side));
          set(Buf::kFileData, app::http_buffer(*ev.http, app::StickyBuffer::kFileData, side));
        } else {
          set(Buf::kFileData, app::http_buffer(*ev.http, app::StickyBuffer::kHttpRequestBody, side));
        }
        for (const auto& m : kHttpSideBufs) set(m.to, app::http_buffer(*ev.http, m.from, side));
        run(ctx, w, in, &f, d, &p, &ev, {}, false);
        return;
      }
      case K::kDnsMessage: {
        if (ev.dns == nullptr) return;
        in.app_proto = ev.proto == app::AppProto::kLlmnr ? Proto::kLlmnr : Proto::kDns;
        auto& slot = slot_of(f);
        const bool resp = ev.dns->is_response();
        if (ev.proto == app::AppProto::kLlmnr) {
          // LLMNR: each message is a transaction of its own direction; the dns.* buffers are DNS's only.
          in.tx_id = slot.dns_tx++;
          in.to_server = !resp;
          run(ctx, w, in, &f, d, &p, &ev, {}, false);
          run_datagram(ctx, w, f, d, p, ev, !resp);
          return;
        }
        // A response belongs to its query's transaction (the previous one on this flow).
        in.tx_id = resp && slot.dns_tx > 0 ? slot.dns_tx - 1 : slot.dns_tx++;
        Input base = in;
        base.present = in.present & (uint64_t{1} << static_cast<int>(Buf::kPayload));
        // One inspection per name (Suricata's multi-buffers): dns.query (requests) and dns.query.name for
        // each question, dns.answer.name for each answer of a response.
        for (size_t i = 0; i < ev.dns->questions.size(); ++i) {
          Input q = base;
          std::string_view name = ev.dns->questions[i].name;
          if (!resp) q.set(Buf::kDnsQuery, name);
          q.set(Buf::kDnsQueryName, name);
          run(ctx, w, q, &f, d, &p, &ev, {}, false);
        }
        if (resp) {
          for (const auto& a : ev.dns->answers) {
            Input q = base;
            q.set(Buf::kDnsAnswerName, std::string_view(a.name));
            run(ctx, w, q, &f, d, &p, &ev, {}, false);
          }
        }
        return;
      }
      case K::kDhcpMessage: {
        if (ev.dhcp == nullptr) return;
        // Each DHCP datagram is a transaction seen in one direction only: a request is inspected to_server,
        // a reply to_client (flow:to_server rules never meet a reply).
        in.app_proto = Proto::kDhcp;
        in.tx_id = slot_of(f).dns_tx++;
        in.to_server = ev.dhcp->is_request();
        run(ctx, w, in, &f, d, &p, &ev, {}, false);
        run_datagram(ctx, w, f, d, p, ev, ev.dhcp->is_request());
        return;
      }
      case K::kTlsClientHello:
      case K::kTlsServerHello:
      case K::kTlsCertificate: {
        if (ev.tls == nullptr) return;
        in.app_proto = Proto::kTls;
        in.tx_id = 0;
        // The hello's side, not the bytes' flow direction (they differ on a reversed midstream flow).
        in.to_server = ev.kind == K::kTlsClientHello;
        for (const auto& m : kTlsBufs) set(m.to, app::tls_buffer(*ev.tls, m.from));
        run(ctx, w, in, &f, d, &p, &ev, {}, false);
        return;
      }
      default:
        return;
    }
  }

  void on_flow_end(const pipeline::InspectContext& ctx, flow::Flow&) override {
    worker(ctx.worker).packet_alerts = 0;  // what follows belongs to no packet of this flow
  }

  void finish() override {
    uint64_t dropped = 0;
    for (const auto& w : workers_) dropped += w.queue_overflow;
    if (dropped > 0) spdlog::info("detect: {} alerts over packet-alert-max were not raised", dropped);
  }

 private:
  Worker& worker(unsigned i) {
    if (i >= workers_.size()) i = 0;  // start() not called: single worker
    if (workers_.empty()) workers_.resize(1);
    Worker& w = workers_[i];
    auto cur = holder_->current();
    if (cur != w.engine) {
      w.engine = std::move(cur);
      w.scratch = w.engine ? w.engine->make_scratch() : nullptr;
    }
    return w;
  }

  static DetectSlot& slot_of(flow::Flow& f) {
    if (!f.detect) f.detect = std::make_unique<DetectSlot>();
    return static_cast<DetectSlot&>(*f.detect);
  }

  static Input packet_input(const decode::Packet& p, const flow::Flow* f, flow::Direction d) {
    Input in = base_input(p, f, d);
    in.kind = Input::kPacket;
    in.payload_len = static_cast<uint32_t>(p.payload.size());
    if (!p.payload.empty()) in.set(Buf::kPayload, p.payload);
    // TCP payload with a flow is inspected as stream data (on_stream), like Suricata's raw stream; data on
    // a SYN (TCP Fast Open, or a bogus SYN) is inspected as a packet, as Suricata does.
    // Without a handshake (and no midstream pickup) the stream module does not track the session: the
    // payload is then inspected here, as Suricata inspects packets of a flow without a TCP session.
    // A packet with a bad TCP checksum never reaches the stream (the pipeline skips it): its payload is
    // inspected here, as Suricata inspects a packet its stream engine refused.
    in.tcp_stream_payload = p.is_tcp() && f != nullptr && (p.tcp_flags & 0x02) == 0 &&
                            ((f->seen_syn && f->seen_synack) || f->midstream) &&
                            p.l4_csum != decode::ChecksumState::kInvalid;
    return in;
  }

  static Input base_input(const decode::Packet& p, const flow::Flow* f, flow::Direction d) {
    Input in;
    in.src = to_ip(p.src);
    in.dst = to_ip(p.dst);
    in.sp = p.sp;
    in.dp = p.dp;
    in.ip_proto = p.proto;
    in.ttl = p.ttl;
    in.ip_id = p.ip_id;
    in.frag_bits = static_cast<uint8_t>((p.ip_mf ? 1 : 0) | (p.ip_df ? 2 : 0));
    in.tcp_flags = p.tcp_flags;
    in.tcp_window = p.tcp_window;
    in.tcp_seq = p.tcp_seq;
    in.tcp_ack = p.tcp_ack;
    in.icmp_type = p.icmp_type;
    in.icmp_code = p.icmp_code;
    in.icmp_id = p.icmp_id;
    in.icmp_seq = p.icmp_seq;
    in.pcap_cnt = p.pcap_cnt;
    in.ts_us = p.ts_us;
    in.to_server = d == flow::Direction::kToServer;
    if (f != nullptr) {
      in.has_flow = true;
      in.established = f->established();
      in.app_proto = to_proto(f->app_proto);
      in.flow_id = f->flow_id;
      in.stream_bytes[0] = f->bytes[0];
      in.stream_bytes[1] = f->bytes[1];
      // Stream and app data carry the flow's addresses in the data's direction.
      const auto& k = f->key;
      bool ts = in.to_server;
      in.src = to_ip(ts ? k.client : k.server);
      in.dst = to_ip(ts ? k.server : k.client);
      in.sp = ts ? k.client_port : k.server_port;
      in.dp = ts ? k.server_port : k.client_port;
    }
    return in;
  }

  void run(const pipeline::InspectContext& ctx, Worker& w, const Input& in, flow::Flow* f, flow::Direction d,
           const decode::Packet* p, const pipeline::AppEvent* ev, std::span<const uint8_t> payload, bool stream,
           std::vector<uint32_t>* record = nullptr, const std::vector<uint32_t>* skip = nullptr) {
    if (!w.engine) return;
    DetectSlot* slot = f != nullptr ? &slot_of(*f) : nullptr;
    w.hits.clear();
    w.engine->match(in, slot != nullptr ? &slot->state : nullptr, *w.scratch, &w.hits);
    // A pass rule passed the flow: its verdict (EVE flow.action), and no more inspection.
    if (slot != nullptr && slot->state.passed) {
      f->action = flow::FlowAction::kPass;
      f->no_detection = true;
    }
    const uint32_t max_alerts = w.engine->config().packet_alert_max;
    for (const auto& h : w.hits) {
      if (skip != nullptr && std::find(skip->begin(), skip->end(), h.rule) != skip->end()) continue;
      if (record != nullptr) record->push_back(h.rule);
      if (slot != nullptr && in.kind != Input::kTransaction) {
        if (slot->alert_pkt != in.pcap_cnt) {
          slot->alert_pkt = in.pcap_cnt;
          slot->alerted_rules.clear();
        }
        if (std::find(slot->alerted_rules.begin(), slot->alerted_rules.end(), h.rule) != slot->alerted_rules.end()) {
          continue;
        }
        slot->alerted_rules.push_back(h.rule);
      }
      // packet-alert-max: the packet's alert queue is full; the hits come in evaluation order, so the
      // highest-ranked alerts of this input are the ones kept.
      if (w.packet_alerts >= max_alerts) {
        ++w.queue_overflow;
        continue;
      }
      ++w.packet_alerts;
      v1::Alert a;
      w.engine->fill_alert(h, in, &a);
      const Rule& rule = w.engine->rules()[h.rule];
      // Stream blocks inspected across a gap log all of them, with gap markers (pipeline/worker.h).
      if (stream && !ctx.stream_payload.empty()) {
        payload = ctx.stream_payload;
        a.mutable_net()->set_payload(std::string(reinterpret_cast<const char*>(payload.data()),
                                                 std::min(payload.size(), w.engine->config().payload_excerpt)));
      }
      pipeline::AlertContext ac{.packet = p, .flow = f, .dir = d, .app = ev, .payload = payload, .stream = stream,
                                .tx_id = in.tx_id, .has_tx = in.kind == Input::kTransaction,
                                .verdict = h.pass ? std::string_view("pass") : std::string_view(),
                                .rule_text = rule.text};
      ctx.sink->alert(std::move(a), ac);
    }
  }

  std::shared_ptr<EngineHolder> holder_;
  std::vector<Worker> workers_;
};

}  // namespace

std::shared_ptr<pipeline::Inspector> make_inspector(std::shared_ptr<EngineHolder> holder) {
  return std::make_shared<DetectInspector>(std::move(holder));
}

std::shared_ptr<pipeline::Inspector> make_inspector(const std::vector<std::string>& rule_paths,
                                                    const config::Settings& settings, Diagnostics* diag) {
  auto holder = std::make_shared<EngineHolder>();
  if (!holder->reload(rule_paths, engine_config_from(settings), diag)) return nullptr;
  return make_inspector(std::move(holder));
}

}  // namespace picket::detect
