// Tests the engine-level settings end to end through the real picket-agent (--read-pcap): the midstream
// exception policy (agent/flow), action-order with the EVE verdict, packet-alert-max, and the EVE alert
// metadata options (flow/app-layer/rule metadata off, the rule's text on).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/agent/decode/pcap_builder.h"
#include "tests/support/process.h"

namespace picket {
namespace {

namespace tp = testpkt;
using nlohmann::json;

struct Run {
  int exit_code = 0;
  std::string err;
  std::vector<json> alerts, flows, http;
};

Run run_agent(const test::TempDir& dir, const tp::PcapWriter& w, const std::string& rules,
              const std::vector<std::string>& sets) {
  std::string pcap = dir.file("in.pcap");
  EXPECT_TRUE(w.save(pcap));
  std::string rule_file = dir.write("test.rules", rules);
  std::string eve = dir.file("eve.json");
  std::remove(eve.c_str());
  std::vector<std::string> argv = {test::program_path("picket-agent"), "--read-pcap", pcap, "--rules", rule_file,
                                   "--eve-log", eve, "--eve-types", "alert,flow,http", "-k", "none"};
  for (const auto& s : sets) {
    argv.push_back("--set");
    argv.push_back(s);
  }
  auto r = test::run(argv);
  Run out;
  out.exit_code = r.exit_code;
  out.err = r.err;
  std::ifstream in(eve);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto e = json::parse(line);
    std::string t = e.value("event_type", "");
    if (t == "alert") out.alerts.push_back(e);
    if (t == "flow") out.flows.push_back(e);
    if (t == "http") out.http.push_back(e);
  }
  return out;
}

// An HTTP exchange picked up after its handshake (the capture starts at the request).
tp::PcapWriter midstream_http() {
  tp::PcapWriter w;
  tp::TcpConv c("10.16.1.11", 54186, "82.165.177.154", 80);
  c.handshake();
  w.add_ip(c.data(true, "GET / HTTP/1.1\r\nHost: example.test\r\nUser-Agent: curl/7.0\r\n\r\n"));
  w.add_ip(c.data(false, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nuid=0(root)"));
  w.add_ip(c.data(true, tp::Bytes{}, tp::TcpConv::ACK));
  for (auto& b : c.close()) w.add_ip(b);
  return w;
}

const char* kRootRule =
    "alert ip any any -> any any (msg:\"id check returned root\"; content:\"uid=0|28|root|29|\"; sid:2100498;)\n"
    "alert http any any -> any any (msg:\"HTTP traffic\"; sid:1;)\n";

TEST(PolicyAgent, MidstreamDisabledIgnoreInspectsPacketsOnly) {
  test::TempDir dir;
  auto r = run_agent(dir, midstream_http(), kRootRule, {"stream.midstream=false"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.alerts.size(), 1u);  // the packet rule, not the http one (no session, no app layer)
  EXPECT_EQ(r.alerts[0]["alert"]["signature_id"], 2100498);
}

TEST(PolicyAgent, MidstreamBypassAndPassFlowStopDetection) {
  for (const char* policy : {"bypass", "pass-flow"}) {
    test::TempDir dir;
    auto r = run_agent(dir, midstream_http(), kRootRule,
                       {"stream.midstream=false", std::string("stream.midstream-policy=") + policy});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.alerts.empty()) << policy;
    EXPECT_TRUE(r.http.empty()) << policy;
    ASSERT_EQ(r.flows.size(), 1u);
    EXPECT_EQ(r.flows[0]["flow"]["action"], "pass") << policy;
    EXPECT_EQ(r.flows[0]["flow"]["state"], std::string(policy) == "bypass" ? "bypassed" : "closed");
  }
}

TEST(PolicyAgent, MidstreamRejectInIdsModeOnlyUntracks) {
  test::TempDir dir;
  auto r = run_agent(dir, midstream_http(), kRootRule, {"stream.midstream=false", "stream.midstream-policy=reject"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.alerts.size(), 1u);
  EXPECT_EQ(r.alerts[0]["alert"]["signature_id"], 2100498);
  EXPECT_TRUE(r.http.empty());
  ASSERT_EQ(r.flows.size(), 1u);
  EXPECT_FALSE(r.flows[0]["flow"].contains("action"));  // never dropped: Picket only watches
}

TEST(PolicyAgent, MidstreamPickupWithPassFlowLogsButDoesNotDetect) {
  test::TempDir dir;
  auto r = run_agent(dir, midstream_http(), kRootRule, {"stream.midstream=true", "stream.midstream-policy=pass-flow"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.alerts.empty());
  EXPECT_EQ(r.http.size(), 1u);  // session and app layer still tracked and logged
}

TEST(PolicyAgent, MasterSwitchBypassAppliesToMidstreamPickup) {
  test::TempDir dir;
  auto r = run_agent(dir, midstream_http(), kRootRule, {"stream.midstream=true", "exception-policy=bypass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.alerts.empty());
  ASSERT_EQ(r.flows.size(), 1u);
  EXPECT_EQ(r.flows[0]["flow"]["state"], "bypassed");
}

TEST(PolicyAgent, InvalidPolicyCombinationIsAConfigError) {
  test::TempDir dir;
  auto r = run_agent(dir, midstream_http(), kRootRule, {"stream.midstream=true", "stream.midstream-policy=bypass"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("stream.midstream-policy"), std::string::npos) << r.err;
}

// A TLS-port flow with its handshake: every TCP packet matches sid 3, the pass rule sid 2 matches them too.
tp::PcapWriter handshake_flow() {
  tp::PcapWriter w;
  tp::TcpConv c("192.168.1.10", 40000, "10.20.30.40", 443);
  for (auto& b : c.handshake()) w.add_ip(b);
  w.add_ip(c.data(true, "\x16\x03\x01 hello"));
  w.add_ip(c.data(false, "\x16\x03\x01 server"));
  for (auto& b : c.close()) w.add_ip(b);
  return w;
}

const char* kVerdictRules =
    "alert tcp any any -> any any (msg:\"payload\"; content:\"hello\"; sid:1;)\n"
    "pass tcp any any -> any 443 (priority:1; sid:2;)\n"
    "alert tcp any any -> any any (sid:3;)\n";

TEST(PolicyAgent, ActionOrderAlertFirstGivesThePassVerdict) {
  test::TempDir dir;
  auto r = run_agent(dir, handshake_flow(), kVerdictRules,
                     {"action-order=[alert, pass, drop, reject]", "outputs.eve.alert.verdict=true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.alerts.size(), 1u);  // the SYN, then the flow is passed
  EXPECT_EQ(r.alerts[0]["alert"]["signature_id"], 3);
  EXPECT_EQ(r.alerts[0]["verdict"]["action"], "pass");
  ASSERT_EQ(r.flows.size(), 1u);
  EXPECT_EQ(r.flows[0]["flow"]["action"], "pass");

  // Suricata's default order: the pass rule goes first, nothing alerts; no verdict unless asked for.
  test::TempDir dir2;
  auto d = run_agent(dir2, handshake_flow(), kVerdictRules, {});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_TRUE(d.alerts.empty());
  auto v = run_agent(dir2, handshake_flow(), "alert tcp any any -> any any (content:\"hello\"; sid:1;)\n", {});
  ASSERT_EQ(v.alerts.size(), 1u);
  EXPECT_FALSE(v.alerts[0].contains("verdict"));
}

TEST(PolicyAgent, PacketAlertMaxKeepsTheHighestRanked) {
  test::TempDir dir;
  std::string rules;
  for (int i = 1; i <= 4; ++i) {
    rules += "alert tcp any any -> any any (msg:\"r" + std::to_string(i) + "\"; content:\"hello\"; priority:" +
             std::to_string(5 - i) + "; sid:" + std::to_string(i) + ";)\n";
  }
  auto r = run_agent(dir, handshake_flow(), rules, {"packet-alert-max=2", "outputs.eve.alert.verdict=true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.alerts.size(), 2u);
  std::vector<int> sids;
  for (const auto& a : r.alerts) {
    sids.push_back(a["alert"]["signature_id"].get<int>());
    EXPECT_EQ(a["verdict"]["action"], "alert");
  }
  std::sort(sids.begin(), sids.end());
  EXPECT_EQ(sids, (std::vector<int>{3, 4}));  // priorities 2 and 1
  test::TempDir dir2;
  EXPECT_EQ(run_agent(dir2, handshake_flow(), rules, {}).alerts.size(), 4u);  // default 15
}

// The HTTP request with a curl user agent, with its handshake.
tp::PcapWriter http_flow() {
  tp::PcapWriter w;
  tp::TcpConv c("10.16.1.11", 46652, "82.165.177.154", 80);
  for (auto& b : c.handshake()) w.add_ip(b);
  w.add_ip(c.data(true, "GET / HTTP/1.1\r\nHost: www.testmyids.com\r\nUser-Agent: curl/7.43.0\r\n\r\n"));
  w.add_ip(c.data(false, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  for (auto& b : c.close()) w.add_ip(b);
  return w;
}

const char* kMetaRule =
    "alert http any any -> any any (msg:\"TEST\"; content:\"curl\"; http_user_agent; "
    "metadata:tag tag1, created_at 2018-01-30; sid:1; rev:1;)";

TEST(PolicyAgent, AlertMetadataOffAndRuleText) {
  test::TempDir dir;
  auto on = run_agent(dir, http_flow(), kMetaRule, {"outputs.eve.alert.rule-raw=true"});
  ASSERT_EQ(on.exit_code, 0) << on.err;
  ASSERT_EQ(on.alerts.size(), 1u);
  const json& a = on.alerts[0];
  EXPECT_EQ(a["alert"]["metadata"]["tag"][0], "tag1");
  EXPECT_EQ(a["alert"]["metadata"]["created_at"][0], "2018-01-30");
  EXPECT_EQ(a["alert"]["rule"], kMetaRule);
  EXPECT_TRUE(a.contains("flow"));
  EXPECT_TRUE(a.contains("http"));

  auto off = run_agent(dir, http_flow(), kMetaRule, {"outputs.eve.alert.metadata=false"});
  ASSERT_EQ(off.alerts.size(), 1u);
  const json& b = off.alerts[0];
  EXPECT_FALSE(b.contains("flow"));
  EXPECT_FALSE(b.contains("http"));
  EXPECT_FALSE(b["alert"].contains("metadata"));
  EXPECT_FALSE(b["alert"].contains("rule"));
  EXPECT_EQ(b["alert"]["signature_id"], 1);
}

}  // namespace
}  // namespace picket
