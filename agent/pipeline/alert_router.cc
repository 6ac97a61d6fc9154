#include "agent/pipeline/alert_router.h"

#include <algorithm>

#include "common/eve/eve.h"

namespace picket::pipeline {

std::string_view pkt_src_name(const decode::Packet* p) {
  if (p == nullptr) return "stream (flow timeout)";
  if (p->layers & decode::kLayerReassembled) return "defrag";
  switch (p->tunnel) {
    case decode::Tunnel::kGre: return "gre tunnel";
    case decode::Tunnel::kIpv4: return "ipv4 tunnel";
    case decode::Tunnel::kIpv6: return "ipv6 tunnel";
    case decode::Tunnel::kVxlan: return "vxlan encapsulation";
    case decode::Tunnel::kNone: break;
  }
  return "wire/pcap";
}

void fill_extras(const AlertOutput& o, const AlertContext& ctx, eve::AlertExtras* x) {
  const decode::Packet* p = ctx.packet;
  // An alert without a packet of its own (flow end) or on the empty stand-in packet has no packet fields.
  bool real = p != nullptr && !p->raw.empty();
  x->pkt_src = pkt_src_name(real ? p : nullptr);
  if (real && o.ethernet && p->linktype == 1 && p->tunnel == decode::Tunnel::kNone) {
    // The Ethernet header is at the start of the frame (of the last fragment for a rebuilt datagram).
    std::span<const uint8_t> eth = (p->layers & decode::kLayerReassembled) ? p->link_prefix : p->raw;
    if (eth.size() >= 14) {
      x->ether = true;
      std::copy_n(eth.data(), 6, x->dest_mac);
      std::copy_n(eth.data() + 6, 6, x->src_mac);
    }
  }
  if (real && p->tunnel_depth > 0) {
    const auto& t = p->tunnel_outer;
    x->tunnel = true;
    x->tunnel_src_ip = t.src.to_string();
    x->tunnel_dest_ip = t.dst.to_string();
    x->tunnel_ports = t.proto == decode::kProtoTcp || t.proto == decode::kProtoUdp || t.proto == decode::kProtoSctp;
    x->tunnel_src_port = t.sp;
    x->tunnel_dest_port = t.dp;
    x->tunnel_proto = decode::proto_name(t.proto);
    x->tunnel_depth = p->tunnel_depth - 1u;
  }
  if (o.metadata && ctx.flow != nullptr) {
    const flow::Flow& f = *ctx.flow;
    x->flow = true;
    x->pkts_toserver = f.pkts[0];
    x->pkts_toclient = f.pkts[1];
    x->bytes_toserver = f.bytes[0];
    x->bytes_toclient = f.bytes[1];
    x->flow_start_us = f.first_ts_us;
    x->flow_src_ip = f.key.client.to_string();
    x->flow_dest_ip = f.key.server.to_string();
    uint8_t proto = f.key.proto;
    x->flow_ports = proto == decode::kProtoTcp || proto == decode::kProtoUdp || proto == decode::kProtoSctp;
    x->flow_src_port = f.key.client_port;
    x->flow_dest_port = f.key.server_port;
  }
  if (real && o.packet) {
    x->packet = true;
    x->linktype = p->linktype;
    if (!(p->layers & decode::kLayerReassembled)) {
      // A tunnelled packet from its tunnel's payload on, as Suricata logs its inner pseudo packet.
      auto bytes = p->raw.subspan(std::min<size_t>(p->tunnel_offset, p->raw.size()));
      x->packet_bytes = std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    } else {
      x->packet_storage.reserve(p->link_prefix.size() + p->raw.size());
      x->packet_storage.assign(p->link_prefix.begin(), p->link_prefix.end());
      x->packet_storage.append(p->raw.begin(), p->raw.end());
      x->packet_bytes = x->packet_storage;
    }
  }
}

AlertRouter::AlertRouter(const PipelineConfig& cfg, output::EveSink* eve, bool log_to_eve, Consumer consumer)
    : cfg_(cfg), eve_(eve), log_to_eve_(log_to_eve), consumer_(std::move(consumer)) {}

void AlertRouter::alert(v1::Alert&& a, const AlertContext& ctx) {
  count_.fetch_add(1, std::memory_order_relaxed);
  if (a.event_time_us() == 0) {
    a.set_event_time_us(ctx.packet != nullptr ? ctx.packet->ts_us : ctx.flow != nullptr ? ctx.flow->last_ts_us : 0);
  }
  v1::NetworkInfo net;
  output::fill_network(ctx.flow, ctx.packet, ctx.dir, &net);
  if (ctx.has_tx) net.set_tx_id(ctx.tx_id);
  net.set_stream(ctx.stream);
  if (!ctx.payload.empty() && cfg_.payload_excerpt > 0) {
    auto bytes = ctx.payload.first(std::min<size_t>(ctx.payload.size(), cfg_.payload_excerpt));
    net.set_payload(output::redact_payload(bytes, cfg_.redaction));
  }
  if (ctx.app != nullptr) {
    if (ctx.app->http != nullptr) {
      output::fill_http(*ctx.app->http, cfg_.redaction, net.mutable_http());
      if (!ctx.has_tx) net.set_tx_id(ctx.app->http->id);
    } else if (ctx.app->dns != nullptr && ctx.app->proto == app::AppProto::kLlmnr) {
      output::fill_llmnr(*ctx.app->dns, net.mutable_llmnr());
    } else if (ctx.app->dns != nullptr) {
      output::fill_dns(*ctx.app->dns, 0, net.mutable_dns());
    } else if (ctx.app->dhcp != nullptr) {
      output::fill_dhcp(*ctx.app->dhcp, net.mutable_dhcp());
    } else if (ctx.app->tls != nullptr) {
      output::fill_tls(*ctx.app->tls, net.mutable_tls());
    }
  }
  // Fields the inspector preset win.
  net.MergeFrom(a.net());
  *a.mutable_net() = std::move(net);
  if (ctx.flow != nullptr) ctx.flow->alerted = true;
  if (log_to_eve_ && eve_ != nullptr) {
    eve::AlertExtras x;
    fill_extras(cfg_.alert_output, ctx, &x);
    x.has_tx = ctx.has_tx || (ctx.app != nullptr && ctx.app->http != nullptr);
    if (cfg_.alert_output.rule_raw) x.rule_text = ctx.rule_text;
    if (cfg_.alert_output.verdict) x.verdict = ctx.verdict.empty() ? std::string_view("alert") : ctx.verdict;
    eve::EveOptions opt;
    opt.payload = cfg_.alert_output.payload;
    opt.payload_printable = cfg_.alert_output.payload_printable;
    opt.rule_metadata = opt.app_layer = cfg_.alert_output.metadata;
    eve_->write(eve::render_alert(a, opt, &x));
  }
  if (consumer_) consumer_(a);
}

}  // namespace picket::pipeline
