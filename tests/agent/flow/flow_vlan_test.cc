// tests agent/flow/flow_table.cc settings added for Suricata conformance: vlan.use-for-tracking (VLAN ids in
// the flow key or not), a one-bucket hash table (flow.hash-size: 1, every flow collides, IPv4 and IPv6
// flows stay apart), and byte counters that count captured bytes from the link header on.
#include <gtest/gtest.h>

#include "agent/decode/decoder.h"
#include "agent/flow/flow_table.h"
#include "tests/agent/decode/pcap_builder.h"

namespace picket::flow {
namespace {

namespace tp = testpkt;
using tp::Bytes;

struct Feeder {
  decode::Decoder dec;
  Bytes frame;
  decode::Packet p;
  Flow* feed(FlowTable& t, const Bytes& ip, std::vector<uint16_t> vlans, Direction* dir) {
    frame = tp::eth(ip, (ip[0] >> 4) == 6, vlans);
    dec.decode(frame, static_cast<uint32_t>(frame.size()), 1'000'000, 1, 1, &p);
    return t.get(p, dir);
  }
};

Bytes udp4(const char* s, const char* d, uint16_t sp = 1000, uint16_t dp = 53) {
  return tp::ipv4(s, d, 17, tp::udp(s, d, sp, dp, tp::str("q")));
}

TEST(FlowVlan, TrackingOnSeparatesVlans) {
  FlowTable t(FlowConfig{}, [](Flow&) {});
  Feeder f;
  Direction d;
  Flow* a = f.feed(t, udp4("10.0.0.1", "10.0.0.2"), {10}, &d);
  Flow* b = f.feed(t, udp4("10.0.0.2", "10.0.0.1", 53, 1000), {20}, &d);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
}

TEST(FlowVlan, TrackingOffJoinsVlans) {
  FlowConfig c;
  c.vlan_tracking = false;
  FlowTable t(c, [](Flow&) {});
  Feeder f;
  Direction d;
  Flow* a = f.feed(t, udp4("10.0.0.1", "10.0.0.2"), {10}, &d);
  Flow* b = f.feed(t, udp4("10.0.0.2", "10.0.0.1", 53, 1000), {20}, &d);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a, b);
  EXPECT_EQ(d, Direction::kToClient);
  EXPECT_EQ(a->pkts[0], 1u);
  EXPECT_EQ(a->pkts[1], 1u);
}

TEST(FlowVlan, OneBucketKeepsFlowsApartAndCountsLinkBytes) {
  FlowConfig c;
  c.hash_size = 1;
  FlowTable t(c, [](Flow&) {});
  Feeder f;
  Direction d;
  Bytes v4 = udp4("10.0.0.1", "10.0.0.2");
  Bytes v6 = tp::ipv6("::1", "::2", 17, tp::udp("::1", "::2", 1000, 53, tp::str("q")));
  Flow* a = f.feed(t, v4, {}, &d);
  size_t frame4 = f.frame.size();
  Flow* b = f.feed(t, v6, {}, &d);
  Flow* a2 = f.feed(t, v4, {}, &d);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, a2);
  EXPECT_EQ(a->pkts[0], 2u);
  EXPECT_EQ(a->bytes[0], 2 * frame4);  // Ethernet header included, as Suricata counts
}

}  // namespace
}  // namespace picket::flow
