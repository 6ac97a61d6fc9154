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

// Records what the worker hands to an inspector, and with which packet.
class Recorder final : public Inspector {
 public:
  struct Seen {
    std::string what;  // "packet", "stream:<bytes>", "app:<kind>"
    uint64_t pcap_cnt = 0;
    int dir = 0;
    std::string log;  // InspectContext::stream_payload during on_stream
    bool as_established = false;
  };
  std::vector<Seen> seen;
  void on_packet(const InspectContext&, const decode::Packet& p, flow::Flow*, flow::Direction d) override {
    seen.push_back({"packet", p.pcap_cnt, flow::dir_index(d), "", false});
  }
  void on_stream(const InspectContext& c, flow::Flow&, flow::Direction d, std::span<const uint8_t> data, uint64_t,
                 const decode::Packet& p) override {
    seen.push_back({"stream:" + std::string(data.begin(), data.end()), p.pcap_cnt, flow::dir_index(d),
                    std::string(c.stream_payload.begin(), c.stream_payload.end()), c.as_established});
  }
  void on_app_event(const InspectContext& c, flow::Flow&, flow::Direction d, const AppEvent& e,
                    const decode::Packet& p) override {
    seen.push_back({"app:" + std::to_string(static_cast<int>(e.kind)), p.pcap_cnt, flow::dir_index(d), "",
                    c.as_established});
  }
  const Seen* find(std::string_view what) const {
    for (const auto& s : seen) {
      if (s.what == what) return &s;
    }
    return nullptr;
  }
};

struct Inspected {
  PipelineConfig cfg;
  decode::Decoder dec{cfg.decoder};
  Recorder rec;
  std::vector<Inspector*> insp{&rec};
  Worker worker;
  int64_t ts = 1'700'000'000'000'000;
  uint64_t cnt = 0;
  explicit Inspected(bool inline_mode) : cfg(with_inline(inline_mode)), worker(0, cfg, insp, nullptr, nullptr, {}) {}
  static PipelineConfig with_inline(bool on) {
    PipelineConfig c;
    c.stream.inline_mode = on;
    return c;
  }
  void send(bool from_client, uint32_t seq, uint32_t ack, uint8_t flags, const std::string& payload = "") {
    tp::Addr c("192.0.2.10"), s("198.51.100.80");
    tp::Bytes seg = from_client ? tp::tcp(c, s, 40000, 80, seq, ack, flags, tp::str(payload))
                                : tp::tcp(s, c, 80, 40000, seq, ack, flags, tp::str(payload));
    tp::Bytes frame = tp::eth(from_client ? tp::ip(c, s, 6, seg) : tp::ip(s, c, 6, seg), false);
    decode::Packet p;
    ts += 1000;
    dec.decode(frame, static_cast<uint32_t>(frame.size()), ts, ++cnt, 1, &p);
    worker.process(p);
  }
};

const std::string kReq = "GET /x HTTP/1.0\r\nHost: a\r\n\r\n";
const std::string kResp = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
const std::string kReqHeaders = "app:" + std::to_string(static_cast<int>(app::AppEventKind::kHttpRequestHeaders));
const std::string kRespHeaders = "app:" + std::to_string(static_cast<int>(app::AppEventKind::kHttpResponseHeaders));

void http_exchange(Inspected& t) {
  const uint32_t c1 = 101 + static_cast<uint32_t>(kReq.size());
  const uint32_t s1 = 501 + static_cast<uint32_t>(kResp.size());
  t.send(true, 100, 0, kSyn);                      // 1
  t.send(false, 500, 101, kSyn | kAck);            // 2
  t.send(true, 101, 501, kAck);                    // 3
  t.send(true, 101, 501, kPsh | kAck, kReq);       // 4: request
  t.send(false, 501, c1, kPsh | kAck, kResp);      // 5: response, ACKs the request
  t.send(true, c1, s1, kAck);                      // 6: ACKs the response
  t.send(false, s1, c1, kAck);                     // 7
}

// IDS mode (the default): the request reaches the parser when the server ACKs it (packet 5), but the
// inspector sees its bytes and its transaction with the next client packet (6); the response's with the
// next server packet (7). Packets are inspected after their stream processing.
TEST(Worker, IdsModeInspectsDataWithItsDirectionAfterTheAck) {
  Inspected t(false);
  http_exchange(t);
  const auto* req = t.rec.find("stream:" + kReq);
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->pcap_cnt, 6u);
  EXPECT_EQ(req->dir, 0);
  ASSERT_NE(t.rec.find(kReqHeaders), nullptr);
  EXPECT_EQ(t.rec.find(kReqHeaders)->pcap_cnt, 6u);
  const auto* resp = t.rec.find("stream:" + kResp);
  ASSERT_NE(resp, nullptr);
  EXPECT_EQ(resp->pcap_cnt, 7u);
  ASSERT_NE(t.rec.find(kRespHeaders), nullptr);
  EXPECT_EQ(t.rec.find(kRespHeaders)->pcap_cnt, 7u);
  EXPECT_FALSE(t.rec.find(kRespHeaders)->as_established);  // an open flow: its own state decides
  // Packet 6 itself was inspected before its stream data.
  size_t pkt6 = 0, data6 = 0;
  for (size_t i = 0; i < t.rec.seen.size(); ++i) {
    if (t.rec.seen[i].what == "packet" && t.rec.seen[i].pcap_cnt == 6) pkt6 = i;
    if (&t.rec.seen[i] == req) data6 = i;
  }
  EXPECT_LT(pkt6, data6);
  t.worker.finish();
}

// Inline mode: each direction's bytes and events come with the packet that carried them.
TEST(Worker, InlineModeInspectsDataInOrder) {
  Inspected t(true);
  http_exchange(t);
  ASSERT_NE(t.rec.find("stream:" + kReq), nullptr);
  EXPECT_EQ(t.rec.find("stream:" + kReq)->pcap_cnt, 4u);
  ASSERT_NE(t.rec.find(kReqHeaders), nullptr);
  EXPECT_EQ(t.rec.find(kReqHeaders)->pcap_cnt, 4u);
  ASSERT_NE(t.rec.find("stream:" + kResp), nullptr);
  EXPECT_EQ(t.rec.find("stream:" + kResp)->pcap_cnt, 5u);
  t.worker.finish();
}

// Data never followed by a packet of its direction (here: with a hole the server ACKed) is inspected at
// flow end with a pseudo packet (pcap_cnt 0), block by block, the alerts' payload showing the hole.
TEST(Worker, IdsModeFlushesAtFlowEndWithGapMarkers) {
  Inspected t(false);
  t.send(true, 100, 0, kSyn);
  t.send(false, 500, 101, kSyn | kAck);
  t.send(true, 101, 501, kAck);
  t.send(true, 101, 501, kAck, "VERY");
  t.send(true, 109, 501, kAck, "DATA");  // bytes 105..108 never captured
  t.send(false, 501, 113, kAck);         // the server ACKs all of it
  EXPECT_EQ(t.rec.find("stream:VERY"), nullptr);
  t.worker.finish();
  const auto* very = t.rec.find("stream:VERY");
  const auto* data = t.rec.find("stream:DATA");
  ASSERT_NE(very, nullptr);
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(very->pcap_cnt, 0u);
  EXPECT_EQ(very->dir, 0);
  EXPECT_EQ(very->log, "VERY[4 bytes missing]DATA");
  EXPECT_TRUE(very->as_established);  // flow-end pseudo packets count as established, as Suricata's
  EXPECT_EQ(data->log, "VERY[4 bytes missing]DATA");
}

}  // namespace
}  // namespace picket::pipeline
