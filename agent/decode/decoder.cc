// Link layers, IP, transport and tunnels. Each decode_* checks its bounds first, records an anomaly and
// returns false on a malformed header, and hands its payload on by protocol number.
#include "agent/decode/decoder.h"

#include <algorithm>

#include "agent/decode/bytes.h"
#include "agent/decode/checksum.h"
#include "agent/decode/defrag.h"

namespace picket::decode {

namespace {
using Bytes = std::span<const uint8_t>;

constexpr int kDltNull = 0;
constexpr int kDltEn10mb = 1;
constexpr int kDltPpp = 9;
constexpr int kDltRaw = 12;
constexpr int kDltRawOpenBsd = 14;
constexpr int kDltPppSerial = 50;
constexpr int kDltLinktypeRaw = 101;
constexpr int kDltCHdlc = 104;
constexpr int kDltLoop = 108;
constexpr int kDltLinuxSll = 113;
constexpr int kDltIpv4 = 228;
constexpr int kDltIpv6 = 229;
constexpr int kDltLinuxSll2 = 276;

constexpr uint16_t kEthIpv4 = 0x0800;
constexpr uint16_t kEthArp = 0x0806;
constexpr uint16_t kEthVlan = 0x8100;
constexpr uint16_t kEthQinQ = 0x88a8;
constexpr uint16_t kEthQinQOld = 0x9100;
constexpr uint16_t kEthIpv6 = 0x86dd;
constexpr uint16_t kEthTeb = 0x6558;  // transparent Ethernet bridging (GRE)
constexpr uint16_t kEthPpp = 0x880b;  // PPP (GRE, PPTP)
constexpr uint16_t kPppIpv4 = 0x0021;
constexpr uint16_t kPppIpv6 = 0x0057;

constexpr uint64_t kChecksumSample = 1000;  // packets checked before auto mode decides
}  // namespace

void DecodeStats::add(const DecodeStats& o) {
  packets += o.packets;
  bytes += o.bytes;
  ethernet += o.ethernet; vlan += o.vlan; sll += o.sll; raw += o.raw; arp += o.arp; ppp += o.ppp;
  chdlc += o.chdlc;
  ipv4 += o.ipv4; ipv6 += o.ipv6; tcp += o.tcp; udp += o.udp; icmp += o.icmp; icmpv6 += o.icmpv6;
  gre += o.gre; vxlan += o.vxlan; sctp += o.sctp; other_ip += o.other_ip;
  fragments += o.fragments;
  reassembled += o.reassembled;
  for (size_t i = 0; i < kAnomalyCount; ++i) anomalies[i] += o.anomalies[i];
  checksum_auto_disabled = checksum_auto_disabled || o.checksum_auto_disabled;
}

Decoder::Decoder(const DecoderConfig& cfg) : cfg_(cfg) {
  defrag_ = std::make_unique<Defragmenter>(DefragLimits{.memcap = cfg.defrag_memcap,
                                                        .max_frags = cfg.defrag_max_frags,
                                                        .max_trackers = cfg.defrag_max_trackers,
                                                        .timeout_us = cfg.defrag_timeout_us});
  validate_ = cfg.checksum != ChecksumMode::kNone;
}

Decoder::~Decoder() = default;

bool Decoder::anomaly(Packet* p, Anomaly a) {
  p->anomalies |= uint64_t{1} << static_cast<unsigned>(a);
  ++stats_.anomalies[static_cast<size_t>(a)];
  return false;
}

void Decoder::checksum_result(Packet* p, bool ok, Anomaly a, bool l4) {
  (l4 ? p->l4_csum : p->ip_csum) = ok ? ChecksumState::kValid : ChecksumState::kInvalid;
  if (!ok) anomaly(p, a);
  if (cfg_.checksum == ChecksumMode::kAuto && l4) {
    ++csum_checked_;
    if (!ok) ++csum_bad_;
    if (csum_checked_ == kChecksumSample && csum_bad_ * 10 > csum_checked_) {
      validate_ = false;  // most checksums are offloaded or unset: stop trusting them
      stats_.checksum_auto_disabled = true;
    }
  }
}

bool Decoder::decode(Bytes frame, uint32_t wire_len, int64_t ts_us, uint64_t pcap_cnt, int linktype, Packet* p) {
  *p = Packet{};
  p->ts_us = ts_us;
  p->pcap_cnt = pcap_cnt;
  p->linktype = linktype;
  p->raw = frame;
  p->wire_len = wire_len;
  reassembled_ready_ = false;
  ++stats_.packets;
  stats_.bytes += frame.size();
  return decode_link(frame, linktype, p);
}

bool Decoder::decode_reassembled(Packet* p) {
  if (!reassembled_ready_) return false;
  reassembled_ready_ = false;
  Bytes d = defrag_->datagram();
  *p = Packet{};
  p->ts_us = frag_ctx_.ts_us;
  p->pcap_cnt = frag_ctx_.pcap_cnt;
  p->linktype = frag_ctx_.linktype;
  p->raw = d;
  p->wire_len = static_cast<uint32_t>(d.size());
  // What preceded the completing fragment's (innermost) IP header: the link header, or for a tunnelled
  // fragment what followed the tunnel header.
  Bytes from = frag_ctx_.raw.subspan(std::min<size_t>(frag_ctx_.tunnel_offset, frag_ctx_.raw.size()));
  const uint8_t* ip_start = frag_ctx_.ip_header.data();
  if (ip_start != nullptr && !from.empty() && ip_start >= from.data() && ip_start <= from.data() + from.size()) {
    p->link_prefix = from.first(static_cast<size_t>(ip_start - from.data()));
  }
  p->tunnel = frag_ctx_.tunnel;
  p->vlan[0] = frag_ctx_.vlan[0];
  p->vlan[1] = frag_ctx_.vlan[1];
  p->vlan_count = frag_ctx_.vlan_count;
  p->tunnel_depth = frag_ctx_.tunnel_depth;
  p->layers = kLayerReassembled;
  ++stats_.reassembled;
  if (d.empty()) return false;
  // The datagram's IP layer was counted with its fragments: count only what is inside it.
  bool v4 = (d[0] >> 4) == 4;
  uint64_t& ip_count = v4 ? stats_.ipv4 : stats_.ipv6;
  uint64_t before = ip_count;
  bool ok = v4 ? decode_ipv4(d, p) : decode_ipv6(d, p);
  if (ip_count > before) --ip_count;
  return ok;
}

void Decoder::expire(int64_t now_us) {
  unsigned n = defrag_->expire(now_us);
  stats_.anomalies[static_cast<size_t>(Anomaly::kFragTimeout)] += n;
}

bool Decoder::decode_link(Bytes d, int linktype, Packet* p) {
  switch (linktype) {
    case kDltEn10mb: {
      if (d.size() < 14) return anomaly(p, Anomaly::kEthTruncated);
      ++stats_.ethernet;
      p->layers |= kLayerEthernet;
      return decode_ether_payload(be16(d.data() + 12), d.subspan(14), p);
    }
    case kDltLinuxSll: {
      if (d.size() < 16) return anomaly(p, Anomaly::kSllTruncated);
      ++stats_.sll;
      p->layers |= kLayerSll;
      return decode_ether_payload(be16(d.data() + 14), d.subspan(16), p);
    }
    case kDltLinuxSll2: {
      if (d.size() < 20) return anomaly(p, Anomaly::kSllTruncated);
      ++stats_.sll;
      p->layers |= kLayerSll;
      return decode_ether_payload(be16(d.data()), d.subspan(20), p);
    }
    case kDltRaw:
    case kDltRawOpenBsd:
    case kDltLinktypeRaw:
    case kDltIpv4:
    case kDltIpv6: {
      ++stats_.raw;
      if (d.empty()) return anomaly(p, Anomaly::kIpv4Truncated);
      return (d[0] >> 4) == 6 ? decode_ipv6(d, p) : decode_ipv4(d, p);
    }
    case kDltPpp:
    case kDltPppSerial:
      return decode_ppp(d, p);
    case kDltCHdlc:
      return decode_chdlc(d, p);
    case kDltNull:
    case kDltLoop: {
      if (d.size() < 4) return anomaly(p, Anomaly::kEthTruncated);
      ++stats_.raw;
      Bytes ip = d.subspan(4);
      if (ip.empty()) return anomaly(p, Anomaly::kIpv4Truncated);
      return (ip[0] >> 4) == 6 ? decode_ipv6(ip, p) : decode_ipv4(ip, p);
    }
    default:
      return anomaly(p, Anomaly::kUnknownLinkType);
  }
}

bool Decoder::decode_ether_payload(uint16_t type, Bytes d, Packet* p) {
  // 802.1Q / QinQ tags, outermost first.
  unsigned tags = 0;
  while (type == kEthVlan || type == kEthQinQ || type == kEthQinQOld) {
    if (d.size() < 4) return anomaly(p, Anomaly::kVlanTruncated);
    if (tags == 0) ++stats_.vlan;
    p->layers |= kLayerVlan;
    uint16_t id = be16(d.data()) & 0x0fff;
    if (p->vlan_count < 2) {
      p->vlan[p->vlan_count++] = id;
    } else if (tags == 2) {
      anomaly(p, Anomaly::kVlanTooMany);
    }
    ++tags;
    if (tags > 8) return anomaly(p, Anomaly::kVlanTooMany);
    type = be16(d.data() + 2);
    d = d.subspan(4);
  }
  switch (type) {
    case kEthIpv4: return decode_ipv4(d, p);
    case kEthIpv6: return decode_ipv6(d, p);
    case kEthArp:
      if (d.size() < 8) return anomaly(p, Anomaly::kArpTruncated);
      ++stats_.arp;
      p->layers |= kLayerArp;
      return true;
    default:
      if (type < 0x0600) return true;  // 802.3 length field (LLC/STP): not ours, not an anomaly
      return anomaly(p, Anomaly::kUnknownEtherType);
  }
}

bool Decoder::decode_ipv4(Bytes d, Packet* p) {
  if (d.size() < 20) return anomaly(p, Anomaly::kIpv4Truncated);
  if ((d[0] >> 4) != 4) return anomaly(p, Anomaly::kIpv4BadVersion);
  size_t hl = size_t{d[0] & 0x0fu} * 4;
  if (hl < 20 || hl > d.size()) return anomaly(p, Anomaly::kIpv4BadHeaderLength);
  uint16_t total = be16(d.data() + 2);
  if (total < hl || total > d.size()) return anomaly(p, Anomaly::kIpv4BadTotalLength);
  d = d.first(total);  // drop link padding
  ++stats_.ipv4;
  p->layers = (p->layers & ~(kLayerIpv6)) | kLayerIpv4;
  p->ip_version = 4;
  p->tos = d[1];
  p->ip_total_len = total;
  p->ip_id = be16(d.data() + 4);
  uint16_t ff = be16(d.data() + 6);
  p->ip_df = (ff & 0x4000) != 0;
  p->ip_mf = (ff & 0x2000) != 0;
  p->frag_offset = static_cast<uint16_t>((ff & 0x1fff) * 8);
  p->ttl = d[8];
  p->proto = d[9];
  p->src = IpAddr{};
  p->dst = IpAddr{};
  std::copy_n(d.data() + 12, 4, p->src.bytes);
  std::copy_n(d.data() + 16, 4, p->dst.bytes);
  p->src.family = p->dst.family = 4;
  p->ip_header = d.first(hl);
  p->ip_options = d.subspan(20, hl - 20);
  // Options: TLVs (EOL and NOP are single bytes).
  for (size_t i = 20; i < hl;) {
    uint8_t t = d[i];
    if (t == 0) break;
    if (t == 1) {
      ++i;
      continue;
    }
    if (i + 1 >= hl || d[i + 1] < 2 || i + d[i + 1] > hl) return anomaly(p, Anomaly::kIpv4BadOptions);
    i += d[i + 1];
  }
  if (validate_) {
    checksum_result(p, csum_fold(csum_add(0, d.first(hl))) == 0, Anomaly::kIpv4BadChecksum, false);
  }
  Bytes payload = d.subspan(hl);
  if (p->ip_mf || p->frag_offset != 0) return add_fragment(p, p->ip_id, p->proto, d.first(hl), payload);
  return decode_l4(p->proto, payload, p);
}

// One IPv4 or IPv6 fragment: counted, marked, and (with defrag on) handed to the reassembler; when it
// completes a datagram, decode_reassembled() picks the whole one up.
bool Decoder::add_fragment(Packet* p, uint32_t id, uint8_t proto, Bytes header, Bytes payload) {
  ++stats_.fragments;
  p->layers |= kLayerFragment;
  p->payload = payload;
  if (!cfg_.defrag) return true;
  Anomaly why{};
  bool overlap = false;
  auto r = defrag_->add(p->src, p->dst, id, proto, p->ip_mf, p->frag_offset, header, payload, p->ts_us, &why,
                        &overlap);
  if (overlap) anomaly(p, Anomaly::kFragOverlap);
  if (r == Defragmenter::Result::kDropped) return anomaly(p, why);
  if (r == Defragmenter::Result::kComplete) {
    reassembled_ready_ = true;
    frag_ctx_ = *p;
  }
  return true;
}

bool Decoder::decode_ipv6(Bytes d, Packet* p) {
  if (d.size() < 40) return anomaly(p, Anomaly::kIpv6Truncated);
  if ((d[0] >> 4) != 6) return anomaly(p, Anomaly::kIpv6BadVersion);
  uint16_t plen = be16(d.data() + 4);
  if (size_t{plen} + 40 > d.size()) return anomaly(p, Anomaly::kIpv6BadPayloadLength);
  d = d.first(size_t{plen} + 40);
  ++stats_.ipv6;
  p->layers = (p->layers & ~(kLayerIpv4)) | kLayerIpv6;
  p->ip_version = 6;
  p->tos = static_cast<uint8_t>((be16(d.data()) >> 4) & 0xff);
  p->ipv6_flow_label = be32(d.data()) & 0x000fffff;
  p->ip_total_len = static_cast<uint16_t>(std::min<size_t>(65535, d.size()));
  p->ttl = d[7];
  p->ip_df = p->ip_mf = false;
  p->frag_offset = 0;
  p->ip_options = {};
  std::copy_n(d.data() + 8, 16, p->src.bytes);
  std::copy_n(d.data() + 24, 16, p->dst.bytes);
  p->src.family = p->dst.family = 6;
  uint8_t next = d[6];
  size_t off = 40;
  bool fragment = false;
  uint32_t frag_id = 0;
  for (unsigned n = 0;; ++n) {
    if (n > 8) return anomaly(p, Anomaly::kIpv6TooManyExtHeaders);
    if (next == 0 || next == 43 || next == 60 || next == 135) {  // hop-by-hop, routing, dest opts, mobility
      if (off + 8 > d.size()) return anomaly(p, Anomaly::kIpv6BadExtHeader);
      size_t len = (size_t{d[off + 1]} + 1) * 8;
      if (off + len > d.size()) return anomaly(p, Anomaly::kIpv6BadExtHeader);
      next = d[off];
      off += len;
    } else if (next == 44) {  // fragment
      if (off + 8 > d.size()) return anomaly(p, Anomaly::kIpv6BadExtHeader);
      uint16_t fo = be16(d.data() + off + 2);
      p->frag_offset = static_cast<uint16_t>(fo & 0xfff8);
      p->ip_mf = (fo & 1) != 0;
      frag_id = be32(d.data() + off + 4);
      p->ip_id = static_cast<uint16_t>(frag_id);
      next = d[off];
      off += 8;
      // An atomic fragment (offset 0, no more) is a whole datagram.
      fragment = p->ip_mf || p->frag_offset != 0;
      if (fragment) break;
    } else if (next == 51) {  // AH: length in 4-byte units minus 2
      if (off + 8 > d.size()) return anomaly(p, Anomaly::kIpv6BadExtHeader);
      size_t len = (size_t{d[off + 1]} + 2) * 4;
      if (off + len > d.size()) return anomaly(p, Anomaly::kIpv6BadExtHeader);
      next = d[off];
      off += len;
    } else {
      break;
    }
  }
  p->proto = next;
  p->ip_header = d.first(off);
  Bytes payload = d.subspan(off);
  if (fragment) return add_fragment(p, frag_id, next, d.first(40), payload);
  if (next == 59) return true;  // no next header
  return decode_l4(next, payload, p);
}

bool Decoder::decode_l4(uint8_t proto, Bytes d, Packet* p) {
  switch (proto) {
    case kProtoTcp: return decode_tcp(d, p);
    case kProtoUdp: return decode_udp(d, p);
    case kProtoIcmp: return decode_icmp(d, p);
    case kProtoIcmpv6: return decode_icmpv6(d, p);
    case kProtoGre: return decode_gre(d, p);
    case kProtoSctp: return decode_sctp(d, p);
    case 4:  // IPv4 in IP
      if (!tunnel_enter(p, Tunnel::kIpv4, d.data())) return false;
      return decode_ipv4(d, p);
    case 41:  // IPv6 in IP
      if (!tunnel_enter(p, Tunnel::kIpv6, d.data())) return false;
      return decode_ipv6(d, p);
    default:
      ++stats_.other_ip;
      p->payload = d;
      return true;
  }
}

bool Decoder::decode_tcp(Bytes d, Packet* p) {
  if (d.size() < 20) return anomaly(p, Anomaly::kTcpTruncated);
  size_t hl = static_cast<size_t>(d[12] >> 4) * 4;
  if (hl < 20 || hl > d.size()) return anomaly(p, Anomaly::kTcpBadHeaderLength);
  ++stats_.tcp;
  p->layers |= kLayerTcp;
  p->sp = be16(d.data());
  p->dp = be16(d.data() + 2);
  p->tcp_seq = be32(d.data() + 4);
  p->tcp_ack = be32(d.data() + 8);
  p->tcp_flags = d[13];
  p->tcp_window = be16(d.data() + 14);
  p->tcp_urgent = be16(d.data() + 18);
  p->l4_header = d.first(hl);
  p->tcp_options = d.subspan(20, hl - 20);
  p->payload = d.subspan(hl);
  bool ok = true;
  TcpOptions& o = p->tcp_opts;
  for (size_t i = 20; i < hl;) {
    uint8_t kind = d[i];
    if (kind == 0) break;
    if (kind == 1) {
      ++i;
      continue;
    }
    if (i + 1 >= hl || d[i + 1] < 2 || i + d[i + 1] > hl) {
      ok = anomaly(p, Anomaly::kTcpBadOptions);
      break;
    }
    uint8_t len = d[i + 1];
    const uint8_t* v = d.data() + i + 2;
    switch (kind) {
      case 2: if (len == 4) o.mss = be16(v); break;
      case 3: if (len == 3) { o.has_wscale = true; o.wscale = v[0]; } break;
      case 4: o.sack_permitted = true; break;
      case 5: o.has_sack = true; break;
      case 8:
        if (len == 10) {
          o.has_timestamp = true;
          o.ts_val = be32(v);
          o.ts_ecr = be32(v + 4);
        }
        break;
      default: break;
    }
    i += len;
  }
  if (validate_) {
    uint64_t s = pseudo_header_sum(p->src, p->dst, kProtoTcp, static_cast<uint32_t>(d.size()));
    checksum_result(p, csum_fold(csum_add(s, d)) == 0, Anomaly::kTcpBadChecksum, true);
  }
  return ok;
}

bool Decoder::decode_udp(Bytes d, Packet* p) {
  if (d.size() < 8) return anomaly(p, Anomaly::kUdpTruncated);
  uint16_t len = be16(d.data() + 4);
  if (len < 8 || len > d.size()) return anomaly(p, Anomaly::kUdpBadLength);
  d = d.first(len);
  ++stats_.udp;
  p->layers |= kLayerUdp;
  p->sp = be16(d.data());
  p->dp = be16(d.data() + 2);
  p->l4_header = d.first(8);
  p->payload = d.subspan(8);
  uint16_t field = be16(d.data() + 6);
  if (validate_ && !(p->ip_version == 4 && field == 0)) {  // 0 = no checksum over IPv4
    uint64_t s = pseudo_header_sum(p->src, p->dst, kProtoUdp, len);
    checksum_result(p, csum_fold(csum_add(s, d)) == 0, Anomaly::kUdpBadChecksum, true);
  }
  if (cfg_.vxlan_port != 0 && p->dp == cfg_.vxlan_port && p->payload.size() >= 8 && (p->payload[0] & 0x08)) {
    return decode_vxlan(p->payload, p);
  }
  return true;
}

namespace {

// The IP header and first transport bytes an ICMP error quotes (RFC 792 / RFC 4443): the tuple of the
// packet that caused it, when it is TCP, UDP or SCTP with both ports present. Never reads past `q`.
void parse_icmp_quoted(std::span<const uint8_t> q, int version, Packet* p) {
  Packet::IcmpQuoted out;
  size_t l4 = 0;
  if (version == 4) {
    if (q.size() < 20 || (q[0] >> 4) != 4) return;
    l4 = size_t{q[0] & 0x0Fu} * 4;
    if (l4 < 20 || (be16(q.data() + 6) & 0x1FFF) != 0) return;  // a later fragment has no ports
    out.proto = q[9];
    std::copy_n(q.data() + 12, 4, out.src.bytes);
    std::copy_n(q.data() + 16, 4, out.dst.bytes);
    out.src.family = out.dst.family = 4;
  } else {
    if (q.size() < 40 || (q[0] >> 4) != 6) return;
    l4 = 40;
    out.proto = q[6];  // extension headers are not followed: such a quote joins no flow
    std::copy_n(q.data() + 8, 16, out.src.bytes);
    std::copy_n(q.data() + 24, 16, out.dst.bytes);
    out.src.family = out.dst.family = 6;
  }
  if (out.proto != kProtoTcp && out.proto != kProtoUdp && out.proto != kProtoSctp) return;
  if (q.size() < l4 + 4) return;
  out.sp = be16(q.data() + l4);
  out.dp = be16(q.data() + l4 + 2);
  out.valid = true;
  p->icmp_quoted = out;
}

}  // namespace

bool Decoder::decode_icmp(Bytes d, Packet* p) {
  if (d.size() < 4) return anomaly(p, Anomaly::kIcmpTruncated);
  ++stats_.icmp;
  p->layers |= kLayerIcmp;
  p->icmp_type = d[0];
  p->icmp_code = d[1];
  size_t hl = 4;
  if ((p->icmp_type == 0 || p->icmp_type == 8 || p->icmp_type == 13 || p->icmp_type == 14) && d.size() >= 8) {
    p->icmp_id = be16(d.data() + 4);
    p->icmp_seq = be16(d.data() + 6);
  }
  if (d.size() >= 8) hl = 8;
  p->l4_header = d.first(hl);
  p->payload = d.subspan(hl);
  if (p->icmp_type == 3 || p->icmp_type == 4 || p->icmp_type == 5 || p->icmp_type == 11 || p->icmp_type == 12) {
    parse_icmp_quoted(p->payload, 4, p);
  }
  if (validate_ && p->layers & kLayerIpv4 && !(p->layers & kLayerFragment)) {
    checksum_result(p, csum_fold(csum_add(0, d)) == 0, Anomaly::kIcmpBadChecksum, true);
  }
  return true;
}

bool Decoder::decode_icmpv6(Bytes d, Packet* p) {
  if (d.size() < 4) return anomaly(p, Anomaly::kIcmpv6Truncated);
  ++stats_.icmpv6;
  p->layers |= kLayerIcmpv6;
  p->icmp_type = d[0];
  p->icmp_code = d[1];
  size_t hl = d.size() >= 8 ? 8 : 4;
  if ((p->icmp_type == 128 || p->icmp_type == 129) && d.size() >= 8) {
    p->icmp_id = be16(d.data() + 4);
    p->icmp_seq = be16(d.data() + 6);
  }
  p->l4_header = d.first(hl);
  p->payload = d.subspan(hl);
  if (p->icmp_type >= 1 && p->icmp_type <= 4) parse_icmp_quoted(p->payload, 6, p);
  if (validate_) {
    uint64_t s = pseudo_header_sum(p->src, p->dst, kProtoIcmpv6, static_cast<uint32_t>(d.size()));
    checksum_result(p, csum_fold(csum_add(s, d)) == 0, Anomaly::kIcmpv6BadChecksum, true);
  }
  return true;
}

bool Decoder::tunnel_enter(Packet* p, Tunnel kind, const uint8_t* inner) {
  if (p->tunnel_depth >= cfg_.max_tunnel_depth) return anomaly(p, Anomaly::kTunnelTooDeep);
  if (p->tunnel_depth == 0) p->tunnel_outer = Packet::Outer{p->src, p->dst, p->sp, p->dp, p->proto};
  ++p->tunnel_depth;
  p->tunnel = kind;
  if (inner >= p->raw.data() && inner <= p->raw.data() + p->raw.size()) {
    p->tunnel_offset = static_cast<uint32_t>(inner - p->raw.data());
  }
  // The inner packet replaces the transport view of the outer one.
  p->layers &= ~(kLayerTcp | kLayerUdp | kLayerIcmp | kLayerIcmpv6 | kLayerFragment);
  p->sp = p->dp = 0;
  p->payload = {};
  p->l4_header = {};
  p->l4_csum = ChecksumState::kNotChecked;
  p->ip_csum = ChecksumState::kNotChecked;
  return true;
}

bool Decoder::decode_gre(Bytes d, Packet* p) {
  if (d.size() < 4) return anomaly(p, Anomaly::kGreTruncated);
  uint16_t fv = be16(d.data());
  uint16_t type = be16(d.data() + 2);
  unsigned version = fv & 0x7;
  ++stats_.gre;
  p->layers |= kLayerGre;
  p->payload = d.subspan(4);
  if (version == 1) {
    // PPTP enhanced GRE: flags/version, protocol (PPP), payload length, call id, then the sequence number
    // (S bit) and the acknowledgement number (A bit, 0x0080).
    size_t hl = 8 + ((fv & 0x1000) ? 4 : 0) + ((fv & 0x0080) ? 4 : 0);
    if (d.size() < hl) return anomaly(p, Anomaly::kGreTruncated);
    Bytes inner = d.subspan(hl);
    p->payload = inner;
    if (type != kEthPpp || inner.empty()) return true;  // acknowledgement only, or not PPP
    if (!tunnel_enter(p, Tunnel::kGre, inner.data())) return false;
    return decode_ppp(inner, p);
  }
  if (version != 0) return anomaly(p, Anomaly::kGreBadVersion);
  size_t hl = 4;
  if (fv & 0x8000) hl += 4;  // checksum + reserved
  if (fv & 0x2000) hl += 4;  // key
  if (fv & 0x1000) hl += 4;  // sequence
  if (fv & 0x4000) return true;  // routing present (deprecated): stop
  if (d.size() < hl) return anomaly(p, Anomaly::kGreTruncated);
  Bytes inner = d.subspan(hl);
  switch (type) {
    case kEthIpv4:
      if (!tunnel_enter(p, Tunnel::kGre, inner.data())) return false;
      return decode_ipv4(inner, p);
    case kEthIpv6:
      if (!tunnel_enter(p, Tunnel::kGre, inner.data())) return false;
      return decode_ipv6(inner, p);
    case kEthPpp:
      if (!tunnel_enter(p, Tunnel::kGre, inner.data())) return false;
      return decode_ppp(inner, p);
    case kEthTeb:
      if (inner.size() < 14) return anomaly(p, Anomaly::kEthTruncated);
      if (!tunnel_enter(p, Tunnel::kGre, inner.data())) return false;
      return decode_ether_payload(be16(inner.data() + 12), inner.subspan(14), p);
    default:
      p->payload = inner;
      return true;
  }
}

bool Decoder::decode_vxlan(Bytes d, Packet* p) {
  if (d.size() < 8 + 14) return anomaly(p, Anomaly::kVxlanTruncated);
  ++stats_.vxlan;
  p->layers |= kLayerVxlan;
  Bytes eth = d.subspan(8);
  if (!tunnel_enter(p, Tunnel::kVxlan, eth.data())) return false;
  return decode_ether_payload(be16(eth.data() + 12), eth.subspan(14), p);
}

// SCTP common header: source port, destination port, verification tag, CRC32c checksum (not checked, as
// Suricata does not); the chunks that follow are the payload.
bool Decoder::decode_sctp(Bytes d, Packet* p) {
  if (d.size() < 12) return anomaly(p, Anomaly::kSctpTruncated);
  ++stats_.sctp;
  p->layers |= kLayerSctp;
  p->sp = be16(d.data());
  p->dp = be16(d.data() + 2);
  p->l4_header = d.first(12);
  p->payload = d.subspan(12);
  return true;
}

bool Decoder::decode_ppp(Bytes d, Packet* p) {
  if (d.size() >= 2 && d[0] == 0xff && d[1] == 0x03) d = d.subspan(2);  // HDLC address and control
  if (d.empty()) return anomaly(p, Anomaly::kPppTruncated);
  uint16_t proto = 0;
  if (d[0] & 0x01) {  // protocol field compression: one byte (odd)
    proto = d[0];
    d = d.subspan(1);
  } else {
    if (d.size() < 2) return anomaly(p, Anomaly::kPppTruncated);
    proto = be16(d.data());
    d = d.subspan(2);
  }
  ++stats_.ppp;
  p->layers |= kLayerPpp;
  switch (proto) {
    case kPppIpv4: return decode_ipv4(d, p);
    case kPppIpv6: return decode_ipv6(d, p);
    default:
      // Link and network control protocols (LCP, IPCP, CHAP...: 0x8000 and above) carry no IP packet.
      if (proto >= 0x8000) return true;
      return anomaly(p, Anomaly::kPppUnknownProto);
  }
}

// Cisco HDLC: address (0x0f unicast, 0x8f broadcast), control, then an EtherType.
bool Decoder::decode_chdlc(Bytes d, Packet* p) {
  if (d.size() < 4) return anomaly(p, Anomaly::kPppTruncated);
  ++stats_.chdlc;
  p->layers |= kLayerPpp;
  return decode_ether_payload(be16(d.data() + 2), d.subspan(4), p);
}

}  // namespace picket::decode
