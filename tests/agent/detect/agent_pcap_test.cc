// Tests agent/detect/inspector.cc end to end: generated captures go through the real picket-agent
// (--read-pcap) with rules, and the alerts in eve.json are counted per sid. Covers what only the pipeline
// adapter can get right: content split across stream chunks, rules that mix payload content and app-layer
// buffers, DNS responses (dns.answer.name), and rules that need the app protocol on the very packet that
// revealed it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/agent/decode/pcap_builder.h"
#include "tests/support/process.h"

namespace picket {
namespace {

namespace tp = testpkt;
using nlohmann::json;

// Runs picket-agent on `pcap` with `rules` and returns alert counts per sid.
std::map<uint32_t, int> alerts(const test::TempDir& dir, const tp::PcapWriter& w, const std::string& rules) {
  std::string pcap = dir.file("in.pcap");
  EXPECT_TRUE(w.save(pcap));
  std::string rule_file = dir.write("test.rules", rules);
  std::string eve = dir.file("eve.json");
  auto r = test::run({test::program_path("picket-agent"), "--read-pcap", pcap, "--rules", rule_file, "--eve-log",
                      eve, "--eve-types", "alert", "-k", "none"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<uint32_t, int> out;
  std::ifstream in(eve);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto e = json::parse(line);
    if (e.value("event_type", "") == "alert") out[e["alert"]["signature_id"].get<uint32_t>()]++;
  }
  return out;
}

TEST(DetectAgent, ContentSplitAcrossStreamChunks) {
  test::TempDir dir;
  tp::PcapWriter w;
  tp::TcpConv c("192.168.1.10", 40000, "10.20.30.40", 8000);
  for (auto& b : c.handshake()) w.add_ip(b);
  w.add_ip(c.data(true, "hello there, this is EV"));
  w.add_ip(c.data(false, "ok"));
  w.add_ip(c.data(true, "IL-PAYLOAD and more"));
  w.add_ip(c.data(false, "ok"));
  for (auto& b : c.close()) w.add_ip(b);
  auto got = alerts(dir, w,
                    "alert tcp any any -> any any (msg:\"split\"; content:\"EVIL-PAYLOAD\"; sid:1;)\n"
                    "alert tcp any any -> any any (msg:\"whole\"; content:\"hello there\"; sid:2;)\n"
                    // Anchored at the stream start: the boundary window must not fake a match at its start.
                    "alert tcp any any -> any any (msg:\"anchored\"; content:\"is EV\"; depth:5; sid:3;)\n"
                    "alert tcp any any -> any any (msg:\"absent\"; content:\"EVIL-PAYLOADX\"; sid:4;)\n");
  EXPECT_EQ(got[1], 1);
  EXPECT_EQ(got[2], 1);  // inside the first chunk only: not repeated by the boundary window
  EXPECT_EQ(got[3], 0);
  EXPECT_EQ(got[4], 0);
}

TEST(DetectAgent, DnsPayloadMixedWithQueryAndResponses) {
  test::TempDir dir;
  tp::PcapWriter w;
  tp::Addr a("192.168.1.10"), r("192.168.1.1");
  w.add_ip(tp::ipv4(a, r, 17, tp::udp(a, r, 33333, 53, tp::dns_query(0x1234, "drivres-update.example"))));
  const uint8_t addr[4] = {10, 0, 0, 7};
  w.add_ip(tp::ipv4(r, a, 17, tp::udp(r, a, 53, 33333, tp::dns_answer(0x1234, "drivres-update.example", addr))));
  auto got = alerts(
      dir, w,
      // Payload content (the flags and qdcount) and dns.query in one rule.
      "alert dns any any -> any any (msg:\"mixed\"; content:\"|01 00 00 01|\"; offset:2; depth:4; dns_query; "
      "content:\"drivres-update\"; sid:1;)\n"
      "alert dns any any -> any any (msg:\"mixed no\"; content:\"|01 00 00 02|\"; offset:2; depth:4; dns_query; "
      "content:\"drivres-update\"; sid:2;)\n"
      // Payload-only rule on an app protocol: must match the first datagram (the one that revealed DNS).
      "alert dns any any -> any 53 (msg:\"dns payload\"; content:\"|0e|drivres-update|07|example|00|\"; sid:3;)\n"
      "alert dns any any -> any any (msg:\"answer\"; dns.answer.name; content:\"drivres-update\"; sid:4;)\n"
      "alert dns any any -> any any (msg:\"qname both\"; dns.query.name; content:\"drivres\"; sid:5;)\n"
      "alert dns any any -> any any (msg:\"query only\"; dns.query; content:\"drivres\"; sid:6;)\n");
  EXPECT_EQ(got[1], 1);
  EXPECT_EQ(got[2], 0);
  EXPECT_EQ(got[3], 1);
  EXPECT_EQ(got[4], 1);
  EXPECT_EQ(got[5], 2);  // the question in the query and in the response
  EXPECT_EQ(got[6], 1);
}

// Runs picket-agent and returns the alert events.
std::vector<json> alert_events(const test::TempDir& dir, const tp::PcapWriter& w, const std::string& rules) {
  std::string pcap = dir.file("in.pcap");
  EXPECT_TRUE(w.save(pcap));
  std::string rule_file = dir.write("test.rules", rules);
  std::string eve = dir.file("eve.json");
  auto r = test::run({test::program_path("picket-agent"), "--read-pcap", pcap, "--rules", rule_file, "--eve-log",
                      eve, "--eve-types", "alert", "-k", "none"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out;
  std::ifstream in(eve);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

// LLMNR: a multicast query and the unicast answer that opens a flow of its own. Each message is seen in
// its own direction (query to_server, response to_client) and the alerts carry the "llmnr" object.
TEST(DetectAgent, LlmnrQueryAndAnswerDirections) {
  test::TempDir dir;
  tp::PcapWriter w;
  tp::Addr c("192.168.10.233"), mc("224.0.0.252"), s("192.168.10.101");
  w.add_ip(tp::ipv4(c, mc, 17, tp::udp(c, mc, 54022, 5355, tp::dns_query(0xC341, "hs2011"))));
  const uint8_t addr[4] = {192, 168, 10, 101};
  w.add_ip(tp::ipv4(s, c, 17, tp::udp(s, c, 5355, 54022, tp::dns_answer(0xC341, "hs2011", addr))));
  auto ev = alert_events(dir, w,
                         "alert llmnr any any -> any any (flow:to_server; sid:1;)\n"
                         "alert llmnr any any -> any any (flow:to_server; content:\"hs2011\"; sid:2;)\n"
                         "alert llmnr any any -> any any (flow:to_client; sid:3;)\n"
                         "alert dns any any -> any any (sid:4;)\n");
  std::map<uint32_t, int> n;
  for (const auto& e : ev) {
    uint32_t sid = e["alert"]["signature_id"];
    n[sid]++;
    ASSERT_TRUE(e.contains("llmnr")) << e.dump();
    EXPECT_EQ(e["llmnr"]["type"], sid == 3 ? "response" : "request");
    EXPECT_EQ(e["llmnr"]["id"], 0xC341);
    EXPECT_EQ(e["llmnr"]["queries"][0]["rrtype"], "a");
    if (sid == 3) {
      EXPECT_EQ(e["llmnr"]["answers"][0]["a"], "192.168.10.101");
    }
    EXPECT_EQ(e["app_proto"], "llmnr");
  }
  EXPECT_EQ(n[1], 1);
  EXPECT_EQ(n[2], 1);
  EXPECT_EQ(n[3], 1);
  EXPECT_EQ(n[4], 0);  // LLMNR is not DNS
}

// DHCP: request and ACK of one flow; a to_server rule only matches the request, to_client the reply.
TEST(DetectAgent, DhcpRequestAndReplyDirections) {
  auto dhcp = [](uint8_t op, uint8_t type) {
    tp::Bytes m(240, 0);
    m[0] = op;
    m[1] = 1;
    m[2] = 6;
    m[7] = 0x44;
    m[236] = 99, m[237] = 130, m[238] = 83, m[239] = 99;
    for (uint8_t b : tp::Bytes{53, 1, type, 255}) m.push_back(b);
    return m;
  };
  test::TempDir dir;
  tp::PcapWriter w;
  tp::Addr c("10.16.1.4"), s("10.16.1.1");
  w.add_ip(tp::ipv4(c, s, 17, tp::udp(c, s, 68, 67, dhcp(1, 3))));
  w.add_ip(tp::ipv4(s, c, 17, tp::udp(s, c, 67, 68, dhcp(2, 5))));
  auto ev = alert_events(dir, w,
                         "alert dhcp any any -> any any (flow:to_server; sid:1;)\n"
                         "alert dhcp any any -> any any (flow:to_client; sid:2;)\n");
  ASSERT_EQ(ev.size(), 2u);
  for (const auto& e : ev) {
    uint32_t sid = e["alert"]["signature_id"];
    EXPECT_EQ(e["dhcp"]["type"], sid == 1 ? "request" : "reply") << e.dump();
    EXPECT_EQ(e["dhcp"]["dhcp_type"], sid == 1 ? "request" : "ack");
  }
}

TEST(DetectAgent, HttpRuleMixingPayloadAndUri) {
  test::TempDir dir;
  tp::PcapWriter w;
  tp::TcpConv c("192.168.1.10", 40001, "10.20.30.40", 80);
  for (auto& b : c.handshake()) w.add_ip(b);
  w.add_ip(c.data(true, "GET /picket/mixed HTTP/1.1\r\nHost: a.example\r\nUser-Agent: x\r\n\r\n"));
  w.add_ip(c.data(false, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  for (auto& b : c.close()) w.add_ip(b);
  auto got = alerts(dir, w,
                    "alert http any any -> any any (msg:\"m\"; content:\"User-Agent|3a| x\"; "
                    "http.uri; content:\"/picket/mixed\"; sid:1;)\n"
                    "alert http any any -> any any (msg:\"m no\"; content:\"User-Agent|3a| y\"; "
                    "http.uri; content:\"/picket/mixed\"; sid:2;)\n"
                    // Payload-only rule on the app protocol: sees the first data chunk.
                    "alert http any any -> any any (msg:\"p\"; content:\"GET /picket\"; sid:3;)\n");
  EXPECT_EQ(got[1], 1);
  EXPECT_EQ(got[2], 0);
  EXPECT_EQ(got[3], 1);
}

}  // namespace
}  // namespace picket
