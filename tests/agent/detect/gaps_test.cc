// Tests agent/detect/engine.cc semantics found through the suricata-verify conformance run: flowbits on
// packets without a tracked flow, dsize negation, icmpv4/icmpv6 headers, rules mixing payload and app-layer
// buffers, re-inspection once the app protocol is known, DNS answer names, the stream boundary window, and
// bare (unquoted) pcre values.
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>

#include "tests/agent/detect/helpers.h"
#include "tests/support/process.h"

namespace picket::detect {
namespace {

using test::build;
using test::tcp_packet;

std::vector<uint32_t> sorted(std::vector<uint32_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(EngineGaps, FlowbitsActWithinOnePacketWithoutAFlow) {
  // suricata-verify detect-flowbits: setters (and unsetters) first, then set+read, then readers.
  auto b = build(
      "alert ip any any -> any any (msg:\"s1\"; flowbits:set,fb1; sid:1;)\n"
      "alert ip any any -> any any (msg:\"s2\"; flowbits:set,fb2; sid:2;)\n"
      "alert ip any any -> any any (msg:\"or\"; flowbits:isset,fb3|fb4; sid:3;)\n"
      "alert ip any any -> any any (msg:\"or\"; flowbits:isset,fb1|fb5; sid:5;)\n"
      "alert ip any any -> any any (msg:\"not or\"; flowbits:isnotset, fb1|fb2 ; sid:6;)\n"
      "alert ip any any -> any any (msg:\"unset\"; flowbits:unset,fb1; sid:7;)\n"
      "alert ip any any -> any any (msg:\"s\"; flowbits:noalert; flowbits:isnotset,fb1; flowbits:set,fb1; "
      "content:\"GET \"; sid:8;)\n"
      "alert ip any any -> any any (msg:\"isset\"; flowbits:isset,fb1; sid:9;)\n"
      "alert ip any any -> any any (msg:\"n\"; flowbits:noalert; content:\"GET \"; sid:10;)\n"
      "alert ip any any -> any any (msg:\"i\"; flowbits:isset,fbt; content:\"GET \"; sid:11;)\n"
      "alert ip any any -> any any (msg:\"and\"; flowbits:isset,fb1; flowbits:isset,fb2; sid:12;)\n");
  Input in = tcp_packet("GET /one/ HTTP/1.1\r\n\r\n");
  in.has_flow = false;
  in.established = false;
  EXPECT_EQ(sorted(b.run(in, false)), (std::vector<uint32_t>{1, 2, 5, 7, 9, 12}));
}

TEST(EngineGaps, NegatedDsizeNeedsAPayload) {
  auto b = build("alert tcp any any -> any any (msg:\"ne\"; dsize:!9; sid:1;)\n"
                 "alert tcp any any -> any any (msg:\"lt\"; dsize:<10; sid:2;)\n");
  EXPECT_EQ(b.run(tcp_packet("")), std::vector<uint32_t>{2});
  EXPECT_EQ(sorted(b.run(tcp_packet("0123456789"))), std::vector<uint32_t>{1});
  EXPECT_EQ(b.run(tcp_packet("012345678")), std::vector<uint32_t>{2});
}

TEST(EngineGaps, IcmpVersionsInTheHeader) {
  auto b = build("alert icmpv6 any any -> any any (msg:\"v6\"; itype:128; sid:1;)\n"
                 "alert icmpv4 any any -> any any (msg:\"v4\"; itype:8; sid:2;)\n"
                 "alert icmp any any -> any any (msg:\"any\"; itype:128; sid:3;)\n");
  EXPECT_EQ(b.set_errors.failed, 0u);
  Input in = tcp_packet("");
  in.ip_proto = 58;
  in.icmp_type = 128;
  EXPECT_EQ(sorted(b.run(in)), (std::vector<uint32_t>{1, 3}));
  in.ip_proto = 1;
  in.icmp_type = 8;
  EXPECT_EQ(b.run(in), std::vector<uint32_t>{2});
  auto bad = build("alert icmpv6 any any -> any any (msg:\"x\"; http.uri; content:\"a\"; sid:4;)\n");
  EXPECT_EQ(bad.set_errors.failed, 1u);
}

TEST(EngineGaps, MixedPayloadAndAppBufferMatchesTheTransactionWithItsPayload) {
  auto b = build("alert dns any any -> any any (msg:\"m\"; content:\"|01 00 00 01|\"; offset:2; depth:4; "
                 "dns_query; content:\"evil\"; sid:1;)\n");
  EXPECT_EQ(b.engine->stats().mixed, 1u);
  Input tx = tcp_packet("");
  tx.ip_proto = 17;
  tx.present = 0;
  tx.kind = Input::kTransaction;
  tx.app_proto = Proto::kDns;
  tx.set(Buf::kDnsQuery, std::string_view("evil.example"));
  const std::string good("\x12\x34\x01\x00\x00\x01", 6), bad("\x12\x34\x01\x00\x00\x02", 6);
  tx.set(Buf::kPayload, std::string_view(good));
  EXPECT_EQ(b.run(tx), std::vector<uint32_t>{1});
  tx.tx_id = 1;
  tx.set(Buf::kPayload, std::string_view(bad));
  EXPECT_TRUE(b.run(tx).empty());
  // Without the payload (or as a bare packet) it cannot match.
  tx.tx_id = 2;
  tx.present &= ~(uint64_t{1} << static_cast<int>(Buf::kPayload));
  EXPECT_TRUE(b.run(tx).empty());
  Input pkt = tcp_packet(good);
  pkt.ip_proto = 17;
  pkt.app_proto = Proto::kDns;
  EXPECT_TRUE(b.run(pkt).empty());
}

TEST(EngineGaps, AppRulesOnlyReinspection) {
  auto b = build("alert http any any -> any any (msg:\"app\"; content:\"GET\"; sid:1;)\n"
                 "alert tcp any any -> any any (msg:\"tcp\"; content:\"GET\"; sid:2;)\n");
  Input in = tcp_packet("GET / HTTP/1.1");
  in.kind = Input::kStream;
  EXPECT_EQ(b.run(in), std::vector<uint32_t>{2});  // app protocol not known yet
  in.app_proto = Proto::kHttp;
  in.app_rules_only = true;
  EXPECT_EQ(b.run(in), std::vector<uint32_t>{1});
}

TEST(EngineGaps, DnsAnswerAndQueryNames) {
  auto b = build("alert dns any any -> any any (msg:\"a\"; dns.answer.name; content:\"bad.example\"; sid:1;)\n"
                 "alert dns any any -> any any (msg:\"q\"; dns.query.name; content:\"bad.example\"; sid:2;)\n"
                 "alert dns any any -> any any (msg:\"q\"; dns.query; content:\"bad.example\"; sid:3;)\n");
  EXPECT_EQ(b.set_errors.failed, 0u);
  Input tx = tcp_packet("", false);
  tx.ip_proto = 17;
  tx.present = 0;
  tx.kind = Input::kTransaction;
  tx.app_proto = Proto::kDns;
  tx.set(Buf::kDnsAnswerName, std::string_view("www.bad.example"));
  EXPECT_EQ(b.run(tx), std::vector<uint32_t>{1});
  Input q = tx;
  q.present = 0;
  q.tx_id = 1;
  q.set(Buf::kDnsQueryName, std::string_view("bad.example"));
  EXPECT_EQ(b.run(q), std::vector<uint32_t>{2});
}

TEST(EngineGaps, BoundaryWindowSkipsAnchoredRules) {
  auto b = build("alert tcp any any -> any any (msg:\"free\"; content:\"EVIL\"; sid:1;)\n"
                 "alert tcp any any -> any any (msg:\"anchored\"; content:\"EVIL\"; depth:4; sid:2;)\n");
  EXPECT_EQ(b.engine->stats().max_payload_content, 4u);
  Input in = tcp_packet("EVIL");
  in.kind = Input::kStream;
  EXPECT_EQ(sorted(b.run(in)), (std::vector<uint32_t>{1, 2}));
  in.boundary = true;
  EXPECT_EQ(b.run(in), std::vector<uint32_t>{1});
}

TEST(EngineGaps, BarePcreValue) {
  auto b = build("alert tcp any any -> any any (msg:\"bare\"; pcre:/one/U; sid:1;)\n"
                 "alert tcp any any -> any any (msg:\"bad\"; pcre:\"/one/; sid:2;)\n");
  EXPECT_EQ(b.engine->rules().size(), 1u);
  EXPECT_EQ(b.set_errors.failed, 1u);
  Input tx = test::http_request("GET", "/one", "h");
  EXPECT_EQ(b.run(tx), std::vector<uint32_t>{1});
}

TEST(EngineGaps, HyperscanDatabaseCache) {
  picket::test::TempDir tmp;
  EngineConfig cfg;
  cfg.cache_dir = tmp.file("cache");
  const std::string rules = "alert tcp any any -> any any (msg:\"a\"; content:\"cached-pattern\"; sid:1;)\n"
                            "alert http any any -> any any (msg:\"b\"; http.uri; content:\"/cached\"; sid:2;)\n";
  auto first = build(rules, cfg);
  EXPECT_GT(first.engine->stats().databases, 0u);
  // Groups with the same literals (tcp to_server and to_client) share one entry, written by the first.
  EXPECT_LT(first.engine->stats().cached_databases, first.engine->stats().databases);
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(cfg.cache_dir)) files += e.path().extension() == ".hsdb";
  EXPECT_GE(files, 1u);
  EXPECT_LE(files, first.engine->stats().databases);
  auto second = build(rules, cfg);
  EXPECT_TRUE(second.engine->stats().from_cache);
  EXPECT_EQ(second.run(tcp_packet("xx cached-pattern xx")), std::vector<uint32_t>{1});
  EXPECT_EQ(second.run(test::http_request("GET", "/cached", "h")), std::vector<uint32_t>{2});
  // A damaged entry is a miss (compiled again), never a failure.
  for (const auto& e : std::filesystem::directory_iterator(cfg.cache_dir)) tmp.write("cache/" + e.path().filename().string(), "junk");
  auto third = build(rules, cfg);
  EXPECT_LT(third.engine->stats().cached_databases, third.engine->stats().databases);
  EXPECT_EQ(third.run(tcp_packet("xx cached-pattern xx")), std::vector<uint32_t>{1});
  // A different rule set uses different entries.
  auto other = build("alert tcp any any -> any any (msg:\"c\"; content:\"other-pattern\"; sid:3;)\n", cfg);
  EXPECT_FALSE(other.engine->stats().from_cache);
}

}  // namespace
}  // namespace picket::detect
