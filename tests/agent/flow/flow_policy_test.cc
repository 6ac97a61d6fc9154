// tests agent/flow/flow_table.cc: the midstream exception policy (stream.midstream-policy and the
// exception-policy master switch) as Suricata's IDS mode resolves and applies it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/decode/decoder.h"
#include "agent/flow/flow_table.h"
#include "common/config.h"
#include "tests/agent/decode/pcap_builder.h"

namespace picket::flow {
namespace {

namespace tp = testpkt;

config::Schema schema() {
  config::Schema s;
  add_flow_keys(s);
  // Registered by agent/stream in the agent's schema.
  s.add({.key = "stream.midstream", .type = config::Type::kBool, .default_value = "false"});
  return s;
}

struct Loaded {
  config::Schema s = schema();
  config::Loaded l;
  explicit Loaded(const std::string& yaml, std::vector<std::string> sets = {})
      : l(config::load_text(s, yaml, "agent.yaml", sets)) {}
};

ExceptionPolicy policy(const std::string& yaml, std::vector<std::string> sets = {}) {
  Loaded l(yaml, std::move(sets));
  EXPECT_TRUE(l.l.diag.ok());
  auto p = midstream_policy_from(l.l.settings);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().format());
  return p.ok() ? *p : ExceptionPolicy::kIgnore;
}

std::string policy_error(const std::string& yaml) {
  Loaded l(yaml);
  EXPECT_TRUE(l.l.diag.ok());
  auto p = midstream_policy_from(l.l.settings);
  EXPECT_FALSE(p.ok());
  EXPECT_FALSE(check_flow_settings(l.l.settings).ok());
  return p.ok() ? "" : p.error().format();
}

TEST(MidstreamPolicy, ResolvesAsSuricataIdsMode) {
  EXPECT_EQ(policy(""), ExceptionPolicy::kIgnore);
  EXPECT_EQ(policy("stream:\n  midstream-policy: auto\n"), ExceptionPolicy::kIgnore);
  EXPECT_EQ(policy("stream:\n  midstream-policy: bypass\n"), ExceptionPolicy::kBypass);
  EXPECT_EQ(policy("", {"stream.midstream-policy=pass-flow"}), ExceptionPolicy::kPassFlow);
  EXPECT_EQ(policy("", {"stream.midstream-policy=reject"}), ExceptionPolicy::kReject);
  // With midstream pickup on, only ignore and pass-flow may be set directly.
  EXPECT_EQ(policy("stream:\n  midstream: true\n  midstream-policy: pass-flow\n"), ExceptionPolicy::kPassFlow);
  // The master switch when the policy is not set; its drop actions are ignore in IDS mode; the direct
  // setting wins over it.
  EXPECT_EQ(policy("exception-policy: bypass\n"), ExceptionPolicy::kBypass);
  EXPECT_EQ(policy("exception-policy: bypass\nstream:\n  midstream: true\n"), ExceptionPolicy::kBypass);
  EXPECT_EQ(policy("exception-policy: drop-flow\n"), ExceptionPolicy::kIgnore);
  EXPECT_EQ(policy("exception-policy: auto\n"), ExceptionPolicy::kIgnore);
  EXPECT_EQ(policy("exception-policy: bypass\nstream:\n  midstream-policy: ignore\n"), ExceptionPolicy::kIgnore);
}

TEST(MidstreamPolicy, RefusesWhatSuricataRefuses) {
  std::string e = policy_error("stream:\n  midstream: true\n  midstream-policy: bypass\n");
  EXPECT_NE(e.find("agent.yaml:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("stream.midstream-policy"), std::string::npos) << e;
  EXPECT_NE(policy_error("stream:\n  midstream-policy: drop-flow\n").find("IPS"), std::string::npos);
  EXPECT_NE(policy_error("stream:\n  midstream-policy: pass-packet\n").find("whole flow"), std::string::npos);
  EXPECT_NE(policy_error("exception-policy: pass-packet\n").find("exception-policy"), std::string::npos);
  // A value outside the list is a schema error.
  Loaded bad("stream:\n  midstream-policy: sometimes\n");
  EXPECT_FALSE(bad.l.diag.ok());
}

struct Harness {
  decode::Decoder dec;
  FlowTable table;
  int64_t ts = 1'000'000'000;
  tp::Bytes frame;
  explicit Harness(FlowConfig c) : table(c, [](Flow&) {}) {}
  Flow* feed(const tp::Bytes& ip) {
    frame = tp::eth(ip, false);
    decode::Packet p;
    dec.decode(frame, static_cast<uint32_t>(frame.size()), ts += 1000, 1, 1, &p);
    Direction d;
    return table.get(p, &d);
  }
};

FlowConfig cfg(ExceptionPolicy p, bool midstream) {
  FlowConfig c;
  c.midstream = midstream;
  c.midstream_policy = p;
  return c;
}

TEST(MidstreamPolicy, BypassStopsEverything) {
  Harness h(cfg(ExceptionPolicy::kBypass, false));
  tp::TcpConv c("10.0.0.1", 40000, "10.0.0.2", 80);
  c.handshake();
  Flow* f = h.feed(c.data(true, "GET / HTTP/1.1\r\n\r\n"));
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->bypassed);
  EXPECT_TRUE(f->no_inspection);
  EXPECT_TRUE(f->no_detection);
  EXPECT_EQ(f->action, FlowAction::kPass);
  EXPECT_EQ(f->exception_targets, kTargetMidstream);
  EXPECT_EQ(f->midstream_policy_applied, ExceptionPolicy::kBypass);
  EXPECT_FALSE(f->midstream);
  EXPECT_EQ(h.table.stats().midstream_policy, 1u);
}

TEST(MidstreamPolicy, PassFlowKeepsTheSessionOnlyWithMidstreamPickup) {
  {
    Harness h(cfg(ExceptionPolicy::kPassFlow, true));
    tp::TcpConv c("10.0.0.1", 40001, "10.0.0.2", 80);
    c.handshake();
    Flow* f = h.feed(c.data(true, "x"));
    EXPECT_TRUE(f->midstream);
    EXPECT_EQ(f->state, FlowState::kEstablished);
    EXPECT_FALSE(f->no_inspection);  // session and app layer still run
    EXPECT_TRUE(f->no_detection);
    EXPECT_EQ(f->action, FlowAction::kPass);
    EXPECT_FALSE(f->bypassed);
  }
  {
    Harness h(cfg(ExceptionPolicy::kPassFlow, false));
    tp::TcpConv c("10.0.0.1", 40002, "10.0.0.2", 80);
    c.handshake();
    Flow* f = h.feed(c.data(true, "x"));
    EXPECT_FALSE(f->midstream);
    EXPECT_TRUE(f->no_inspection);
    EXPECT_TRUE(f->no_detection);
  }
}

TEST(MidstreamPolicy, RejectUntracksButStillInspectsPackets) {
  Harness h(cfg(ExceptionPolicy::kReject, false));
  tp::TcpConv c("10.0.0.1", 40003, "10.0.0.2", 80);
  auto hs = c.handshake();
  Flow* f = h.feed(hs[1]);  // picked up at the SYN/ACK
  EXPECT_TRUE(f->no_inspection);
  EXPECT_FALSE(f->no_detection);
  EXPECT_EQ(f->action, FlowAction::kNone);  // IDS mode: never dropped
  EXPECT_EQ(f->midstream_policy_applied, ExceptionPolicy::kReject);
}

TEST(MidstreamPolicy, HandshakeFlowsAndIgnoreAreUntouched) {
  Harness h(cfg(ExceptionPolicy::kBypass, false));
  tp::TcpConv c("10.0.0.1", 40004, "10.0.0.2", 80);
  Flow* f = nullptr;
  for (auto& b : c.handshake()) f = h.feed(b);
  f = h.feed(c.data(true, "x"));
  EXPECT_FALSE(f->bypassed);
  EXPECT_FALSE(f->no_inspection);
  EXPECT_FALSE(f->no_detection);
  EXPECT_EQ(f->exception_targets, 0);
  EXPECT_EQ(h.table.stats().midstream_policy, 0u);

  Harness ig(cfg(ExceptionPolicy::kIgnore, true));
  tp::TcpConv c2("10.0.0.1", 40005, "10.0.0.2", 80);
  c2.handshake();
  f = ig.feed(c2.data(true, "x"));
  EXPECT_TRUE(f->midstream);
  EXPECT_FALSE(f->no_detection);
  EXPECT_EQ(f->exception_targets, 0);
}

}  // namespace
}  // namespace picket::flow
