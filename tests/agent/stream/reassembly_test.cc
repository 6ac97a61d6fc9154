// tests agent/stream/reassembly.cc: evasion-style segment orders, checking the reassembled bytes.
#include "agent/stream/reassembly.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "agent/decode/decoder.h"
#include "agent/flow/flow_table.h"
#include "tests/agent/decode/pcap_builder.h"

namespace picket::stream {
namespace {

namespace tp = testpkt;
using tp::Bytes;

struct Collect : StreamSink {
  std::string data[2];
  int gaps[2] = {0, 0};
  int closes[2] = {0, 0};
  uint64_t next_off[2] = {0, 0};
  bool offsets_ok = true;
  decode::Packet last;  // the packet that released the last data (its spans are not kept)
  void on_data(flow::Flow&, flow::Direction d, std::span<const uint8_t> b, uint64_t off,
               const decode::Packet& p) override {
    last = p;
    last.raw = last.payload = last.l4_header = last.ip_header = last.ip_options = last.tcp_options = {};
    last.link_prefix = {};
    int i = flow::dir_index(d);
    if (off < next_off[i]) offsets_ok = false;
    next_off[i] = off + b.size();
    data[i].append(b.begin(), b.end());
  }
  uint64_t gap_bytes[2] = {0, 0};
  void on_gap(flow::Flow&, flow::Direction d, uint64_t bytes) override {
    ++gaps[flow::dir_index(d)];
    gap_bytes[flow::dir_index(d)] += bytes;
  }
  void on_close(flow::Flow&, flow::Direction d) override { ++closes[flow::dir_index(d)]; }
};

StreamConfig inline_mode(StreamConfig sc) {
  sc.inline_mode = true;
  return sc;
}

// Runs IP packets through decode -> flow table -> reassembler. Inline mode (data released in order)
// unless `ids` (released when acknowledged, Suricata's IDS mode and Picket's default).
struct Harness {
  decode::Decoder dec;
  flow::FlowTable flows;
  Reassembler r;
  Collect sink;
  int64_t ts = 1'000'000;
  explicit Harness(StreamConfig sc = {}, flow::FlowConfig fc = {}, bool ids = false)
      : flows(fc, [this](flow::Flow& f) { r.on_flow_end(f, nullptr, sink); }), r(ids ? sc : inline_mode(sc)) {}
  void feed(const Bytes& ip) {
    Bytes frame = tp::eth(ip, (ip[0] >> 4) == 6);
    decode::Packet p;
    dec.decode(frame, static_cast<uint32_t>(frame.size()), ts += 1000, 1, 1, &p);
    flow::Direction dir;
    flow::Flow* f = flows.get(p, &dir);
    ASSERT_NE(f, nullptr);
    r.on_packet(*f, p, dir, sink);
  }
  void feed_all(const std::vector<Bytes>& v) {
    for (const auto& b : v) feed(b);
  }
};

const std::string kRequest = "GET /admin/secret.php?cmd=cat%20/etc/passwd HTTP/1.1\r\nHost: victim\r\n\r\n";

TEST(Reassembly, InOrder) {
  Harness h;
  tp::TcpConv c("10.0.0.1", 40000, "10.0.0.2", 80);
  h.feed_all(c.handshake());
  h.feed(c.data(true, kRequest));
  h.feed(c.data(false, "HTTP/1.1 200 OK\r\n\r\n"));
  h.feed_all(c.close());
  EXPECT_EQ(h.sink.data[0], kRequest);
  EXPECT_EQ(h.sink.data[1], "HTTP/1.1 200 OK\r\n\r\n");
  EXPECT_EQ(h.sink.closes[0], 1);
  EXPECT_EQ(h.sink.closes[1], 1);
  EXPECT_TRUE(h.sink.offsets_ok);
}

TEST(Reassembly, TinySegments) {
  Harness h;
  tp::TcpConv c("10.0.0.1", 40001, "10.0.0.2", 80);
  h.feed_all(c.handshake());
  for (char ch : kRequest) h.feed(c.data(true, std::string(1, ch)));
  EXPECT_EQ(h.sink.data[0], kRequest);
  EXPECT_EQ(h.r.stats().segments, kRequest.size());
}

TEST(Reassembly, OutOfOrderShuffled) {
  Harness h;
  tp::TcpConv c("10.0.0.1", 40002, "10.0.0.2", 80);
  h.feed_all(c.handshake());
  std::vector<Bytes> segs;
  for (size_t i = 0; i < kRequest.size(); i += 5) {
    segs.push_back(c.at(true, static_cast<int64_t>(i), tp::str(kRequest.substr(i, 5))));
  }
  std::mt19937 rng(42);
  std::shuffle(segs.begin(), segs.end(), rng);
  h.feed_all(segs);
  EXPECT_EQ(h.sink.data[0], kRequest);
  EXPECT_GT(h.r.stats().out_of_order, 0u);
  EXPECT_TRUE(h.sink.offsets_ok);
}

TEST(Reassembly, OverlapFirstWins) {
  Harness h;
  tp::TcpConv c("10.0.0.1", 40003, "10.0.0.2", 80);
  h.feed_all(c.handshake());
  // Queue bytes 10..29 first (out of order), then an overlapping segment 0..19 with different bytes in
  // 10..19, then a retransmission of 0..9 with junk: the first-received bytes win everywhere.
  std::string good = "0123456789abcdefghijKLMNOPQRST";
  h.feed(c.at(true, 10, tp::str(good.substr(10))));
  h.feed(c.at(true, 0, tp::str("0123456789XXXXXXXXXX")));
  h.feed(c.at(true, 0, tp::str("zzzzzzzzzz")));
  EXPECT_EQ(h.sink.data[0], good);
  EXPECT_GE(h.r.stats().overlap_diff, 1u);
  EXPECT_GE(h.r.stats().retransmissions, 1u);
}

TEST(Reassembly, RetransmissionDeliveredOnce) {
  Harness h;
  tp::TcpConv c("10.0.0.1", 40004, "10.0.0.2", 80);
  h.feed_all(c.handshake());
  Bytes seg = c.data(true, "hello ");
  h.feed(seg);
  h.feed(seg);
  h.feed(c.data(true, "world"));
  EXPECT_EQ(h.sink.data[0], "hello world");
  EXPECT_EQ(h.r.stats().retransmissions, 1u);
}

TEST(Reassembly, GapSkippedWhenPeerAcksPastIt) {
  Harness h;
  tp::TcpConv c("10.0.0.1", 40005, "10.0.0.2", 80);
  h.feed_all(c.handshake());
  h.feed(c.data(true, "AAAA"));
  c.advance(true, 4);  // "BBBB" never captured
  h.feed(c.data(true, "CCCC"));
  EXPECT_EQ(h.sink.data[0], "AAAA");
  h.feed(c.data(false, "ok"));  // server ACKs everything
  EXPECT_EQ(h.sink.data[0], "AAAACCCC");
  EXPECT_EQ(h.sink.gaps[0], 1);
  EXPECT_EQ(h.r.stats().gaps, 1u);
}

TEST(Reassembly, FlowEndFlushesHoles) {
  Harness h;
  tp::TcpConv c("10.0.0.1", 40006, "10.0.0.2", 80);
  h.feed_all(c.handshake());
  h.feed(c.at(true, 3, tp::str("DEF")));
  h.flows.flush();
  EXPECT_EQ(h.sink.data[0], "DEF");
  EXPECT_EQ(h.sink.gaps[0], 1);
  // No real packet released it: a pseudo packet of the flow (client -> server, no pcap_cnt) did.
  EXPECT_TRUE(h.sink.last.is_tcp());
  EXPECT_EQ(h.sink.last.proto, decode::kProtoTcp);
  EXPECT_EQ(h.sink.last.pcap_cnt, 0u);
  EXPECT_EQ(h.sink.last.sp, 40006);
  EXPECT_EQ(h.sink.last.dp, 80);
  EXPECT_EQ(h.sink.last.ip_version, 4);
  EXPECT_EQ(h.sink.last.ts_us, h.ts);
}

TEST(Reassembly, DepthAndMemcap) {
  StreamConfig sc;
  sc.depth = 10;
  Harness h(sc);
  tp::TcpConv c("10.0.0.1", 40007, "10.0.0.2", 80);
  h.feed_all(c.handshake());
  h.feed(c.data(true, "0123456789abcdef"));
  h.feed(c.data(true, "more"));
  EXPECT_EQ(h.sink.data[0], "0123456789");
  EXPECT_EQ(h.r.stats().depth_reached, 1u);

  StreamConfig small;
  small.memcap = 8;
  Harness m(small);
  tp::TcpConv d("10.0.0.1", 40008, "10.0.0.2", 80);
  m.feed_all(d.handshake());
  m.feed(d.at(true, 100, Bytes(20, 'x')));
  EXPECT_EQ(m.r.stats().memcap_drops, 1u);
  EXPECT_EQ(m.r.memory(), 0u);
}

TEST(Reassembly, MidstreamOnlyWhenEnabled) {
  tp::TcpConv c("10.0.0.1", 40009, "10.0.0.2", 80);
  Bytes mid = c.data(true, "GET / HTTP/1.1\r\n\r\n");
  Harness off;
  off.feed(mid);
  EXPECT_EQ(off.sink.data[0], "");
  EXPECT_EQ(off.r.stats().untracked, 1u);
  flow::FlowConfig fc;
  fc.midstream = true;
  StreamConfig sc;
  sc.midstream = true;
  Harness on(sc, fc);
  on.feed(mid);
  EXPECT_EQ(on.sink.data[0], "GET / HTTP/1.1\r\n\r\n");
}

TEST(Reassembly, AsyncOneSide) {
  tp::TcpConv c("10.0.0.1", 40010, "10.0.0.2", 80);
  auto hs = c.handshake();
  StreamConfig sc;
  sc.async_oneside = true;
  Harness h(sc);
  h.feed(hs[0]);  // SYN only; the SYN/ACK took another path
  h.feed(hs[2]);
  h.feed(c.data(true, "one-sided"));
  EXPECT_EQ(h.sink.data[0], "one-sided");
  Harness strict;
  strict.feed(hs[0]);
  strict.feed(hs[2]);
  strict.feed(c.data(true, "one-sided"));
  EXPECT_EQ(strict.sink.data[0], "");
}

TEST(Reassembly, SequenceWrap) {
  Harness h;
  tp::TcpConv c("10.0.0.1", 40011, "10.0.0.2", 80, 0xfffffff0u, 7);
  h.feed_all(c.handshake());
  h.feed(c.at(true, 8, tp::str("89abcdefghij")));
  h.feed(c.at(true, 0, tp::str("01234567")));
  EXPECT_EQ(h.sink.data[0], "0123456789abcdefghij");
}

// Split (four-way) handshake: SYN from the client, a SYN (no ACK) from the server, the client's SYN/ACK,
// the server's ACK. Both sides announced their sequence number, so the stream is reassembled; a lone
// SYN from each side without any data delivers nothing.
TEST(Reassembly, SplitFourWayHandshake) {
  tp::TcpConv c("1.1.1.1", 12345, "2.2.2.2", 80, 1000, 7000);
  Harness h;
  h.feed(c.pkt(true, tp::TcpConv::SYN, 1000, 0, {}));
  h.feed(c.pkt(false, tp::TcpConv::SYN, 7000, 0, {}));
  h.feed(c.pkt(true, tp::TcpConv::SYN | tp::TcpConv::ACK, 1000, 7001, {}));
  h.feed(c.pkt(false, tp::TcpConv::ACK, 7001, 1001, {}));
  h.feed(c.pkt(true, tp::TcpConv::ACK, 1001, 7001, tp::str("EVIL")));
  h.feed(c.pkt(false, tp::TcpConv::ACK, 7001, 1005, tp::str("ok")));
  EXPECT_EQ(h.sink.data[0], "EVIL");
  EXPECT_EQ(h.sink.data[1], "ok");
  EXPECT_EQ(h.r.stats().untracked, 0u);
  // Without the server's SYN (and without async-oneside) the flow is still not reassembled.
  tp::TcpConv d("1.1.1.1", 12346, "2.2.2.2", 80, 1000, 7000);
  Harness strict;
  strict.feed(d.pkt(true, tp::TcpConv::SYN, 1000, 0, {}));
  strict.feed(d.pkt(false, tp::TcpConv::ACK, 7001, 1001, {}));
  strict.feed(d.pkt(true, tp::TcpConv::ACK, 1001, 7001, tp::str("EVIL")));
  EXPECT_EQ(strict.sink.data[0], "");
  EXPECT_EQ(strict.r.stats().untracked, 1u);
}

// stream.midstream: a flow whose SYN was missed, first seen at the SYN/ACK, is reassembled both ways;
// without stream.midstream it is not.
TEST(Reassembly, MidstreamPickupAtSynAck) {
  tp::TcpConv c("10.16.1.11", 54186, "82.165.177.154", 80);
  auto hs = c.handshake();
  Bytes req = c.data(true, "GET / HTTP/1.1\r\n\r\n");
  Bytes resp = c.data(false, "HTTP/1.1 200 OK\r\n\r\n");
  flow::FlowConfig fc;
  fc.midstream = true;
  StreamConfig sc;
  sc.midstream = true;
  Harness on(sc, fc);
  on.feed(hs[1]);  // SYN/ACK first
  on.feed(hs[2]);
  on.feed(req);
  on.feed(resp);
  EXPECT_EQ(on.sink.data[0], "GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(on.sink.data[1], "HTTP/1.1 200 OK\r\n\r\n");
  Harness off;
  off.feed(hs[1]);
  off.feed(hs[2]);
  off.feed(req);
  EXPECT_EQ(off.sink.data[0], "");
  EXPECT_EQ(off.r.stats().untracked, 1u);
}

// IDS mode (stream.inline false): in-order bytes wait for the receiver's ACK, and the ACK packet (the
// peer's) releases exactly the acknowledged bytes.
TEST(Reassembly, IdsModeReleasesOnAck) {
  Harness h({}, {}, /*ids=*/true);
  tp::TcpConv c("10.0.0.1", 40100, "10.0.0.2", 80);
  h.feed_all(c.handshake());
  h.feed(c.data(true, "GET / HTTP/1.0\r\n"));
  h.feed(c.data(true, "\r\n"));
  EXPECT_EQ(h.sink.data[0], "");  // nothing acknowledged yet
  // The server acknowledges only the first segment (ack = first byte of the second).
  h.feed(c.pkt(false, tp::TcpConv::ACK, c.seq(false), c.seq(true) - 2, {}));
  EXPECT_EQ(h.sink.data[0], "GET / HTTP/1.0\r\n");
  EXPECT_EQ(h.sink.last.dp, 40100);  // released by the server's packet
  h.feed(c.data(false, "HTTP/1.0 200 OK\r\n\r\n"));  // acknowledges everything
  EXPECT_EQ(h.sink.data[0], "GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(h.sink.data[1], "");
  EXPECT_TRUE(h.sink.offsets_ok);
  EXPECT_EQ(h.r.memory(), 19u);  // the response waits, queued
  // Never acknowledged: released at flow end by the pseudo packet (no pcap_cnt), then closed.
  h.flows.flush();
  EXPECT_EQ(h.sink.data[1], "HTTP/1.0 200 OK\r\n\r\n");
  EXPECT_EQ(h.sink.last.pcap_cnt, 0u);
  EXPECT_EQ(h.sink.closes[0], 1);
  EXPECT_EQ(h.sink.closes[1], 1);
  EXPECT_EQ(h.r.memory(), 0u);
}

// A partly acknowledged segment is split: the acknowledged head goes now, the tail when acknowledged.
TEST(Reassembly, IdsModeSplitsPartlyAckedSegment) {
  Harness h({}, {}, true);
  tp::TcpConv c("10.0.0.1", 40101, "10.0.0.2", 80);
  h.feed_all(c.handshake());
  h.feed(c.data(true, "0123456789"));
  h.feed(c.pkt(false, tp::TcpConv::ACK, c.seq(false), c.seq(true) - 6, {}));
  EXPECT_EQ(h.sink.data[0], "0123");
  h.feed(c.pkt(false, tp::TcpConv::ACK, c.seq(false), c.seq(true), {}));
  EXPECT_EQ(h.sink.data[0], "0123456789");
  EXPECT_TRUE(h.sink.offsets_ok);
}

// A hole the receiver acknowledged is reported with its size; a leading hole too.
TEST(Reassembly, IdsModeGapSizes) {
  Harness h({}, {}, true);
  tp::TcpConv c("1.1.1.1", 12345, "2.2.2.2", 8080);
  h.feed_all(c.handshake());
  h.feed(c.at(true, 0, tp::str("VERY")));
  h.feed(c.at(true, 8, tp::str("DATA")));
  EXPECT_EQ(h.sink.data[0], "");
  h.feed(c.pkt(false, tp::TcpConv::ACK, c.seq(false), c.seq(true) + 12, {}));
  EXPECT_EQ(h.sink.data[0], "VERYDATA");
  EXPECT_EQ(h.sink.gaps[0], 1);
  EXPECT_EQ(h.sink.gap_bytes[0], 4u);

  Harness lead({}, {}, true);
  tp::TcpConv d("1.1.1.1", 12346, "2.2.2.2", 8080);
  lead.feed_all(d.handshake());
  lead.feed(d.at(true, 4, tp::str("GOOD")));
  lead.feed(d.at(true, 8, tp::str("DATA")));
  lead.flows.flush();  // never acknowledged: flow end gives up the leading hole
  EXPECT_EQ(lead.sink.data[0], "GOODDATA");
  EXPECT_EQ(lead.sink.gap_bytes[0], 4u);
}

// After a RST the held (unacknowledged) bytes are still released at flow end, and nothing sent after
// the RST is taken.
TEST(Reassembly, IdsModeResetKeepsHeldData) {
  Harness h({}, {}, true);
  tp::TcpConv c("10.0.0.1", 40102, "10.0.0.2", 80);
  h.feed_all(c.handshake());
  h.feed(c.data(true, "held"));
  h.feed(c.pkt(false, tp::TcpConv::RST | tp::TcpConv::ACK, c.seq(false), c.seq(true) - 4, {}));
  EXPECT_EQ(h.sink.data[0], "");
  EXPECT_EQ(h.sink.closes[1], 1);  // nothing held that way: closed at once
  EXPECT_EQ(h.sink.closes[0], 0);
  h.feed(c.data(true, "after"));
  h.flows.flush();
  EXPECT_EQ(h.sink.data[0], "held");
  EXPECT_EQ(h.sink.closes[0], 1);
}

// One-sided pickup with stream.async-oneside: nobody acknowledges, so data is released as it comes.
TEST(Reassembly, IdsModeAsyncOneSideReleasesAtOnce) {
  tp::TcpConv c("10.0.0.1", 40103, "10.0.0.2", 80);
  auto hs = c.handshake();
  StreamConfig sc;
  sc.async_oneside = true;
  Harness h(sc, {}, true);
  h.feed(hs[0]);
  h.feed(hs[2]);
  h.feed(c.data(true, "one-sided"));
  EXPECT_EQ(h.sink.data[0], "one-sided");
}

}  // namespace
}  // namespace picket::stream
