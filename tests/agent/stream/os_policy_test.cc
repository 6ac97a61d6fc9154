// tests agent/stream/os_policy.cc: the overlap rules per target OS and the host-os-policy lookup, and the
// reassembler applying them to unacknowledged bytes in IDS mode.
#include "agent/stream/os_policy.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>

#include "agent/decode/decoder.h"
#include "agent/flow/flow_table.h"
#include "agent/stream/reassembly.h"
#include "tests/agent/decode/pcap_builder.h"

namespace picket::stream {
namespace {

decode::IpAddr v4(const char* s) {
  decode::IpAddr a;
  a.family = 4;
  inet_pton(AF_INET, s, a.bytes);
  return a;
}

TEST(OsPolicy, OverlapRules) {
  // Same start, same end (exact overlap): old-linux, solaris, hpux11 take the new bytes; bsd, windows keep.
  EXPECT_TRUE(use_new_data(OsPolicy::kOldLinux, 0, 4, 0, 4));
  EXPECT_TRUE(use_new_data(OsPolicy::kSolaris, 0, 4, 0, 4));
  EXPECT_FALSE(use_new_data(OsPolicy::kBsd, 0, 4, 0, 4));
  EXPECT_FALSE(use_new_data(OsPolicy::kWindows, 0, 4, 0, 4));
  EXPECT_FALSE(use_new_data(OsPolicy::kLinux, 0, 4, 0, 4));
  EXPECT_TRUE(use_new_data(OsPolicy::kLinux, 0, 6, 0, 4));  // same start, longer
  // New segment starting before the held one: bsd, linux, windows... take it; vista and first do not.
  EXPECT_TRUE(use_new_data(OsPolicy::kBsd, 0, 6, 2, 8));
  EXPECT_TRUE(use_new_data(OsPolicy::kWindows, 0, 6, 2, 8));
  EXPECT_FALSE(use_new_data(OsPolicy::kVista, 0, 6, 2, 8));
  // Starting after and ending past the held one: only solaris and hpux11.
  EXPECT_TRUE(use_new_data(OsPolicy::kHpux11, 3, 9, 2, 8));
  EXPECT_FALSE(use_new_data(OsPolicy::kBsd, 3, 9, 2, 8));
  EXPECT_TRUE(use_new_data(OsPolicy::kLast, 3, 4, 2, 8));
  EXPECT_FALSE(use_new_data(OsPolicy::kFirst, 0, 9, 2, 8));
}

TEST(OsPolicy, LongestPrefixWins) {
  OsPolicyTable t;
  std::string err;
  ASSERT_TRUE(t.add("windows", "0.0.0.0/0", &err)) << err;
  ASSERT_TRUE(t.add("old-linux", "2.2.2.2", &err)) << err;
  ASSERT_TRUE(t.add("bsd-right", "10.0.0.0/8", &err)) << err;
  ASSERT_TRUE(t.add("linux", "2001:db8::/32", &err)) << err;
  EXPECT_EQ(t.lookup(v4("2.2.2.2")), OsPolicy::kOldLinux);
  EXPECT_EQ(t.lookup(v4("1.1.1.1")), OsPolicy::kWindows);
  EXPECT_EQ(t.lookup(v4("10.9.8.7")), OsPolicy::kBsd);
  decode::IpAddr v6;
  v6.family = 6;
  inet_pton(AF_INET6, "2001:db8::1", v6.bytes);
  EXPECT_EQ(t.lookup(v6), OsPolicy::kLinux);
  EXPECT_EQ(OsPolicyTable().lookup(v4("1.1.1.1")), OsPolicy::kBsd);  // Suricata's default
  EXPECT_FALSE(t.add("linux", "2.2.2.300", &err));
  EXPECT_NE(err.find("2.2.2.300"), std::string::npos);
  EXPECT_FALSE(t.add("linux", "2.2.2.2/33", &err));
  EXPECT_FALSE(t.add("beos", "2.2.2.2", &err));
}

namespace tp = testpkt;

// The exact-overlap evasion: "GOOD" then, unacknowledged, "EVIL" at the same sequence numbers. The
// receiver's policy decides which bytes the stream carries (IDS mode).
std::string exact_overlap(const char* receiver_policy) {
  StreamConfig sc;
  if (receiver_policy != nullptr) {
    auto t = std::make_shared<OsPolicyTable>();
    std::string err;
    EXPECT_TRUE(t->add(receiver_policy, "2.2.2.2", &err)) << err;
    EXPECT_TRUE(t->add("windows", "0.0.0.0/0", &err)) << err;
    sc.os_policies = t;
  }
  decode::Decoder dec;
  Reassembler r(sc);
  struct Sink : StreamSink {
    std::string data;
    void on_data(flow::Flow&, flow::Direction d, std::span<const uint8_t> b, uint64_t, const decode::Packet&) override {
      if (d == flow::Direction::kToServer) data.append(b.begin(), b.end());
    }
    void on_gap(flow::Flow&, flow::Direction, uint64_t) override {}
    void on_close(flow::Flow&, flow::Direction) override {}
  } sink;
  flow::FlowTable flows({}, [&](flow::Flow& f) { r.on_flow_end(f, nullptr, sink); });
  tp::TcpConv c("1.1.1.1", 12345, "2.2.2.2", 8080);
  std::vector<tp::Bytes> pkts = c.handshake();
  pkts.push_back(c.at(true, 0, tp::str("GOOD")));
  pkts.push_back(c.at(true, 0, tp::str("EVIL")));
  int64_t ts = 1'000'000;
  for (const auto& ip : pkts) {
    tp::Bytes frame = tp::eth(ip, false);
    decode::Packet p;
    dec.decode(frame, static_cast<uint32_t>(frame.size()), ts += 1000, 1, 1, &p);
    flow::Direction dir;
    flow::Flow* f = flows.get(p, &dir);
    r.on_packet(*f, p, dir, sink);
  }
  flows.flush();
  return sink.data;
}

TEST(OsPolicy, ReceiverPolicyDecidesExactOverlap) {
  EXPECT_EQ(exact_overlap(nullptr), "GOOD");      // default bsd keeps the first bytes
  EXPECT_EQ(exact_overlap("old-linux"), "EVIL");  // the server (receiver) takes the retransmission
  EXPECT_EQ(exact_overlap("windows"), "GOOD");
}

}  // namespace
}  // namespace picket::stream
