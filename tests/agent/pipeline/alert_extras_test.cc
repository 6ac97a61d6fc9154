// tests the EVE alert fields the pipeline adds (alert_router.h fill_extras + common/eve render_alert):
// pkt_src, ether, the flow object, packet/packet_info (with the link prefix of a rebuilt datagram), and
// that each follows its outputs.eve.alert.* option.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "agent/decode/decoder.h"
#include "agent/pipeline/alert_router.h"
#include "common/eve/json_writer.h"
#include "tests/agent/decode/pcap_builder.h"

namespace picket::pipeline {
namespace {

using testpkt::Bytes;
namespace tp = testpkt;

struct Fixture {
  Bytes frame;
  decode::Decoder dec;
  decode::Packet p;
  flow::Flow f;
  Fixture() {
    Bytes l3 = tp::ipv4("10.0.0.1", "10.0.0.2", 6, tp::tcp("10.0.0.1", "10.0.0.2", 40000, 80, 1, 1, 0x18, tp::str("GET /")));
    frame = tp::eth(l3, false);
    for (int i = 0; i < 6; ++i) frame[i] = static_cast<uint8_t>(0xa0 + i);      // destination MAC
    for (int i = 0; i < 6; ++i) frame[6 + i] = static_cast<uint8_t>(0xb0 + i);  // source MAC
    EXPECT_TRUE(dec.decode(frame, static_cast<uint32_t>(frame.size()), 1'000'000, 3, 1, &p));
    f.key.client = p.src;
    f.key.server = p.dst;
    f.key.client_port = 40000;
    f.key.server_port = 80;
    f.key.proto = 6;
    f.pkts[0] = 3;
    f.pkts[1] = 1;
    f.bytes[0] = 200;
    f.bytes[1] = 74;
    f.first_ts_us = 500'000;
  }
  nlohmann::json render(const AlertOutput& o, const decode::Packet* pkt) {
    eve::AlertExtras x;
    fill_extras(o, AlertContext{.packet = pkt, .flow = &f}, &x);
    v1::Alert a;
    a.mutable_net()->set_src_ip("10.0.0.1");
    return nlohmann::json::parse(eve::render_alert(a, {}, &x));
  }
};

TEST(AlertExtras, AllFieldsWhenAsked) {
  Fixture fx;
  AlertOutput o;
  o.packet = true;
  o.ethernet = true;
  auto j = fx.render(o, &fx.p);
  EXPECT_EQ(j["pkt_src"], "wire/pcap");
  EXPECT_EQ(j["ether"]["dest_mac"], "a0:a1:a2:a3:a4:a5");
  EXPECT_EQ(j["ether"]["src_mac"], "b0:b1:b2:b3:b4:b5");
  EXPECT_EQ(j["flow"]["pkts_toserver"], 3);
  EXPECT_EQ(j["flow"]["pkts_toclient"], 1);
  EXPECT_EQ(j["flow"]["bytes_toserver"], 200);
  EXPECT_EQ(j["flow"]["bytes_toclient"], 74);
  EXPECT_EQ(j["flow"]["start"], "1970-01-01T00:00:00.500000+0000");
  EXPECT_EQ(j["flow"]["src_ip"], "10.0.0.1");
  EXPECT_EQ(j["flow"]["dest_port"], 80);
  std::string raw(fx.frame.begin(), fx.frame.end());
  EXPECT_EQ(j["packet"], eve::base64_encode(raw));
  EXPECT_EQ(j["packet_info"]["linktype"], 1);
  EXPECT_EQ(j["packet_info"]["linktype_name"], "EN10MB");
}

TEST(AlertExtras, DefaultsAsSuricata) {
  Fixture fx;
  auto j = fx.render(AlertOutput{}, &fx.p);
  EXPECT_FALSE(j.contains("packet"));
  EXPECT_FALSE(j.contains("packet_info"));
  EXPECT_FALSE(j.contains("ether"));
  EXPECT_TRUE(j.contains("flow"));  // metadata is on by default
  AlertOutput off;
  off.metadata = false;
  EXPECT_FALSE(fx.render(off, &fx.p).contains("flow"));
}

TEST(AlertExtras, FlowEndAlertHasNoPacket) {
  Fixture fx;
  AlertOutput o;
  o.packet = true;
  o.ethernet = true;
  auto j = fx.render(o, nullptr);
  EXPECT_EQ(j["pkt_src"], "stream (flow timeout)");
  EXPECT_FALSE(j.contains("packet"));
  EXPECT_FALSE(j.contains("ether"));
}

TEST(AlertExtras, RebuiltDatagramCarriesLinkPrefix) {
  Bytes l4 = tp::udp("10.1.1.1", "10.1.1.2", 4444, 53, tp::str(std::string(100, 'A')));
  auto frags = tp::ipv4_fragments("10.1.1.1", "10.1.1.2", 17, l4, 64, 9);
  decode::Decoder dec;
  decode::Packet p, whole;
  std::vector<Bytes> frames;
  for (const Bytes& fr : frags) {
    frames.push_back(tp::eth(fr, false));
    dec.decode(frames.back(), static_cast<uint32_t>(frames.back().size()), 1, 1, 1, &p);
    if (dec.has_reassembled()) {
      ASSERT_TRUE(dec.decode_reassembled(&whole));
    }
  }
  ASSERT_TRUE(whole.layers & decode::kLayerReassembled);
  AlertOutput o;
  o.packet = true;
  eve::AlertExtras x;
  fill_extras(o, AlertContext{.packet = &whole}, &x);
  EXPECT_EQ(x.pkt_src, "defrag");
  ASSERT_EQ(x.packet_bytes.size(), 14u + 20u + l4.size());
  EXPECT_EQ(static_cast<uint8_t>(x.packet_bytes[12]), 0x08);  // EtherType of the last fragment's frame
  EXPECT_EQ(static_cast<uint8_t>(x.packet_bytes[14]), 0x45);  // then the rebuilt IPv4 header
}

// A packet inside VXLAN: the alert's "tunnel" object names the outer UDP packet (as Suricata's).
TEST(AlertExtras, TunnelledPacketNamesTheOuterPacket) {
  Bytes inner = tp::eth(tp::ipv4("192.168.203.3", "192.168.203.5", 1, Bytes{8, 0, 0xf7, 0xff, 0, 0, 0, 0}), false);
  Bytes vx = {0x08, 0, 0, 0, 0, 0, 42, 0};
  vx.insert(vx.end(), inner.begin(), inner.end());
  Bytes frame = tp::eth(tp::ipv4("192.168.203.1", "192.168.202.1", 17,
                                 tp::udp("192.168.203.1", "192.168.202.1", 45149, 4789, vx)), false);
  decode::Decoder dec;
  decode::Packet p;
  ASSERT_TRUE(dec.decode(frame, static_cast<uint32_t>(frame.size()), 1, 1, 1, &p));
  ASSERT_EQ(p.tunnel_depth, 1);
  eve::AlertExtras x;
  fill_extras(AlertOutput{}, AlertContext{.packet = &p}, &x);
  EXPECT_TRUE(x.tunnel);
  EXPECT_EQ(x.tunnel_src_ip, "192.168.203.1");
  EXPECT_EQ(x.tunnel_dest_ip, "192.168.202.1");
  EXPECT_EQ(x.tunnel_dest_port, 4789u);
  EXPECT_EQ(x.tunnel_proto, "UDP");
  EXPECT_EQ(x.tunnel_depth, 0u);
  eve::AlertExtras none;
  Bytes plain = tp::eth(tp::ipv4("10.0.0.1", "10.0.0.2", 1, Bytes{8, 0, 0xf7, 0xff, 0, 0, 0, 0}), false);
  ASSERT_TRUE(dec.decode(plain, static_cast<uint32_t>(plain.size()), 1, 2, 1, &p));
  fill_extras(AlertOutput{}, AlertContext{.packet = &p}, &none);
  EXPECT_FALSE(none.tunnel);
}

}  // namespace
}  // namespace picket::pipeline
