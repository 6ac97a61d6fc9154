#include "agent/decode/packet.h"

#include <arpa/inet.h>

#include <array>

namespace picket::decode {

std::string IpAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family == 4) {
    inet_ntop(AF_INET, bytes, buf, sizeof(buf));
  } else if (family == 6) {
    inet_ntop(AF_INET6, bytes, buf, sizeof(buf));
  }
  return buf;
}

namespace {
constexpr std::array<std::string_view, kAnomalyCount> kNames = {
    "ethernet.pkt_too_small",
    "vlan.pkt_too_small",
    "vlan.too_many_layers",
    "sll.pkt_too_small",
    "arp.pkt_too_small",
    "ipv4.pkt_too_small",
    "ipv4.wrong_ip_version",
    "ipv4.hlen_invalid",
    "ipv4.iplen_invalid",
    "ipv4.opt_malformed",
    "ipv4.invalid_checksum",
    "ipv6.pkt_too_small",
    "ipv6.wrong_ip_version",
    "ipv6.plen_invalid",
    "ipv6.exthdr_malformed",
    "ipv6.exthdr_too_many",
    "defrag.overlap",
    "defrag.too_large",
    "defrag.memcap",
    "defrag.timeout",
    "defrag.max_frags",
    "tcp.pkt_too_small",
    "tcp.hlen_invalid",
    "tcp.opt_invalid_len",
    "tcp.invalid_checksum",
    "udp.pkt_too_small",
    "udp.hlen_invalid",
    "udp.invalid_checksum",
    "icmpv4.pkt_too_small",
    "icmpv4.invalid_checksum",
    "icmpv6.pkt_too_small",
    "icmpv6.invalid_checksum",
    "gre.pkt_too_small",
    "gre.wrong_version",
    "vxlan.pkt_too_small",
    "tunnel.too_deep",
    "link.unknown_linktype",
    "ethernet.unknown_ethertype",
    "ppp.pkt_too_small",
    "ppp.unsup_proto",
    "sctp.pkt_too_small",
};
}  // namespace

std::string_view anomaly_name(Anomaly a) {
  auto i = static_cast<size_t>(a);
  return i < kNames.size() ? kNames[i] : std::string_view("unknown");
}

std::string proto_name(uint8_t proto) {
  switch (proto) {
    case kProtoTcp: return "TCP";
    case kProtoUdp: return "UDP";
    case kProtoIcmp: return "ICMP";
    case kProtoIcmpv6: return "IPv6-ICMP";
    case kProtoGre: return "GRE";
    case kProtoSctp: return "SCTP";
    default: return std::to_string(proto);
  }
}

}  // namespace picket::decode
