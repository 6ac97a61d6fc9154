// Tests agent/detect/parser.cc and address.cc: headers, variables, lists, negation, escaping, errors.
#include "agent/detect/parser.h"

#include <gtest/gtest.h>

namespace picket::detect {
namespace {

Result<Rule> parse(std::string_view text, const Vars& vars = default_vars()) {
  static RuleSetNames names;
  return parse_rule(text, "t.rules", 7, vars, names);
}

IpAddr ip(const char* s) {
  IpAddr a;
  EXPECT_TRUE(parse_ip(s, &a)) << s;
  return a;
}

TEST(Parser, BasicHeaderAndMeta) {
  auto r = parse(R"(alert tcp $HOME_NET any -> $EXTERNAL_NET $HTTP_PORTS (msg:"hello \"world\""; content:"GET"; )"
                 R"(classtype:trojan-activity; reference:url,example.com; metadata:created_at 2024_01_01, former_category X; sid:10; rev:3; gid:1; priority:2; target:src_ip;))");
  ASSERT_TRUE(r) << r.error().format();
  EXPECT_EQ(r->action, Action::kAlert);
  EXPECT_EQ(r->proto, Proto::kTcp);
  EXPECT_EQ(r->msg, "hello \"world\"");
  EXPECT_EQ(r->sid, 10u);
  EXPECT_EQ(r->rev, 3u);
  EXPECT_EQ(r->priority, 2);
  EXPECT_EQ(r->target, 1);
  ASSERT_EQ(r->metadata.size(), 2u);
  EXPECT_EQ(r->metadata[0].first, "created_at");
  EXPECT_EQ(r->metadata[1].second, "X");
  EXPECT_TRUE(r->src.contains(ip("10.1.2.3")));
  EXPECT_TRUE(r->src.contains(ip("172.20.0.1")));
  EXPECT_FALSE(r->src.contains(ip("8.8.8.8")));
  EXPECT_TRUE(r->dst.is_any());
  EXPECT_TRUE(r->dp.contains(80));
  EXPECT_FALSE(r->dp.contains(81));
}

TEST(Parser, AddressListsNegationRanges) {
  Vars v = default_vars();
  v.addresses["EXTERNAL_NET"] = "!$HOME_NET";
  auto r = parse("alert ip [1.2.3.0/24,!1.2.3.4,5.6.7.8] [1000:2000,!1500] <> $EXTERNAL_NET ![80,443] (sid:1;)", v);
  ASSERT_TRUE(r) << r.error().format();
  EXPECT_TRUE(r->bidirectional);
  EXPECT_TRUE(r->src.contains(ip("1.2.3.5")));
  EXPECT_FALSE(r->src.contains(ip("1.2.3.4")));
  EXPECT_TRUE(r->src.contains(ip("5.6.7.8")));
  EXPECT_FALSE(r->src.contains(ip("5.6.7.9")));
  EXPECT_TRUE(r->sp.contains(1000));
  EXPECT_TRUE(r->sp.contains(2000));
  EXPECT_FALSE(r->sp.contains(1500));
  EXPECT_FALSE(r->sp.contains(999));
  EXPECT_FALSE(r->dst.contains(ip("192.168.1.1")));
  EXPECT_TRUE(r->dst.contains(ip("8.8.8.8")));
  EXPECT_FALSE(r->dp.contains(443));
  EXPECT_TRUE(r->dp.contains(8080));
  auto r6 = parse("alert tcp [2001:db8::/32,10.0.0.0/255.0.0.0] 1024: -> any :80 (sid:2;)");
  ASSERT_TRUE(r6) << r6.error().format();
  EXPECT_TRUE(r6->src.contains(ip("2001:db8::1")));
  EXPECT_TRUE(r6->src.contains(ip("10.9.9.9")));
  EXPECT_FALSE(r6->src.contains(ip("2001:db9::1")));
  EXPECT_TRUE(r6->sp.contains(65535));
  EXPECT_FALSE(r6->sp.contains(1023));
  EXPECT_TRUE(r6->dp.contains(0));
}

TEST(Parser, BadHeadersAreRejected) {
  EXPECT_FALSE(parse("alert tcp any any -> any (sid:1;)"));
  EXPECT_FALSE(parse("alert tcp $NOPE any -> any any (sid:1;)"));
  EXPECT_FALSE(parse("alert tcp any any => any any (sid:1;)"));
  EXPECT_FALSE(parse("alert tcp 1.2.3.4/40 any -> any any (sid:1;)"));
  EXPECT_FALSE(parse("alert tcp any 70000 -> any any (sid:1;)"));
  EXPECT_FALSE(parse("alert tcp ![any] any -> any any (sid:1;)"));
  EXPECT_FALSE(parse("block tcp any any -> any any (sid:1;)"));
  EXPECT_FALSE(parse("alert foo any any -> any any (sid:1;)"));
  Vars v = default_vars();
  v.addresses["A"] = "$A";
  EXPECT_FALSE(parse("alert tcp $A any -> any any (sid:1;)", v));  // self-reference ends, not loops
}

TEST(Parser, ErrorsCarryFileLineSidAndReason) {
  auto r = parse(R"(alert tcp any any -> any any (msg:"x"; foo:bar; sid:99;))");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().format(), "t.rules:7: sid 99: unknown keyword 'foo'");
  EXPECT_EQ(r.error().reason, "unknown keyword foo");
  auto bad = parse(R"(alert tcp any any -> any any (content:"abc"; depth:2; sid:5;))");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, "bad value: depth");
  EXPECT_FALSE(parse(R"(alert tcp any any -> any any (msg:"no sid";))"));
  EXPECT_FALSE(parse(R"(alert tcp any any -> any any (content:"|4G|"; sid:1;))"));
  EXPECT_FALSE(parse(R"(alert tcp any any -> any any (nocase; sid:1;))"));
  EXPECT_FALSE(parse(R"(alert tcp any any -> any any (sid:1; sid:2;))"));
  EXPECT_FALSE(parse(R"(alert tcp any any -> any any (xbits:set,a,track ip_src; sid:1;))"));
  // A byte count of 0 reads every leading digit, so it needs `string`.
  EXPECT_TRUE(parse(R"(alert tcp any any -> any any (byte_test:0,>,10,0,string,dec; sid:1;))"));
  EXPECT_FALSE(parse(R"(alert tcp any any -> any any (byte_test:0,>,10,0; sid:1;))"));
  EXPECT_FALSE(parse(R"(alert tcp any any -> any any (byte_jump:0,0; sid:1;))"));
}

TEST(Parser, OptionsSplitOnUnescapedSemicolonOnly) {
  // A '"' inside a pcre value does not end the value; '\;' does not end an option.
  auto r = parse(R"(alert tcp any any -> any any (content:"a\;b|3b|"; pcre:"/x"y\;z/i"; sid:3;))");
  ASSERT_TRUE(r) << r.error().format();
  const auto& c = std::get<ContentNode>(r->lists[0].nodes[0]);
  EXPECT_EQ(c.bytes, "a;b;");
  EXPECT_TRUE(std::holds_alternative<PcreNode>(r->lists[0].nodes[1]));
}

TEST(Parser, FileTextContinuationCommentsDuplicates) {
  RuleSet set;
  std::string text =
      "# comment\n"
      "\n"
      "alert tcp any any -> any any (msg:\"one\"; \\\n"
      "   content:\"x\"; sid:1;)\n"
      "#alert tcp any any -> any any (sid:2;)\n"
      "alert tcp any any -> any any (msg:\"dup\"; sid:1;)\n"
      "alert tcp any any -> any any (msg:\"bad\"; depth:3; sid:4;)\r\n"
      "alert udp any any -> any 53 (msg:\"ok\"; dns.query; content:\"a\"; sid:5;)\n";
  parse_rules_text(text, "f.rules", default_vars(), &set);
  ASSERT_EQ(set.rules.size(), 2u);
  EXPECT_EQ(set.rules[0].line, 3);
  EXPECT_EQ(set.rules[0].msg, "one");
  EXPECT_EQ(set.failed, 2u);
  ASSERT_EQ(set.diag.errors().size(), 2u);
  EXPECT_EQ(set.diag.errors()[0].format(), "f.rules:6: sid 1: duplicate sid (gid 1)");
  EXPECT_EQ(set.diag.errors()[1].line, 7);
  EXPECT_EQ(set.reasons["duplicate sid"], 1u);
}

TEST(Parser, StickyBuffersAndLegacyModifiers) {
  auto r = parse(R"(alert http any any -> any any (content:"GET"; http_method; content:"/a"; http_uri; )"
                 R"(content:"b"; http_uri; distance:0; http.host; content:"ex"; sid:8;))");
  ASSERT_TRUE(r) << r.error().format();
  ASSERT_EQ(r->lists.size(), 3u);
  EXPECT_EQ(r->lists[0].buf, Buf::kHttpMethod);
  EXPECT_EQ(r->lists[1].buf, Buf::kHttpUri);
  EXPECT_EQ(r->lists[1].nodes.size(), 2u);
  EXPECT_TRUE(std::get<ContentNode>(r->lists[1].nodes[1]).has_distance);
  EXPECT_EQ(r->lists[2].buf, Buf::kHttpHost);
  // The fast pattern is the longest content of an app-layer buffer.
  EXPECT_EQ(r->fp_list, 0);
  EXPECT_FALSE(parse(R"(alert udp any any -> any any (http.uri; content:"x"; sid:9;))"));
  EXPECT_FALSE(parse(R"(alert dns any any -> any any (http.uri; content:"x"; sid:9;))"));
}

TEST(Parser, PcreFlagsMapToBuffers) {
  auto r = parse(R"(alert http any any -> any any (pcre:"/^\/x/Ui"; pcre:"/agent/V"; pcre:"/body/P"; sid:11;))");
  ASSERT_TRUE(r) << r.error().format();
  ASSERT_EQ(r->lists.size(), 3u);
  EXPECT_EQ(r->lists[0].buf, Buf::kHttpUri);
  EXPECT_EQ(r->lists[1].buf, Buf::kHttpUserAgent);
  EXPECT_EQ(r->lists[2].buf, Buf::kHttpRequestBody);
  EXPECT_FALSE(parse(R"(alert tcp any any -> any any (pcre:"/x/q"; sid:12;))"));
  EXPECT_FALSE(parse(R"(alert tcp any any -> any any (pcre:"/(x/"; sid:12;))"));
}

}  // namespace
}  // namespace picket::detect
