// Tests agent/detect/engine.cc, iponly.cc, threshold.cc and classification.cc: alert semantics.
#include "agent/detect/engine.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "agent/detect/reload.h"
#include "tests/agent/detect/helpers.h"

namespace picket::detect {
namespace {

using test::build;
using test::http_request;
using test::tcp_packet;

TEST(Engine, PrefilterFindsOnlyMatchingRules) {
  std::string rules;
  for (int i = 1; i <= 300; ++i) {
    rules += "alert tcp any any -> any any (msg:\"r" + std::to_string(i) + "\"; content:\"pattern-" +
             std::to_string(i) + "-end\"; sid:" + std::to_string(i) + ";)\n";
  }
  auto b = build(rules);
  EXPECT_EQ(b.engine->stats().prefiltered, 300u);
  EXPECT_EQ(b.run(tcp_packet("xx pattern-17-end yy pattern-230-end")), (std::vector<uint32_t>{17, 230}));
  EXPECT_TRUE(b.run(tcp_packet("pattern-17-en")).empty());
}

TEST(Engine, IpOnlyRulesUseTheIndex) {
  auto b = build(
      "alert ip [93.184.216.0/24,198.51.100.7] any -> $HOME_NET any (msg:\"bad ip\"; classtype:misc-attack; sid:100;)\n"
      "alert ip $HOME_NET any -> [203.0.113.0/24] any (msg:\"bad dst\"; sid:101;)\n");
  EXPECT_EQ(b.engine->stats().iponly, 2u);
  // Server 93.184.216.34 -> client 10.0.0.1 matches sid 100.
  EXPECT_EQ(b.run(tcp_packet("x", false), false), std::vector<uint32_t>{100});
  EXPECT_TRUE(b.run(tcp_packet("x", true), false).empty());
  Input in = tcp_packet("x");
  parse_ip("203.0.113.9", &in.dst);
  EXPECT_EQ(b.run(in, false), std::vector<uint32_t>{101});
  // IP-only rules are checked on the first packet of each flow direction only.
  Input later = tcp_packet("x", false);
  later.first_in_direction = false;
  EXPECT_TRUE(b.run(later).empty());
}

TEST(Engine, FlowbitsSetThenIssetAndNoalert) {
  auto b = build(
      "alert tcp any any -> any any (msg:\"check\"; content:\"second\"; flowbits:isset,seen; sid:2;)\n"
      "alert tcp any any -> any any (msg:\"set\"; content:\"first\"; flowbits:set,seen; flowbits:noalert; sid:1;)\n");
  EXPECT_TRUE(b.run(tcp_packet("second")).empty());
  EXPECT_TRUE(b.run(tcp_packet("first")).empty());
  EXPECT_EQ(b.run(tcp_packet("second")), std::vector<uint32_t>{2});
  // Setter and reader in the same packet: setters run first.
  auto c = build(
      "alert tcp any any -> any any (msg:\"check\"; content:\"B\"; flowbits:isset,x; sid:2;)\n"
      "alert tcp any any -> any any (msg:\"set\"; content:\"A\"; flowbits:set,x; sid:1;)\n");
  EXPECT_EQ(c.run(tcp_packet("AB")), (std::vector<uint32_t>{1, 2}));
}

TEST(Engine, PassRuleSuppressesAndStopsTheFlow) {
  auto b = build(
      "alert tcp any any -> any any (msg:\"a\"; content:\"x\"; sid:1;)\n"
      "pass tcp any any -> any any (msg:\"p\"; content:\"trusted\"; sid:2;)\n");
  EXPECT_EQ(b.run(tcp_packet("x")), std::vector<uint32_t>{1});
  EXPECT_TRUE(b.run(tcp_packet("x trusted")).empty());
  EXPECT_TRUE(b.run(tcp_packet("x")).empty());  // flow passed
}

TEST(Engine, OneAlertPerTransaction) {
  auto b = build("alert http any any -> any any (msg:\"u\"; http.uri; content:\"/a\"; sid:1;)\n");
  Input in = http_request("GET", "/a", "h");
  EXPECT_EQ(b.run(in), std::vector<uint32_t>{1});
  EXPECT_TRUE(b.run(in).empty());
  in.tx_id = 1;
  EXPECT_EQ(b.run(in), std::vector<uint32_t>{1});
  // App-layer rules never match raw packets and payload rules never match transactions.
  EXPECT_TRUE(b.run(tcp_packet("GET /a HTTP/1.1")).empty());
}

TEST(Engine, ThresholdKeywordAndDetectionFilter) {
  auto b = build(
      "alert tcp any any -> any any (msg:\"l\"; content:\"L\"; threshold:type limit, track by_src, count 2, seconds 60; sid:1;)\n"
      "alert tcp any any -> any any (msg:\"t\"; content:\"T\"; threshold:type threshold, track by_dst, count 3, seconds 60; sid:2;)\n"
      "alert tcp any any -> any any (msg:\"d\"; content:\"D\"; detection_filter:track by_src, count 2, seconds 60; sid:3;)\n");
  int l = 0, t = 0, d = 0;
  for (int i = 0; i < 6; ++i) {
    Input in = tcp_packet("LTD");
    in.ts_us = int64_t{1000000} * i;
    for (auto s : b.run(in, false)) {
      l += s == 1;
      t += s == 2;
      d += s == 3;
    }
  }
  EXPECT_EQ(l, 2);
  EXPECT_EQ(t, 2);
  EXPECT_EQ(d, 4);
}

// detection_filter unique_on (Suricata 9): `count` counts distinct ports in the window, not matches.
TEST(Engine, DetectionFilterUniqueOnCountsDistinctPorts) {
  auto b = build(
      "alert tcp any any -> any any (msg:\"sp\"; content:\"S\"; detection_filter:track by_src, count 1, seconds 60, "
      "unique_on src_port; sid:1;)\n"
      "alert tcp any any -> any any (msg:\"dp\"; content:\"D\"; detection_filter:track by_dst, count 2, seconds 60, "
      "unique_on dst_port; sid:2;)\n");
  ASSERT_EQ(b.set_errors.failed, 0u);
  auto count = [&](std::string_view payload, uint16_t sp, uint16_t dp, int64_t sec, uint32_t sid) {
    Input in = tcp_packet(payload);
    in.sp = sp;
    in.dp = dp;
    in.ts_us = int64_t{1000000} * sec;
    int n = 0;
    for (auto s : b.run(in, false)) n += s == sid;
    return n;
  };
  // The same source port again and again never exceeds one distinct port.
  EXPECT_EQ(count("S", 1000, 80, 0, 1), 0);
  EXPECT_EQ(count("S", 1000, 80, 1, 1), 0);
  EXPECT_EQ(count("S", 1000, 80, 2, 1), 0);
  // A second distinct port exceeds count 1: alert, and every match after it in the window alerts too.
  EXPECT_EQ(count("S", 1001, 80, 3, 1), 1);
  EXPECT_EQ(count("S", 1000, 80, 4, 1), 1);
  // A new window starts over with the packet's port as its first distinct one.
  EXPECT_EQ(count("S", 1002, 80, 100, 1), 0);
  EXPECT_EQ(count("S", 1003, 80, 101, 1), 1);
  // Destination ports, count 2: duplicates do not count; the third distinct port alerts.
  EXPECT_EQ(count("D", 5000, 21, 0, 2), 0);
  EXPECT_EQ(count("D", 5000, 22, 1, 2), 0);
  EXPECT_EQ(count("D", 5001, 22, 2, 2), 0);
  EXPECT_EQ(count("D", 5002, 21, 3, 2), 0);
  EXPECT_EQ(count("D", 5003, 23, 4, 2), 1);
}

TEST(Engine, DetectionFilterUniqueOnNeedsPortsAndAKnownField) {
  auto b = build(
      "alert ip any any -> any any (msg:\"ip\"; detection_filter:track by_src, count 1, seconds 60, unique_on src_port; "
      "sid:1;)\n"
      "alert tcp any any -> any any (msg:\"bad\"; detection_filter:track by_src, count 1, seconds 60, unique_on ttl; "
      "sid:2;)\n"
      "alert udp any any -> any any (msg:\"ok\"; detection_filter:track by_dst, count 3, seconds 60, unique_on dst_port; "
      "sid:3;)\n");
  EXPECT_EQ(b.set_errors.failed, 2u);
  ASSERT_EQ(b.engine->rules().size(), 1u);
  EXPECT_EQ(b.engine->rules()[0].sid, 3u);
}

TEST(Engine, ThresholdConfigSuppressAndOverride) {
  Diagnostics diag;
  auto cfg = ThresholdConfig::parse(
      "# comment\n"
      "suppress gen_id 1, sig_id 1\n"
      "suppress gen_id 1, sig_id 2, track by_src, ip 10.0.0.0/8\n"
      "threshold gen_id 1, sig_id 3, type limit, track by_rule, count 1, seconds 100\n"
      "rate_filter gen_id 1, sig_id 4, track by_rule, count 1, seconds 100, new_action pass, timeout 10\n"
      "bogus line\n",
      "threshold.config", default_vars(), &diag);
  ASSERT_EQ(diag.errors().size(), 1u);
  EXPECT_EQ(diag.errors()[0].line, 6);
  EXPECT_EQ(cfg.suppress.size(), 2u);
  EXPECT_EQ(cfg.thresholds.size(), 2u);
  test::Built b;
  std::string dir = ::testing::TempDir();
  std::string path = dir + "/picket_threshold_test.config";
  {
    std::ofstream(path) << "suppress gen_id 1, sig_id 1\n"
                           "suppress gen_id 1, sig_id 2, track by_src, ip 10.0.0.0/8\n"
                           "threshold gen_id 1, sig_id 3, type limit, track by_rule, count 1, seconds 100\n";
  }
  EngineConfig ec;
  ec.threshold_file = path;
  b = build(
      "alert tcp any any -> any any (msg:\"1\"; content:\"A\"; sid:1;)\n"
      "alert tcp any any -> any any (msg:\"2\"; content:\"A\"; sid:2;)\n"
      "alert tcp any any -> any any (msg:\"3\"; content:\"A\"; sid:3;)\n",
      ec);
  std::remove(path.c_str());
  EXPECT_EQ(b.run(tcp_packet("A"), false), std::vector<uint32_t>{3});
  EXPECT_TRUE(b.run(tcp_packet("A"), false).empty());
  EXPECT_EQ(b.run(tcp_packet("A", false), false), std::vector<uint32_t>{2});  // src outside 10/8
}

TEST(Engine, UnknownClasstypeIsRejectedAndSeverityFromClass) {
  auto b = build(
      "alert tcp any any -> any any (msg:\"x\"; content:\"a\"; classtype:no-such-class; sid:1;)\n"
      "alert tcp any any -> any any (msg:\"y\"; content:\"a\"; classtype:trojan-activity; metadata:tag x; sid:2; rev:4;)\n");
  ASSERT_EQ(b.engine->rules().size(), 1u);
  ASSERT_EQ(b.diag.errors().size(), 1u);
  EXPECT_EQ(b.diag.errors()[0].format(), "test.rules:1: sid 1: unknown classtype 'no-such-class'");
  Input in = tcp_packet("a");
  in.pcap_cnt = 7;
  std::vector<Hit> hits;
  b.engine->match(in, &b.flow, *b.scratch, &hits);
  ASSERT_EQ(hits.size(), 1u);
  v1::Alert a;
  b.engine->fill_alert(hits[0], in, &a);
  EXPECT_EQ(a.rule().sid(), 2u);
  EXPECT_EQ(a.rule().rev(), 4u);
  EXPECT_EQ(a.rule().severity(), 1u);
  EXPECT_EQ(a.rule().category(), "A Network Trojan was detected");
  EXPECT_EQ(a.rule().metadata().at("tag").values(0), "x");
  EXPECT_EQ(a.net().pcap_cnt(), 7u);
  EXPECT_EQ(a.net().src_ip(), "10.0.0.1");
  EXPECT_EQ(a.net().dest_port(), 80u);
  EXPECT_EQ(a.net().payload(), "a");
}

TEST(Engine, BuiltinClassificationMatchesShippedFile) {
  std::ifstream in(std::string(PICKET_SOURCE_DIR) + "/rules/classification.config");
  ASSERT_TRUE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  Diagnostics diag;
  auto c = Classification::parse(ss.str(), "classification.config", &diag);
  EXPECT_TRUE(diag.ok()) << diag.format();
  EXPECT_EQ(c.size(), Classification::builtin().size());
  ASSERT_NE(c.find("attempted-admin"), nullptr);
  EXPECT_EQ(c.find("attempted-admin")->priority, Classification::builtin().find("attempted-admin")->priority);
}

TEST(Engine, HostileInputDoesNotCrash) {
  auto b = build(
      "alert tcp any any -> any any (msg:\"j\"; content:\"J\"; byte_jump:4,0,relative,multiplier 65535; content:\"x\"; within:1; sid:1;)\n"
      "alert tcp any any -> any any (msg:\"p\"; content:\"a\"; pcre:\"/(a+)+$/\"; sid:2;)\n"
      "alert tcp any any -> any any (msg:\"e\"; byte_extract:4,0,v; content:\"z\"; distance:v; sid:3;)\n");
  std::string junk(5000, 'a');
  junk += "!";
  b.run(tcp_packet(junk));
  b.run(tcp_packet("J\xff\xff\xff\xff"));
  b.run(tcp_packet("\xff\xff\xff\xffz"));
  SUCCEED();
}

}  // namespace
}  // namespace picket::detect

namespace picket::detect {
namespace {

TEST(EngineHolder, FailedReloadKeepsTheOldSet) {
  std::string dir = ::testing::TempDir();
  std::string good = dir + "/picket_reload_good.rules", bad = dir + "/picket_reload_bad.rules";
  std::ofstream(good) << "alert tcp any any -> any any (msg:\"a\"; content:\"a\"; sid:1;)\n";
  std::ofstream(bad) << "alert tcp any any -> any any (msg:\"b\"; nosuch; sid:2;)\n";
  EngineHolder h;
  Diagnostics d1;
  ASSERT_TRUE(h.reload({good}, EngineConfig{}, &d1));
  auto first = h.current();
  ASSERT_EQ(first->rules().size(), 1u);
  Diagnostics d2;
  EXPECT_FALSE(h.reload({bad}, EngineConfig{}, &d2));
  EXPECT_EQ(h.current(), first);
  EXPECT_NE(d2.format().find("unknown keyword 'nosuch'"), std::string::npos) << d2.format();
  EXPECT_NE(d2.format().find("keeping the previous rule set"), std::string::npos);
  Diagnostics d3;
  EXPECT_TRUE(h.reload({good, bad}, EngineConfig{}, &d3));
  EXPECT_NE(h.current(), first);  // a new engine was swapped in
  EXPECT_EQ(first->rules().size(), 1u);  // the old one stays valid for its holders
  std::remove(good.c_str());
  std::remove(bad.c_str());
}

}  // namespace
}  // namespace picket::detect
