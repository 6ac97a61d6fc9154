// Tests agent/pipeline/worker.cc directly (no files, no process): a TCP flow whose two directions closed
// has its app-layer state logged and freed at once, not when the closed flow times out or input ends.
#include "agent/pipeline/worker.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/decode/decoder.h"
#include "tests/agent/decode/pcap_builder.h"

namespace picket::pipeline {
namespace {

namespace tp = testpkt;

class Lines final : public output::EveSink {
 public:
  std::vector<std::string> lines;
  size_t count(std::string_view type) const {
    size_t n = 0;
    for (const auto& l : lines) n += l.find("\"event_type\":\"" + std::string(type) + "\"") != std::string::npos;
    return n;
  }

 protected:
  void write_(std::string_view line) override { lines.emplace_back(line); }
};

struct Conversation {
  PipelineConfig cfg;
  decode::Decoder dec{cfg.decoder};
  Lines eve;
  Worker worker{0, cfg, {}, nullptr, &eve, output::EveTypes{}};
  int64_t ts = 1'700'000'000'000'000;
  uint64_t cnt = 0;
  void send(bool from_client, uint32_t seq, uint32_t ack, uint8_t flags, const std::string& payload = "") {
    tp::Addr c("192.0.2.10"), s("198.51.100.80");
    tp::Bytes seg = from_client ? tp::tcp(c, s, 40000, 8080, seq, ack, flags, tp::str(payload))
                                : tp::tcp(s, c, 8080, 40000, seq, ack, flags, tp::str(payload));
    tp::Bytes frame = tp::eth(from_client ? tp::ip(c, s, 6, seg) : tp::ip(s, c, 6, seg), false);
    decode::Packet p;
    ts += 1000;
    dec.decode(frame, static_cast<uint32_t>(frame.size()), ts, ++cnt, 1, &p);
    worker.process(p);
  }
};

constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;

TEST(Worker, ClosedFlowLogsItsUnansweredRequestAtClose) {
  Conversation t;
  const std::string req = "GET /never-answered HTTP/1.1\r\nHost: close.example\r\n\r\n";
  t.send(true, 100, 0, kSyn);
  t.send(false, 500, 101, kSyn | kAck);
  t.send(true, 101, 501, kAck);
  t.send(true, 101, 501, kPsh | kAck, req);
  EXPECT_EQ(t.eve.count("http"), 0u);  // still open: the response may come
  const uint32_t cfin = 101 + static_cast<uint32_t>(req.size());
  t.send(true, cfin, 501, kFin | kAck);
  t.send(false, 501, cfin + 1, kFin | kAck);
  t.send(true, cfin + 1, 502, kAck);
  // Both directions closed: the transaction is logged now, long before the 60 s closed-flow timeout.
  EXPECT_EQ(t.eve.count("http"), 1u);
  EXPECT_EQ(t.eve.count("flow"), 0u);
  t.worker.finish();
  EXPECT_EQ(t.eve.count("http"), 1u);  // not logged twice at flow end
  EXPECT_EQ(t.eve.count("flow"), 1u);
  ASSERT_EQ(t.eve.lines.size(), 2u);
  EXPECT_NE(t.eve.lines[0].find("/never-answered"), std::string::npos);
  EXPECT_NE(t.eve.lines[1].find("\"app_proto\":\"http\""), std::string::npos) << t.eve.lines[1];
  EXPECT_EQ(t.worker.stats().http_tx, 1u);
}

TEST(Worker, ResetEndsTheAppStateToo) {
  Conversation t;
  const std::string req = "GET /reset HTTP/1.1\r\nHost: rst.example\r\n\r\n";
  t.send(true, 100, 0, kSyn);
  t.send(false, 500, 101, kSyn | kAck);
  t.send(true, 101, 501, kAck);
  t.send(true, 101, 501, kPsh | kAck, req);
  t.send(false, 501, 101 + static_cast<uint32_t>(req.size()), kRst | kAck);
  EXPECT_EQ(t.eve.count("http"), 1u);
  // Late data after the reset reaches nothing (and does not crash or log again).
  t.send(false, 501, 101 + static_cast<uint32_t>(req.size()), kPsh | kAck, "HTTP/1.1 200 OK\r\n\r\n");
  t.worker.finish();
  EXPECT_EQ(t.eve.count("http"), 1u);
  EXPECT_EQ(t.eve.count("flow"), 1u);
}

}  // namespace
}  // namespace picket::pipeline
