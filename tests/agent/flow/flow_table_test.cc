// tests agent/flow/flow_table.cc: direction, state, timeouts, eviction, flow ids.
#include "agent/flow/flow_table.h"

#include <gtest/gtest.h>

#include <vector>

#include "agent/decode/decoder.h"
#include "tests/agent/decode/pcap_builder.h"

namespace picket::flow {
namespace {

namespace tp = testpkt;
using tp::Bytes;

struct Harness {
  decode::Decoder dec;
  std::vector<Flow> ended;  // copies of key fields only
  std::vector<EndReason> reasons;
  std::vector<uint64_t> ended_ids;
  FlowTable table;
  int64_t ts = 1'000'000'000;
  explicit Harness(FlowConfig c = {})
      : table(c, [this](Flow& f) {
          reasons.push_back(f.end_reason);
          ended_ids.push_back(f.flow_id);
        }) {}
  Flow* feed(const Bytes& ip, Direction* dir, int64_t step = 1000) {
    frame = tp::eth(ip, (ip[0] >> 4) == 6);
    decode::Packet p;
    dec.decode(frame, static_cast<uint32_t>(frame.size()), ts += step, 1, 1, &p);
    return table.get(p, dir);
  }
  Bytes frame;
};

TEST(FlowTable, DirectionAndHandshakeState) {
  Harness h;
  tp::TcpConv c("10.0.0.1", 1111, "10.0.0.2", 80);
  auto hs = c.handshake();
  Direction d;
  Flow* f = h.feed(hs[0], &d);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(d, Direction::kToServer);
  EXPECT_EQ(f->state, FlowState::kNew);
  EXPECT_EQ(f->key.server_port, 80);
  EXPECT_EQ(h.feed(hs[1], &d), f);
  EXPECT_EQ(d, Direction::kToClient);
  EXPECT_EQ(h.feed(hs[2], &d), f);
  EXPECT_EQ(f->state, FlowState::kEstablished);
  h.feed(c.data(false, "x"), &d);
  EXPECT_EQ(f->pkts[0], 2u);
  EXPECT_EQ(f->pkts[1], 2u);
  EXPECT_GT(f->bytes[1], 40u);
  for (auto& b : c.close()) h.feed(b, &d);
  EXPECT_EQ(f->state, FlowState::kClosed);
  EXPECT_NE(f->flow_id, 0u);
}

TEST(FlowTable, SynAckFirstMakesItsSenderTheServer) {
  Harness h;
  tp::TcpConv c("10.0.0.1", 1112, "10.0.0.2", 80);
  auto hs = c.handshake();
  Direction d;
  Flow* f = h.feed(hs[1], &d);
  EXPECT_EQ(d, Direction::kToClient);
  EXPECT_EQ(f->key.server_port, 80);
  EXPECT_EQ(f->key.client.to_string(), "10.0.0.1");
}

TEST(FlowTable, UdpEstablishedOnReplyAndVlanSeparates) {
  Harness h;
  Direction d;
  Bytes q = tp::ipv4("1.1.1.1", "8.8.8.8", 17, tp::udp("1.1.1.1", "8.8.8.8", 5353, 53, tp::str("q")));
  Bytes r = tp::ipv4("8.8.8.8", "1.1.1.1", 17, tp::udp("8.8.8.8", "1.1.1.1", 53, 5353, tp::str("r")));
  Flow* f = h.feed(q, &d);
  EXPECT_EQ(f->state, FlowState::kNew);
  EXPECT_EQ(h.feed(r, &d), f);
  EXPECT_EQ(d, Direction::kToClient);
  EXPECT_EQ(f->state, FlowState::kEstablished);
  // Same tuple on another VLAN is another flow.
  h.frame = tp::eth(q, false, {7});
  decode::Packet p;
  h.dec.decode(h.frame, static_cast<uint32_t>(h.frame.size()), h.ts, 1, 1, &p);
  Flow* g = h.table.get(p, &d);
  EXPECT_NE(g, f);
  EXPECT_EQ(h.table.stats().created, 2u);
}

TEST(FlowTable, TimeoutsEndIdleFlows) {
  FlowConfig c;
  c.udp_new = 5;
  Harness h(c);
  Direction d;
  h.feed(tp::ipv4("1.1.1.1", "2.2.2.2", 17, tp::udp("1.1.1.1", "2.2.2.2", 1, 2, tp::str("a"))), &d);
  h.table.expire(h.ts + 2'000'000);
  EXPECT_TRUE(h.reasons.empty());
  h.table.expire(h.ts + 10'000'000);
  ASSERT_EQ(h.reasons.size(), 1u);
  EXPECT_EQ(h.reasons[0], EndReason::kTimeout);
  EXPECT_EQ(h.table.stats().active, 0u);
}

TEST(FlowTable, MemcapEvictsLeastRecentlyUsed) {
  FlowConfig c;
  c.memcap = 1;  // minimum: 16 flows
  Harness h(c);
  Direction d;
  uint64_t first_id = 0;
  for (int i = 0; i < 40; ++i) {
    std::string src = "10.9.0." + std::to_string(i + 1);
    Flow* f = h.feed(tp::ipv4(src.c_str(), "2.2.2.2", 17, tp::udp(src.c_str(), "2.2.2.2", 1, 2, tp::str("a"))), &d);
    ASSERT_NE(f, nullptr);
    if (i == 0) first_id = f->flow_id;
  }
  EXPECT_EQ(h.table.max_flows(), 16u);
  EXPECT_EQ(h.table.stats().evicted, 24u);
  ASSERT_FALSE(h.ended_ids.empty());
  EXPECT_EQ(h.ended_ids[0], first_id);
  EXPECT_EQ(h.reasons[0], EndReason::kForced);
  h.table.flush();
  EXPECT_EQ(h.reasons.back(), EndReason::kShutdown);
  EXPECT_EQ(h.table.stats().active, 0u);
}

TEST(FlowTable, FlowIdIsStableAcrossRuns) {
  std::vector<uint64_t> ids[2];
  for (int run = 0; run < 2; ++run) {
    Harness h;
    Direction d;
    for (int i = 0; i < 5; ++i) {
      std::string src = "10.1.0." + std::to_string(i + 1);
      ids[run].push_back(
          h.feed(tp::ipv4(src.c_str(), "2.2.2.2", 6, tp::tcp(src.c_str(), "2.2.2.2", 99, 80, 1, 0, 2, {})), &d)->flow_id);
    }
  }
  EXPECT_EQ(ids[0], ids[1]);
}

TEST(FlowTable, FragmentsAndNonIpAreNotTracked) {
  Harness h;
  Direction d;
  auto frags = tp::ipv4_fragments("1.1.1.1", "2.2.2.2", 17, Bytes(64, 1), 16, 3);
  EXPECT_EQ(h.feed(frags[0], &d), nullptr);
}

// An ICMP error quoting a tracked session's packet joins that session's flow (as Suricata counts it: the
// flow's packets and bytes, toward the client when it comes from a router); an error quoting too little, or
// a session that is not tracked, is a flow of its own.
TEST(FlowTable, IcmpErrorJoinsTheFlowItQuotes) {
  Harness h;
  tp::TcpConv c("10.0.0.1", 1470, "10.0.0.2", 25);
  auto hs = c.handshake();
  Direction d;
  Flow* f = nullptr;
  for (const auto& b : hs) f = h.feed(b, &d);
  ASSERT_NE(f, nullptr);
  const Bytes syn = hs[0];
  auto unreachable = [](const Bytes& quote) {
    Bytes m = tp::icmp_echo(3, 0, 1400, quote);  // type 3 code 0: the id/seq words hold unused + MTU
    return tp::ipv4("192.168.1.1", "10.0.0.1", 1, m);
  };
  Flow* g = h.feed(unreachable(Bytes(syn.begin(), syn.begin() + 28)), &d);
  EXPECT_EQ(g, f);
  EXPECT_EQ(d, Direction::kToClient);
  EXPECT_EQ(f->pkts[1], 2u);  // the SYN/ACK and the error
  EXPECT_EQ(f->state, FlowState::kEstablished);
  EXPECT_EQ(h.table.stats().icmp_errors_joined, 1u);
  EXPECT_EQ(h.table.stats().icmp, 0u);

  // 20 bytes quote no ports: an ICMP flow of its own.
  Flow* own = h.feed(unreachable(Bytes(syn.begin(), syn.begin() + 20)), &d);
  ASSERT_NE(own, nullptr);
  EXPECT_NE(own, f);
  EXPECT_EQ(own->key.proto, decode::kProtoIcmp);
  // A session nobody saw: its own ICMP flow too.
  tp::TcpConv other("10.0.0.9", 1, "10.0.0.2", 25);
  Bytes osyn = other.handshake()[0];
  Flow* lone = h.feed(unreachable(Bytes(osyn.begin(), osyn.begin() + 28)), &d);
  ASSERT_NE(lone, nullptr);
  EXPECT_NE(lone, f);
  EXPECT_EQ(h.table.stats().icmp_errors_joined, 1u);
  EXPECT_EQ(f->pkts[1], 2u);
}

}  // namespace
}  // namespace picket::flow
