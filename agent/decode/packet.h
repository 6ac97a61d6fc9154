#pragma once
// The decoded packet: a plain struct filled by decode::Decoder (agent/decode/decoder.h) and read by flow,
// stream, app and detect. It never owns bytes: every span points into the capture buffer (or into the
// decoder's reassembly buffer for a packet rebuilt from IP fragments), valid until the next decode call on
// the same Decoder. Nothing here allocates.
//
//   decode::Decoder dec(settings);
//   decode::Packet p;
//   if (dec.decode(frame, ts_us, pcap_cnt, linktype, &p)) { ... p.proto, p.sp, p.dp, p.payload ... }
//
// Fields of layers that were not present (or not reached because a layer was malformed) keep their
// zero values; `layers` says which were decoded. Read from one thread at a time (the worker that owns it).
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace picket::decode {

// An IPv4 or IPv6 address. IPv4 is kept in the first 4 bytes (network order), the rest zero.
struct IpAddr {
  uint8_t bytes[16] = {};
  uint8_t family = 0;  // 0 (none), 4 or 6

  bool is_v4() const { return family == 4; }
  bool is_v6() const { return family == 6; }
  uint32_t v4_host_order() const {
    return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) | bytes[3];
  }
  bool operator==(const IpAddr& o) const {
    return family == o.family && std::memcmp(bytes, o.bytes, 16) == 0;
  }
  // "10.0.0.1" or RFC 5952 IPv6 ("2001:db8::1").
  std::string to_string() const;
};

// Named anomalies, counted by the decoder (DecodeStats) and flagged on the packet. A malformed layer
// sets its anomaly and decoding stops at that layer. Names (anomaly_name) are stable: they appear in the
// stats summary and in EVE stats as `decoder.<name>`.
enum class Anomaly : uint8_t {
  kEthTruncated,
  kVlanTruncated,
  kVlanTooMany,          // more than 2 tags: the extra ones are skipped
  kSllTruncated,
  kArpTruncated,
  kIpv4Truncated,
  kIpv4BadVersion,
  kIpv4BadHeaderLength,  // IHL < 5 or beyond the captured bytes
  kIpv4BadTotalLength,   // total length < header or > captured bytes
  kIpv4BadOptions,       // malformed option TLV
  kIpv4BadChecksum,
  kIpv6Truncated,
  kIpv6BadVersion,
  kIpv6BadPayloadLength,
  kIpv6BadExtHeader,     // extension header truncated or malformed
  kIpv6TooManyExtHeaders,
  kFragOverlap,          // overlapping IP fragments with different bytes (first-wins policy)
  kFragTooLarge,         // reassembled datagram would exceed 65535 bytes
  kFragMemcap,           // fragment memory cap reached: fragment dropped
  kFragTimeout,          // incomplete datagram expired
  kFragTooMany,          // more fragments for one datagram than allowed
  kTcpTruncated,
  kTcpBadHeaderLength,
  kTcpBadOptions,
  kTcpBadChecksum,
  kUdpTruncated,
  kUdpBadLength,
  kUdpBadChecksum,
  kIcmpTruncated,
  kIcmpBadChecksum,
  kIcmpv6Truncated,
  kIcmpv6BadChecksum,
  kGreTruncated,
  kGreBadVersion,
  kVxlanTruncated,
  kTunnelTooDeep,        // tunnel depth limit reached: inner packet not decoded
  kUnknownLinkType,
  kUnknownEtherType,
  kPppTruncated,         // PPP (or Cisco HDLC) header cut short
  kPppUnknownProto,      // PPP protocol that carries no IP (LCP, IPCP...): not an error, not decoded
  kSctpTruncated,
  kCount
};
constexpr size_t kAnomalyCount = static_cast<size_t>(Anomaly::kCount);
std::string_view anomaly_name(Anomaly a);  // "ipv4.trunc_pkt"-style stable names

// Which layers were decoded (bit set).
enum Layer : uint32_t {
  kLayerEthernet = 1u << 0,
  kLayerVlan = 1u << 1,
  kLayerSll = 1u << 2,
  kLayerArp = 1u << 3,
  kLayerIpv4 = 1u << 4,
  kLayerIpv6 = 1u << 5,
  kLayerTcp = 1u << 6,
  kLayerUdp = 1u << 7,
  kLayerIcmp = 1u << 8,
  kLayerIcmpv6 = 1u << 9,
  kLayerGre = 1u << 10,
  kLayerVxlan = 1u << 11,
  kLayerFragment = 1u << 12,     // this packet is an IP fragment (not reassembled yet)
  kLayerReassembled = 1u << 13,  // this packet was rebuilt from IP fragments
  kLayerSctp = 1u << 14,
  kLayerPpp = 1u << 15,          // PPP, PPP-in-GRE or Cisco HDLC framing
};

// The kind of the innermost tunnel layer of a tunnelled packet (EVE pkt_src of its inner packet).
enum class Tunnel : uint8_t { kNone, kGre, kIpv4, kIpv6, kVxlan };

enum class ChecksumState : uint8_t { kNotChecked, kValid, kInvalid };

// TCP flag bits as on the wire.
enum TcpFlag : uint8_t {
  kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpPsh = 0x08,
  kTcpAck = 0x10, kTcpUrg = 0x20, kTcpEce = 0x40, kTcpCwr = 0x80,
};

struct TcpOptions {
  uint16_t mss = 0;           // 0 when absent
  uint8_t wscale = 0;
  bool has_wscale = false;
  bool sack_permitted = false;
  bool has_sack = false;
  bool has_timestamp = false;
  uint32_t ts_val = 0;
  uint32_t ts_ecr = 0;
};

struct Packet {
  // Capture.
  int64_t ts_us = 0;           // capture time, microseconds since the Unix epoch
  uint64_t pcap_cnt = 0;       // 1-based packet number within the capture
  int linktype = 0;            // DLT_* of the capture
  std::span<const uint8_t> raw;  // the whole captured frame
  uint32_t wire_len = 0;       // original length on the wire (>= raw.size() when snapped)

  uint32_t layers = 0;         // Layer bits
  uint64_t anomalies = 0;      // bit (1 << Anomaly) per anomaly seen in this packet
  bool has_anomaly(Anomaly a) const { return (anomalies >> static_cast<unsigned>(a)) & 1u; }

  // Link.
  uint16_t vlan[2] = {0, 0};   // outermost first
  uint8_t vlan_count = 0;
  uint8_t tunnel_depth = 0;    // 0: not tunnelled; n: inner packet of n GRE/VXLAN/IP-in-IP layers
  Tunnel tunnel = Tunnel::kNone;  // kind of the innermost tunnel layer
  // Tunnelled: the outermost packet's addresses, ports and IP protocol (EVE alert "tunnel").
  struct Outer {
    IpAddr src, dst;
    uint16_t sp = 0, dp = 0;
    uint8_t proto = 0;
  } tunnel_outer;
  uint32_t tunnel_offset = 0;  // tunnelled: offset in `raw` of the innermost tunnel's payload (where
                               // Suricata's pseudo packet for the inner packet, and its EVE "packet", start)
  // A datagram rebuilt from IP fragments (kLayerReassembled): `raw` is the datagram and this is what
  // preceded the IP header in the frame of the fragment that completed it (the link header; for a
  // tunnelled fragment what follows the tunnel header, e.g. the PPP header), so that link_prefix + raw is
  // the rebuilt packet as Suricata logs it; `linktype` stays the capture's.
  std::span<const uint8_t> link_prefix;

  // Network (the innermost IP layer when tunnelled).
  uint8_t ip_version = 0;      // 0 (none), 4 or 6
  IpAddr src, dst;
  uint8_t ttl = 0;             // TTL or hop limit
  uint8_t tos = 0;             // IPv4 TOS / IPv6 traffic class
  uint16_t ip_id = 0;          // IPv4 id; IPv6: low 16 bits of the fragment id when fragmented
  uint32_t ipv6_flow_label = 0;
  bool ip_df = false;          // IPv4 don't fragment
  bool ip_mf = false;          // more fragments (of the original fragment, before reassembly)
  uint16_t frag_offset = 0;    // in bytes
  uint8_t proto = 0;           // IP protocol number of the transport (after IPv6 extension headers)
  std::span<const uint8_t> ip_header;   // the IP header incl. options / IPv6 extension headers
  std::span<const uint8_t> ip_options;  // IPv4 options bytes (may be empty)
  uint16_t ip_total_len = 0;   // IPv4 total length / 40 + IPv6 payload length

  // Transport.
  uint16_t sp = 0, dp = 0;     // ports (0 for non TCP/UDP/SCTP)
  uint32_t tcp_seq = 0, tcp_ack = 0;
  uint8_t tcp_flags = 0;       // TcpFlag bits
  uint16_t tcp_window = 0;
  uint16_t tcp_urgent = 0;
  TcpOptions tcp_opts;
  std::span<const uint8_t> tcp_options;  // raw option bytes
  uint8_t icmp_type = 0, icmp_code = 0;
  uint16_t icmp_id = 0, icmp_seq = 0;    // echo request/reply only
  // ICMP error (v4: unreachable, source quench, redirect, time exceeded, parameter problem; v6: types 1-4)
  // quoting the start of a TCP/UDP/SCTP packet: that packet's tuple, so the error joins its flow as it
  // does in Suricata (counted in the flow's packets and bytes).
  struct IcmpQuoted {
    bool valid = false;
    IpAddr src, dst;
    uint16_t sp = 0, dp = 0;
    uint8_t proto = 0;
  } icmp_quoted;
  std::span<const uint8_t> l4_header;    // TCP/UDP/ICMP header
  std::span<const uint8_t> payload;      // L4 payload (what `content` matches in packet mode)

  ChecksumState ip_csum = ChecksumState::kNotChecked;
  ChecksumState l4_csum = ChecksumState::kNotChecked;

  bool is_tcp() const { return (layers & kLayerTcp) != 0; }
  bool is_udp() const { return (layers & kLayerUdp) != 0; }
  bool is_icmp() const { return (layers & (kLayerIcmp | kLayerIcmpv6)) != 0; }
  bool has_ip() const { return ip_version != 0; }
};

// IANA protocol numbers used across the agent.
inline constexpr uint8_t kProtoIcmp = 1;
inline constexpr uint8_t kProtoTcp = 6;
inline constexpr uint8_t kProtoUdp = 17;
inline constexpr uint8_t kProtoGre = 47;
inline constexpr uint8_t kProtoIcmpv6 = 58;
inline constexpr uint8_t kProtoSctp = 132;

// EVE's spelling: "TCP", "UDP", "ICMP", "IPv6-ICMP", "GRE", "SCTP", else the number.
std::string proto_name(uint8_t proto);

}  // namespace picket::decode
