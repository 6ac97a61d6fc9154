// tests agent/decode/decoder.cc and defrag.cc with packets built byte by byte (pcap_builder.h).
#include "agent/decode/decoder.h"

#include <gtest/gtest.h>

#include "tests/agent/decode/pcap_builder.h"

namespace picket::decode {
namespace {

using testpkt::Bytes;
namespace tp = testpkt;

constexpr int kEth = 1;

struct Decoded {
  Decoder dec;
  Packet p;
  bool ok = false;
  explicit Decoded(DecoderConfig c = {}) : dec(c) {}
  Bytes frame;  // the packet's spans point into it
  bool run(const Bytes& f, int lt = kEth) {
    frame = f;
    ok = dec.decode(frame, static_cast<uint32_t>(frame.size()), 1000, 1, lt, &p);
    return ok;
  }
};

TEST(Decoder, EthernetIpv4TcpWithOptions) {
  Bytes opts = {2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2};
  Bytes seg = tp::tcp("10.0.0.1", "10.0.0.2", 40000, 80, 111, 222, 0x18, tp::str("hello"), opts);
  tp::Ip4Opts io;
  io.id = 77;
  io.ttl = 33;
  io.df = true;
  io.options = {0x94, 0x04, 0, 0};  // router alert
  Decoded d;
  ASSERT_TRUE(d.run(tp::eth(tp::ipv4("10.0.0.1", "10.0.0.2", 6, seg, io), false)));
  const Packet& p = d.p;
  EXPECT_EQ(p.ip_version, 4);
  EXPECT_EQ(p.src.to_string(), "10.0.0.1");
  EXPECT_EQ(p.dst.to_string(), "10.0.0.2");
  EXPECT_EQ(p.ttl, 33);
  EXPECT_EQ(p.ip_id, 77);
  EXPECT_TRUE(p.ip_df);
  EXPECT_EQ(p.ip_options.size(), 4u);
  EXPECT_EQ(p.proto, kProtoTcp);
  EXPECT_EQ(p.sp, 40000);
  EXPECT_EQ(p.dp, 80);
  EXPECT_EQ(p.tcp_seq, 111u);
  EXPECT_EQ(p.tcp_ack, 222u);
  EXPECT_EQ(p.tcp_flags, 0x18);
  EXPECT_EQ(p.tcp_opts.mss, 1460);
  EXPECT_TRUE(p.tcp_opts.has_wscale);
  EXPECT_EQ(p.tcp_opts.wscale, 7);
  EXPECT_TRUE(p.tcp_opts.sack_permitted);
  EXPECT_TRUE(p.tcp_opts.has_timestamp);
  EXPECT_EQ(p.tcp_opts.ts_val, 1u);
  EXPECT_EQ(p.tcp_opts.ts_ecr, 2u);
  EXPECT_EQ(std::string(p.payload.begin(), p.payload.end()), "hello");
  EXPECT_EQ(p.ip_csum, ChecksumState::kValid);
  EXPECT_EQ(p.l4_csum, ChecksumState::kValid);
  EXPECT_EQ(p.anomalies, 0u);
  EXPECT_EQ(d.dec.stats().tcp, 1u);
}

TEST(Decoder, VlanAndQinQ) {
  Bytes l3 = tp::ipv4("1.1.1.1", "2.2.2.2", 17, tp::udp("1.1.1.1", "2.2.2.2", 5000, 53, tp::str("x")));
  Decoded d;
  ASSERT_TRUE(d.run(tp::eth(l3, false, {100})));
  EXPECT_EQ(d.p.vlan_count, 1);
  EXPECT_EQ(d.p.vlan[0], 100);
  ASSERT_TRUE(d.run(tp::eth(l3, false, {10, 20})));
  EXPECT_EQ(d.p.vlan_count, 2);
  EXPECT_EQ(d.p.vlan[0], 10);
  EXPECT_EQ(d.p.vlan[1], 20);
  EXPECT_EQ(d.p.dp, 53);
  EXPECT_TRUE(d.p.is_udp());
}

TEST(Decoder, LinuxCookedRawAndNull) {
  Bytes l3 = tp::ipv4("1.1.1.1", "2.2.2.2", 17, tp::udp("1.1.1.1", "2.2.2.2", 1, 2, tp::str("abc")));
  Bytes sll(16, 0);
  sll[14] = 0x08;
  sll.insert(sll.end(), l3.begin(), l3.end());
  Decoded d;
  ASSERT_TRUE(d.run(sll, 113));
  EXPECT_EQ(d.p.sp, 1);
  Bytes sll2(20, 0);
  sll2[0] = 0x08;
  sll2.insert(sll2.end(), l3.begin(), l3.end());
  ASSERT_TRUE(d.run(sll2, 276));
  EXPECT_EQ(d.p.dp, 2);
  ASSERT_TRUE(d.run(l3, 101));
  EXPECT_EQ(d.p.payload.size(), 3u);
  Bytes null = {2, 0, 0, 0};
  null.insert(null.end(), l3.begin(), l3.end());
  ASSERT_TRUE(d.run(null, 0));
  EXPECT_TRUE(d.p.is_udp());
  EXPECT_FALSE(d.run(l3, 9999));
  EXPECT_TRUE(d.p.has_anomaly(Anomaly::kUnknownLinkType));
}

TEST(Decoder, Arp) {
  Bytes e = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x06};
  Bytes arp(28, 0);
  e.insert(e.end(), arp.begin(), arp.end());
  Decoded d;
  ASSERT_TRUE(d.run(e));
  EXPECT_TRUE(d.p.layers & kLayerArp);
  EXPECT_EQ(d.p.ip_version, 0);
}

TEST(Decoder, Ipv6ExtensionHeadersAndIcmpv6) {
  tp::Addr s("2001:db8::1"), t("2001:db8::2");
  Bytes seg = tp::tcp(s, t, 1234, 443, 1, 0, 0x02, {});
  Bytes ext = {60, 0, 1, 4, 0, 0, 0, 0};  // hop-by-hop -> dest opts (PadN)
  Bytes dst = {6, 0, 1, 4, 0, 0, 0, 0};   // dest opts -> TCP
  Bytes pl = ext;
  pl.insert(pl.end(), dst.begin(), dst.end());
  pl.insert(pl.end(), seg.begin(), seg.end());
  Decoded d;
  ASSERT_TRUE(d.run(tp::eth(tp::ipv6(s, t, 0, pl), true)));
  EXPECT_EQ(d.p.ip_version, 6);
  EXPECT_EQ(d.p.proto, kProtoTcp);
  EXPECT_EQ(d.p.dp, 443);
  EXPECT_EQ(d.p.ip_header.size(), 56u);
  EXPECT_EQ(d.p.src.to_string(), "2001:db8::1");
  EXPECT_EQ(d.p.l4_csum, ChecksumState::kValid);

  ASSERT_TRUE(d.run(tp::eth(tp::ipv6(s, t, 58, tp::icmpv6_echo(s, t, 128, 9, 3, tp::str("ping"))), true)));
  EXPECT_TRUE(d.p.is_icmp());
  EXPECT_EQ(d.p.icmp_type, 128);
  EXPECT_EQ(d.p.icmp_id, 9);
  EXPECT_EQ(d.p.icmp_seq, 3);
  EXPECT_EQ(d.p.l4_csum, ChecksumState::kValid);
}

TEST(Decoder, Icmpv4Echo) {
  Decoded d;
  ASSERT_TRUE(d.run(tp::eth(tp::ipv4("1.1.1.1", "2.2.2.2", 1, tp::icmp_echo(8, 5, 6, tp::str("abcd"))), false)));
  EXPECT_EQ(d.p.icmp_type, 8);
  EXPECT_EQ(d.p.icmp_id, 5);
  EXPECT_EQ(d.p.icmp_seq, 6);
  EXPECT_EQ(d.p.l4_csum, ChecksumState::kValid);
  EXPECT_EQ(std::string(d.p.payload.begin(), d.p.payload.end()), "abcd");
}

Bytes inner_http() {
  return tp::ipv4("192.168.1.1", "192.168.1.2", 6,
                  tp::tcp("192.168.1.1", "192.168.1.2", 3333, 80, 1, 1, 0x18, tp::str("GET /")));
}

TEST(Decoder, GreAndVxlanTunnels) {
  Bytes gre = {0, 0, 0x08, 0x00};
  Bytes in = inner_http();
  gre.insert(gre.end(), in.begin(), in.end());
  Decoded d;
  ASSERT_TRUE(d.run(tp::eth(tp::ipv4("10.0.0.1", "10.0.0.2", 47, gre), false)));
  EXPECT_EQ(d.p.tunnel_depth, 1);
  EXPECT_EQ(d.p.src.to_string(), "192.168.1.1");
  EXPECT_EQ(d.p.dp, 80);
  EXPECT_TRUE(d.p.layers & kLayerGre);

  Bytes vx = {0x08, 0, 0, 0, 0, 0, 42, 0};
  Bytes inner_eth = tp::eth(in, false);
  vx.insert(vx.end(), inner_eth.begin(), inner_eth.end());
  ASSERT_TRUE(d.run(tp::eth(tp::ipv4("10.0.0.1", "10.0.0.2", 17, tp::udp("10.0.0.1", "10.0.0.2", 5555, 4789, vx)), false)));
  EXPECT_EQ(d.p.tunnel_depth, 1);
  EXPECT_TRUE(d.p.layers & kLayerVxlan);
  EXPECT_EQ(d.p.sp, 3333);
  EXPECT_EQ(std::string(d.p.payload.begin(), d.p.payload.end()), "GET /");
  // The outer packet's tuple is kept for EVE's "tunnel" object.
  EXPECT_EQ(d.p.tunnel_outer.src.to_string(), "10.0.0.1");
  EXPECT_EQ(d.p.tunnel_outer.dst.to_string(), "10.0.0.2");
  EXPECT_EQ(d.p.tunnel_outer.sp, 5555);
  EXPECT_EQ(d.p.tunnel_outer.dp, 4789);
  EXPECT_EQ(d.p.tunnel_outer.proto, 17);

  // ARP inside VXLAN (Suricata 9 decodes it): counted as ARP, no anomaly.
  Bytes arp = {0, 1, 0x08, 0, 6, 4, 0, 1, 0, 1, 2, 3, 4, 5, 192, 168, 203, 5, 0, 0, 0, 0, 0, 0, 192, 168, 203, 3};
  Bytes arp_eth = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 1, 2, 3, 4, 5, 0x08, 0x06};
  arp_eth.insert(arp_eth.end(), arp.begin(), arp.end());
  Bytes vx2 = {0x08, 0, 0, 0, 0, 0, 42, 0};
  vx2.insert(vx2.end(), arp_eth.begin(), arp_eth.end());
  d.run(tp::eth(tp::ipv4("10.0.0.1", "10.0.0.2", 17, tp::udp("10.0.0.1", "10.0.0.2", 5555, 4789, vx2)), false));
  EXPECT_EQ(d.p.tunnel_depth, 1);
  EXPECT_TRUE(d.p.layers & kLayerArp);
  EXPECT_EQ(d.p.anomalies, 0u);
}

TEST(Decoder, TunnelDepthLimit) {
  // GRE in GRE in GRE ... deeper than the limit of 2.
  Bytes pkt = inner_http();
  for (int i = 0; i < 3; ++i) {
    Bytes gre = {0, 0, 0x08, 0x00};
    gre.insert(gre.end(), pkt.begin(), pkt.end());
    pkt = tp::ipv4("10.0.0.1", "10.0.0.2", 47, gre);
  }
  DecoderConfig c;
  c.max_tunnel_depth = 2;
  Decoded d(c);
  EXPECT_FALSE(d.run(tp::eth(pkt, false)));
  EXPECT_TRUE(d.p.has_anomaly(Anomaly::kTunnelTooDeep));
  EXPECT_EQ(d.dec.stats().anomalies[static_cast<size_t>(Anomaly::kTunnelTooDeep)], 1u);
}

TEST(Decoder, EveryTruncationIsSafeAndNamed) {
  tp::Addr s("2001:db8::1"), t("2001:db8::2");
  std::vector<Bytes> frames = {
      tp::eth(inner_http(), false, {5, 6}),
      tp::eth(tp::ipv6(s, t, 6, tp::tcp(s, t, 1, 2, 3, 4, 0x10, tp::str("data"))), true),
      tp::eth(tp::ipv4("1.1.1.1", "2.2.2.2", 17, tp::udp("1.1.1.1", "2.2.2.2", 1, 2, tp::str("udp"))), false),
  };
  for (const Bytes& f : frames) {
    for (size_t n = 0; n < f.size(); ++n) {
      Bytes cut(f.begin(), f.begin() + n);
      Decoded d;
      d.dec.decode(cut, static_cast<uint32_t>(cut.size()), 1, 1, kEth, &d.p);
      EXPECT_NE(d.p.anomalies, 0u) << "prefix " << n << " of " << f.size();
    }
  }
}

TEST(Decoder, MalformedHeadersAreNamed) {
  Bytes l3 = inner_http();
  Decoded d;
  Bytes bad_ihl = l3;
  bad_ihl[0] = 0x44;
  EXPECT_FALSE(d.run(tp::eth(bad_ihl, false)));
  EXPECT_TRUE(d.p.has_anomaly(Anomaly::kIpv4BadHeaderLength));
  Bytes bad_len = l3;
  bad_len[2] = 0xff;
  EXPECT_FALSE(d.run(tp::eth(bad_len, false)));
  EXPECT_TRUE(d.p.has_anomaly(Anomaly::kIpv4BadTotalLength));
  Bytes bad_off = l3;
  bad_off[20 + 12] = 0x20;  // TCP data offset 2 words
  EXPECT_FALSE(d.run(tp::eth(bad_off, false)));
  EXPECT_TRUE(d.p.has_anomaly(Anomaly::kTcpBadHeaderLength));
  tp::Ip4Opts o;
  o.options = {0x44, 0x30, 0, 0};  // timestamp option longer than the header
  EXPECT_FALSE(d.run(tp::eth(tp::ipv4("1.1.1.1", "2.2.2.2", 6, Bytes(20, 0), o), false)));
  EXPECT_TRUE(d.p.has_anomaly(Anomaly::kIpv4BadOptions));
  EXPECT_EQ(anomaly_name(Anomaly::kIpv4BadOptions), "ipv4.opt_malformed");
}

TEST(Decoder, ChecksumModes) {
  Bytes l3 = inner_http();
  l3[20 + 16] ^= 0xff;  // break the TCP checksum
  DecoderConfig all;
  all.checksum = ChecksumMode::kAll;
  Decoded d(all);
  d.run(tp::eth(l3, false));
  EXPECT_EQ(d.p.l4_csum, ChecksumState::kInvalid);
  EXPECT_TRUE(d.p.has_anomaly(Anomaly::kTcpBadChecksum));
  DecoderConfig none;
  none.checksum = ChecksumMode::kNone;
  Decoded n(none);
  EXPECT_TRUE(n.run(tp::eth(l3, false)));
  EXPECT_EQ(n.p.l4_csum, ChecksumState::kNotChecked);
  // auto: after 1000 mostly-bad checksums validation stops.
  Decoded a;
  for (int i = 0; i < 1000; ++i) a.run(tp::eth(l3, false));
  EXPECT_TRUE(a.dec.stats().checksum_auto_disabled);
  a.run(tp::eth(l3, false));
  EXPECT_EQ(a.p.l4_csum, ChecksumState::kNotChecked);
}

std::string payload_of(const Packet& p) { return std::string(p.payload.begin(), p.payload.end()); }

TEST(Defrag, Ipv4OutOfOrderFragments) {
  std::string msg = "GET /fragmented/evasion/path HTTP/1.1\r\nHost: frag.example\r\n\r\n";
  Bytes l4 = tp::tcp("10.1.1.1", "10.1.1.2", 4444, 80, 10, 20, 0x18, tp::str(msg));
  auto frags = tp::ipv4_fragments("10.1.1.1", "10.1.1.2", 6, l4, 16, 999);
  ASSERT_GT(frags.size(), 3u);
  std::swap(frags[0], frags[2]);
  std::swap(frags[1], frags.back());
  Decoded d;
  Packet whole;
  int completed = 0;
  for (const Bytes& f : frags) {
    d.run(tp::eth(f, false));
    EXPECT_TRUE(d.p.layers & kLayerFragment);
    if (d.dec.has_reassembled()) {
      ASSERT_TRUE(d.dec.decode_reassembled(&whole));
      ++completed;
    }
  }
  ASSERT_EQ(completed, 1);
  EXPECT_TRUE(whole.layers & kLayerReassembled);
  EXPECT_EQ(whole.dp, 80);
  EXPECT_EQ(payload_of(whole), msg);
  EXPECT_EQ(whole.l4_csum, ChecksumState::kValid);
  EXPECT_EQ(d.dec.stats().reassembled, 1u);
}

TEST(Defrag, Ipv4OverlapFirstWins) {
  std::string real = "AAAAAAAABBBBBBBBCCCCCCCC";
  Bytes l4 = tp::udp("10.1.1.1", "10.1.1.2", 1000, 2000, tp::str(real));  // 8 + 24 bytes
  auto frags = tp::ipv4_fragments("10.1.1.1", "10.1.1.2", 17, l4, 16, 7);
  ASSERT_EQ(frags.size(), 2u);
  // An overlapping fragment at offset 8 with different bytes, sent after the first: must not win.
  tp::Ip4Opts o;
  o.id = 7;
  o.mf = true;
  o.frag_offset = 8;
  Bytes evil = tp::ipv4("10.1.1.1", "10.1.1.2", 17, tp::str("XXXXXXXX"), o);
  Decoded d;
  Packet whole;
  d.run(tp::eth(frags[0], false));
  d.run(tp::eth(evil, false));
  EXPECT_TRUE(d.p.has_anomaly(Anomaly::kFragOverlap));
  d.run(tp::eth(frags[1], false));
  ASSERT_TRUE(d.dec.has_reassembled());
  ASSERT_TRUE(d.dec.decode_reassembled(&whole));
  EXPECT_EQ(payload_of(whole), real);
}

TEST(Defrag, Ipv6Fragments) {
  tp::Addr s("2001:db8::a"), t("2001:db8::b");
  std::string msg(300, 'z');
  msg.replace(100, 6, "SECRET");
  Bytes l4 = tp::tcp(s, t, 5555, 80, 1, 1, 0x18, tp::str(msg));
  auto frags = tp::ipv6_fragments(s, t, 6, l4, 64, 0xabcdef);
  std::reverse(frags.begin(), frags.end());
  Decoded d;
  Packet whole;
  for (const Bytes& f : frags) {
    d.run(tp::eth(f, true));
    if (d.dec.has_reassembled()) {
      ASSERT_TRUE(d.dec.decode_reassembled(&whole));
    }
  }
  EXPECT_EQ(whole.ip_version, 6);
  EXPECT_EQ(whole.dp, 80);
  EXPECT_EQ(payload_of(whole), msg);
}

TEST(Defrag, Limits) {
  DecoderConfig c;
  c.defrag_max_frags = 3;
  Decoded d(c);
  Bytes l4 = tp::udp("1.1.1.1", "2.2.2.2", 1, 2, Bytes(200, 'q'));
  auto frags = tp::ipv4_fragments("1.1.1.1", "2.2.2.2", 17, l4, 16, 1);
  for (size_t i = 0; i + 1 < frags.size(); ++i) d.run(tp::eth(frags[i], false));
  EXPECT_GT(d.dec.stats().anomalies[static_cast<size_t>(Anomaly::kFragTooMany)], 0u);

  DecoderConfig m;
  m.defrag_memcap = 100;
  Decoded e(m);
  e.run(tp::eth(frags[1], false));  // a fragment at offset 16 needs 32 bytes
  e.run(tp::eth(tp::ipv4_fragments("1.1.1.1", "2.2.2.2", 17, l4, 160, 2)[0], false));
  EXPECT_GT(e.dec.stats().anomalies[static_cast<size_t>(Anomaly::kFragMemcap)], 0u);

  Decoded t;
  t.frame = tp::eth(frags[0], false);
  t.dec.decode(t.frame, 100, 1'000'000, 1, kEth, &t.p);
  t.dec.expire(1'000'000 + 61'000'000);
  EXPECT_EQ(t.dec.stats().anomalies[static_cast<size_t>(Anomaly::kFragTimeout)], 1u);
}

}  // namespace
}  // namespace picket::decode
