// tests the link layers and transports added for Suricata conformance: PPP (DLT_PPP, protocol field
// compression), Cisco HDLC, PPP inside GRE (plain and PPTP enhanced GRE), SCTP ports, and the link prefix a
// datagram rebuilt from fragments keeps (so that EVE "packet" shows it from the link header on).
#include <gtest/gtest.h>

#include "agent/decode/decoder.h"
#include "tests/agent/decode/pcap_builder.h"

namespace picket::decode {
namespace {

using testpkt::Bytes;
namespace tp = testpkt;

constexpr int kEth = 1;
constexpr int kPpp = 9;
constexpr int kCHdlc = 104;

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes inner_http() {
  return tp::ipv4("192.168.1.1", "192.168.1.2", 6,
                  tp::tcp("192.168.1.1", "192.168.1.2", 3333, 80, 1, 1, 0x18, tp::str("GET /")));
}

bool run(Decoder& dec, const Bytes& frame, int linktype, Packet* p) {
  return dec.decode(frame, static_cast<uint32_t>(frame.size()), 1000, 1, linktype, p);
}

TEST(DecodeLink, PppWithAndWithoutFieldCompression) {
  Decoder dec;
  Packet p;
  // Address/control bytes and a two-byte protocol (0x0021 IPv4).
  Bytes full = cat({0xff, 0x03, 0x00, 0x21}, inner_http());
  ASSERT_TRUE(run(dec, full, kPpp, &p));
  EXPECT_TRUE(p.layers & kLayerPpp);
  EXPECT_EQ(p.dp, 80);
  EXPECT_EQ(std::string(p.payload.begin(), p.payload.end()), "GET /");
  // Protocol field compression: one odd byte (0x57 IPv6), no address/control.
  Bytes v6 = tp::ipv6("2001:db8::1", "2001:db8::2", 17, tp::udp("2001:db8::1", "2001:db8::2", 1000, 53, tp::str("q")));
  ASSERT_TRUE(run(dec, cat({0x57}, v6), kPpp, &p));
  EXPECT_EQ(p.ip_version, 6);
  EXPECT_EQ(p.dp, 53);
  // LCP (0xc021) carries no IP: decoded without an anomaly, no IP layer.
  ASSERT_TRUE(run(dec, {0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4}, kPpp, &p));
  EXPECT_FALSE(p.has_ip());
  EXPECT_EQ(p.anomalies, 0u);
  // A network protocol we do not decode is named.
  EXPECT_FALSE(run(dec, {0x00, 0x2b, 1, 2}, kPpp, &p));
  EXPECT_TRUE(p.has_anomaly(Anomaly::kPppUnknownProto));
  EXPECT_EQ(dec.stats().ppp, 4u);
}

TEST(DecodeLink, CiscoHdlc) {
  Decoder dec;
  Packet p;
  ASSERT_TRUE(run(dec, cat({0x0f, 0x00, 0x08, 0x00}, inner_http()), kCHdlc, &p));
  EXPECT_EQ(p.src.to_string(), "192.168.1.1");
  EXPECT_EQ(p.dp, 80);
  EXPECT_EQ(dec.stats().chdlc, 1u);
  EXPECT_FALSE(run(dec, {0x0f, 0x00, 0x08}, kCHdlc, &p));
  EXPECT_TRUE(p.has_anomaly(Anomaly::kPppTruncated));
}

TEST(DecodeLink, PppInsideGre) {
  Decoder dec;
  Packet p;
  // GRE version 0, protocol 0x880b (PPP), then a compressed PPP protocol 0x21 and IPv4.
  Bytes gre = cat({0x00, 0x00, 0x88, 0x0b, 0x21}, inner_http());
  ASSERT_TRUE(run(dec, tp::eth(tp::ipv4("10.0.0.1", "10.0.0.2", 47, gre), false), kEth, &p));
  EXPECT_EQ(p.tunnel_depth, 1);
  EXPECT_EQ(p.tunnel, Tunnel::kGre);
  EXPECT_EQ(p.tunnel_offset, 14u + 20u + 4u);  // Ethernet, outer IPv4, GRE: the PPP header starts there
  EXPECT_EQ(p.src.to_string(), "192.168.1.1");
  EXPECT_EQ(p.dp, 80);
  // PPTP enhanced GRE (version 1) with a sequence number (S) and an acknowledgement (A).
  Bytes pptp = {0x30, 0x81, 0x88, 0x0b, 0x00, 0x00, 0x00, 0x07, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0x03, 0x00, 0x21};
  Bytes frame = tp::eth(tp::ipv4("10.0.0.1", "10.0.0.2", 47, cat(pptp, inner_http())), false);  // p points into it
  ASSERT_TRUE(run(dec, frame, kEth, &p));
  EXPECT_EQ(p.dp, 80);
  EXPECT_EQ(std::string(p.payload.begin(), p.payload.end()), "GET /");
  // Acknowledgement-only PPTP GRE packet: nothing inside, no anomaly.
  Bytes ack = {0x20, 0x81, 0x88, 0x0b, 0x00, 0x00, 0x00, 0x07, 0, 0, 0, 2};
  ASSERT_TRUE(run(dec, tp::eth(tp::ipv4("10.0.0.1", "10.0.0.2", 47, ack), false), kEth, &p));
  EXPECT_EQ(p.tunnel_depth, 0);
  // Truncated enhanced header.
  EXPECT_FALSE(run(dec, tp::eth(tp::ipv4("10.0.0.1", "10.0.0.2", 47, {0x30, 0x81, 0x88, 0x0b, 0, 0, 0, 7}), false),
                   kEth, &p));
  EXPECT_TRUE(p.has_anomaly(Anomaly::kGreTruncated));
}

TEST(DecodeLink, SctpPorts) {
  Decoder dec;
  Packet p;
  Bytes sctp = {0x00, 0x07, 0x00, 0x09, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0, 1, 0, 0, 4};  // header + INIT stub
  ASSERT_TRUE(run(dec, tp::eth(tp::ipv4("10.0.0.1", "10.0.0.2", 132, sctp), false), kEth, &p));
  EXPECT_TRUE(p.layers & kLayerSctp);
  EXPECT_EQ(p.proto, kProtoSctp);
  EXPECT_EQ(p.sp, 7);
  EXPECT_EQ(p.dp, 9);
  EXPECT_EQ(p.payload.size(), 4u);
  EXPECT_EQ(proto_name(p.proto), "SCTP");
  EXPECT_FALSE(run(dec, tp::eth(tp::ipv4("10.0.0.1", "10.0.0.2", 132, {0, 7, 0, 9}), false), kEth, &p));
  EXPECT_TRUE(p.has_anomaly(Anomaly::kSctpTruncated));
}

TEST(DecodeLink, ReassembledDatagramKeepsLinkPrefix) {
  std::string msg(200, 'A');
  Bytes l4 = tp::udp("10.1.1.1", "10.1.1.2", 4444, 53, tp::str(msg));
  auto frags = tp::ipv4_fragments("10.1.1.1", "10.1.1.2", 17, l4, 64, 7);
  ASSERT_GE(frags.size(), 3u);
  Decoder dec;
  Packet p, whole;
  std::vector<Bytes> frames;  // the spans point into the last one
  bool done = false;
  for (const Bytes& f : frags) {
    frames.push_back(tp::eth(f, false, {42}));
    run(dec, frames.back(), kEth, &p);
    if (dec.has_reassembled()) {
      ASSERT_TRUE(dec.decode_reassembled(&whole));
      done = true;
    }
  }
  ASSERT_TRUE(done);
  EXPECT_EQ(whole.linktype, kEth);
  ASSERT_EQ(whole.link_prefix.size(), 18u);  // Ethernet + one 802.1Q tag
  EXPECT_TRUE(std::equal(whole.link_prefix.begin(), whole.link_prefix.end(), frames.back().begin()));
  EXPECT_EQ(whole.raw.size(), 20u + l4.size());
  EXPECT_EQ(whole.payload.size(), msg.size());
  EXPECT_EQ(whole.vlan[0], 42);
}

}  // namespace
}  // namespace picket::decode
