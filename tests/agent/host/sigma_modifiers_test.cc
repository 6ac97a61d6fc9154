// Every Sigma modifier and condition form, each with an event that matches and one that does not.
#include <gtest/gtest.h>

#include "agent/host/sigma/sigma.h"
#include "agent/host/sigma/value.h"
#include "tests/agent/host/sigma_test_util.h"

namespace picket::host {
namespace {

using test::event;
using test::one_rule;

std::string rule_with(const std::string& detection) {
  return "title: t\nid: 11111111-2222-3333-4444-555555555555\nlevel: high\nlogsource:\n  product: linux\n"
         "detection:\n" + detection;
}

struct Case {
  const char* name;
  const char* detection;
  std::vector<std::pair<std::string, std::string>> hit;
  std::vector<std::pair<std::string, std::string>> miss;
  std::string hit_raw = "";
  std::string miss_raw = "";
};

class ModifierTest : public ::testing::TestWithParam<Case> {};

LogEvent make(const std::vector<std::pair<std::string, std::string>>& fields, const std::string& raw) {
  LogEvent ev;
  ev.clear();
  ev.set_raw(raw);
  ev.set_product("linux");
  for (const auto& [k, v] : fields) ev.set(k, v);
  return ev;
}

TEST_P(ModifierTest, MatchesAndDoesNotMatch) {
  const Case& c = GetParam();
  SigmaRule r = one_rule(rule_with(c.detection));
  ASSERT_GE(r.root, 0);
  EXPECT_TRUE(r.matches(make(c.hit, c.hit_raw))) << c.name;
  EXPECT_FALSE(r.matches(make(c.miss, c.miss_raw))) << c.name;
}

const std::string kB64Hello = "aGVsbG8gd29ybGQ=";  // "hello world"

INSTANTIATE_TEST_SUITE_P(
    Sigma, ModifierTest,
    ::testing::Values(
        Case{"plain equals, case-insensitive", "  sel:\n    Image: '/usr/bin/CURL'\n  condition: sel\n",
             {{"Image", "/usr/bin/curl"}}, {{"Image", "/usr/bin/curl2"}}},
        Case{"plain with wildcards", "  sel:\n    Image: '/usr/*/cu?l'\n  condition: sel\n",
             {{"Image", "/usr/local/bin/curl"}}, {{"Image", "/usr/local/bin/wget"}}},
        Case{"escaped wildcard is literal", "  sel:\n    CommandLine: 'a\\*b'\n  condition: sel\n",
             {{"CommandLine", "a*b"}}, {{"CommandLine", "axxb"}}},
        Case{"contains", "  sel:\n    CommandLine|contains: 'base64 -d'\n  condition: sel\n",
             {{"CommandLine", "echo x | BASE64 -D | sh"}}, {{"CommandLine", "base64 -e"}}},
        Case{"startswith", "  sel:\n    CommandLine|startswith: 'nc '\n  condition: sel\n",
             {{"CommandLine", "nc -e /bin/sh"}}, {{"CommandLine", "ncat -e"}}},
        Case{"endswith", "  sel:\n    Image|endswith: '/nc'\n  condition: sel\n",
             {{"Image", "/bin/nc"}}, {{"Image", "/bin/ncat"}}},
        Case{"list is OR", "  sel:\n    Image|endswith:\n      - '/nc'\n      - '/ncat'\n  condition: sel\n",
             {{"Image", "/bin/ncat"}}, {{"Image", "/bin/socat"}}},
        Case{"contains|all", "  sel:\n    CommandLine|contains|all:\n      - ' -e '\n      - '/bin/sh'\n  condition: sel\n",
             {{"CommandLine", "nc -e /bin/sh 1.2.3.4"}}, {{"CommandLine", "nc -e /bin/bash"}}},
        Case{"all on keywords", "  keywords:\n    '|all':\n      - 'alpha'\n      - 'beta'\n  condition: keywords\n",
             {}, {}, "alpha and BETA", "alpha only"},
        Case{"re", "  sel:\n    CommandLine|re: '^curl .*\\| *sh$'\n  condition: sel\n",
             {{"CommandLine", "curl http://x | sh"}}, {{"CommandLine", "CURL http://x | sh"}}},
        Case{"re|i", "  sel:\n    CommandLine|re|i: '^curl .*\\| *sh$'\n  condition: sel\n",
             {{"CommandLine", "CURL http://x | SH"}}, {{"CommandLine", "wget http://x | sh"}}},
        Case{"re|m", "  sel:\n    CommandLine|re|m: '^second$'\n  condition: sel\n",
             {{"CommandLine", "first\nsecond\nthird"}}, {{"CommandLine", "first second"}}},
        Case{"re|s", "  sel:\n    CommandLine|re|s: 'a.b'\n  condition: sel\n",
             {{"CommandLine", "a\nb"}}, {{"CommandLine", "a\n\nb"}}},
        Case{"base64", "  sel:\n    CommandLine|base64: 'hello world'\n  condition: sel\n",
             {{"CommandLine", kB64Hello}}, {{"CommandLine", "aGVsbG8gd29ybGQ"}}},
        Case{"base64|contains", "  sel:\n    CommandLine|base64|contains: 'hello world'\n  condition: sel\n",
             {{"CommandLine", "echo " + kB64Hello + " | base64 -d"}}, {{"CommandLine", "echo AGVSBG8GD29YBGQ="}}},
        Case{"base64offset|contains offset 0",
             "  sel:\n    CommandLine|base64offset|contains: 'curl'\n  condition: sel\n",
             {{"CommandLine", "Y3VybCBodHRw"}}, {{"CommandLine", "d2dldCBodHRw"}}},
        Case{"base64offset|contains offset 1",
             "  sel:\n    CommandLine|base64offset|contains: 'curl'\n  condition: sel\n",
             {{"CommandLine", "IGN1cmwgaHR0cA=="}}, {{"CommandLine", "IHdnZXQgaHR0cA=="}}},
        Case{"base64offset|contains offset 2",
             "  sel:\n    CommandLine|base64offset|contains: 'curl'\n  condition: sel\n",
             {{"CommandLine", "ICBjdXJsIGh0dHA="}}, {{"CommandLine", "ICB3Z2V0IGh0dHA="}}},
        Case{"cidr v4", "  sel:\n    src_ip|cidr: '10.0.0.0/8'\n  condition: sel\n",
             {{"src_ip", "10.20.30.40"}}, {{"src_ip", "11.0.0.1"}}},
        Case{"cidr v6", "  sel:\n    src_ip|cidr: '2001:db8::/32'\n  condition: sel\n",
             {{"src_ip", "2001:db8:1::5"}}, {{"src_ip", "2001:db9::5"}}},
        Case{"exists true", "  sel:\n    Image|exists: true\n  condition: sel\n",
             {{"Image", "/bin/sh"}}, {{"CommandLine", "sh"}}},
        Case{"exists false", "  sel:\n    Image|exists: false\n  condition: sel\n",
             {{"CommandLine", "sh"}}, {{"Image", "/bin/sh"}}},
        Case{"gt", "  sel:\n    sc-status|gt: 499\n  condition: sel\n",
             {{"sc-status", "500"}}, {{"sc-status", "499"}}},
        Case{"gte", "  sel:\n    sc-status|gte: 500\n  condition: sel\n",
             {{"sc-status", "500"}}, {{"sc-status", "404"}}},
        Case{"lt", "  sel:\n    uid|lt: 1000\n  condition: sel\n", {{"uid", "0"}}, {{"uid", "1000"}}},
        Case{"lte", "  sel:\n    uid|lte: 1000\n  condition: sel\n", {{"uid", "1000"}}, {{"uid", "abc"}}},
        Case{"windash", "  sel:\n    CommandLine|windash|contains: ' -enc '\n  condition: sel\n",
             {{"CommandLine", "powershell /enc AAAA"}}, {{"CommandLine", "powershell enc AAAA"}}},
        Case{"windash en dash", "  sel:\n    CommandLine|windash|contains: ' -enc '\n  condition: sel\n",
             {{"CommandLine", "powershell \xE2\x80\x93" "enc AAAA"}}, {{"CommandLine", "powershell +enc AAAA"}}},
        Case{"fieldref", "  sel:\n    user|fieldref: target_user\n  condition: sel\n",
             {{"user", "root"}, {"target_user", "ROOT"}}, {{"user", "alice"}, {"target_user", "root"}}},
        Case{"cased", "  sel:\n    CommandLine|cased|contains: 'Secret'\n  condition: sel\n",
             {{"CommandLine", "a Secret b"}}, {{"CommandLine", "a secret b"}}},
        Case{"null means absent or empty", "  sel:\n    Image: null\n  condition: sel\n",
             {{"CommandLine", "x"}}, {{"Image", "/bin/sh"}}},
        Case{"keyword list", "  keywords:\n    - 'Corrupted MAC'\n    - 'bad DH'\n  condition: keywords\n",
             {}, {}, "sshd[1]: corrupted mac on input", "sshd[1]: fine"},
        Case{"list of maps is OR", "  sel:\n    - Image: '/bin/a'\n    - Image: '/bin/b'\n  condition: sel\n",
             {{"Image", "/bin/b"}}, {{"Image", "/bin/c"}}},
        Case{"map is AND", "  sel:\n    Image: '/bin/a'\n    User: root\n  condition: sel\n",
             {{"Image", "/bin/a"}, {"User", "root"}}, {{"Image", "/bin/a"}, {"User", "bob"}}},
        Case{"and", "  a:\n    Image: x\n  b:\n    User: root\n  condition: a and b\n",
             {{"Image", "x"}, {"User", "root"}}, {{"Image", "x"}}},
        Case{"or", "  a:\n    Image: x\n  b:\n    User: root\n  condition: a or b\n",
             {{"User", "root"}}, {{"Image", "y"}}},
        Case{"not", "  a:\n    Image: x\n  f:\n    User: root\n  condition: a and not f\n",
             {{"Image", "x"}, {"User", "bob"}}, {{"Image", "x"}, {"User", "root"}}},
        Case{"parentheses", "  a:\n    Image: x\n  b:\n    User: root\n  c:\n    tty: pts\n  condition: a and (b or c)\n",
             {{"Image", "x"}, {"tty", "pts"}}, {{"Image", "y"}, {"tty", "pts"}, {"User", "root"}}},
        Case{"precedence not > and > or", "  a:\n    Image: x\n  b:\n    User: root\n  c:\n    tty: pts\n  condition: a or b and not c\n",
             {{"User", "root"}}, {{"User", "root"}, {"tty", "pts"}}},
        Case{"1 of selection_*", "  selection_a:\n    Image: x\n  selection_b:\n    User: root\n  condition: 1 of selection_*\n",
             {{"User", "root"}}, {{"User", "bob"}}},
        Case{"all of selection_*", "  selection_a:\n    Image: x\n  selection_b:\n    User: root\n  condition: all of selection_*\n",
             {{"Image", "x"}, {"User", "root"}}, {{"User", "root"}}},
        Case{"1 of them", "  a:\n    Image: x\n  b:\n    User: root\n  condition: 1 of them\n",
             {{"Image", "x"}}, {{"Image", "z"}}},
        Case{"all of them", "  a:\n    Image: x\n  b:\n    User: root\n  condition: all of them\n",
             {{"Image", "x"}, {"User", "root"}}, {{"Image", "x"}, {"User", "bob"}}},
        Case{"them skips _names", "  a:\n    Image: x\n  _b:\n    User: root\n  condition: all of them\n",
             {{"Image", "x"}}, {{"Image", "y"}, {"User", "root"}}},
        Case{"any of", "  s1:\n    Image: x\n  s2:\n    User: root\n  condition: any of s*\n",
             {{"Image", "x"}}, {{"Image", "y"}}},
        Case{"not 1 of filter_*", "  sel:\n    Image: x\n  filter_a:\n    User: root\n  filter_b:\n    User: admin\n"
                                  "  condition: sel and not 1 of filter_*\n",
             {{"Image", "x"}, {"User", "bob"}}, {{"Image", "x"}, {"User", "admin"}}},
        Case{"condition list is OR", "  a:\n    Image: x\n  b:\n    User: root\n  condition:\n    - a\n    - b\n",
             {{"User", "root"}}, {{"User", "bob"}}}));

TEST(SigmaParse, RejectsUnsupportedWithFileAndLine) {
  SigmaParsed p = parse_sigma(
      "title: a\nlogsource:\n  product: linux\ndetection:\n  sel:\n    Image|utf16le: x\n  condition: sel\n"
      "---\n"
      "title: b\nlogsource:\n  product: linux\ndetection:\n  sel:\n    Image: x\n  condition: sel | count() > 5\n"
      "---\n"
      "title: c\nlogsource:\n  product: linux\ndetection:\n  sel:\n    Image: x\n  condition: sel\n",
      "rules/x.yml");
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].title, "c");
  ASSERT_EQ(p.diag.errors().size(), 2u);
  EXPECT_EQ(p.diag.errors()[0].format(), "rules/x.yml:6: 'Image|utf16le': unsupported modifier 'utf16le'");
  EXPECT_EQ(p.diag.errors()[0].reason, "unsupported modifier: utf16le");
  EXPECT_EQ(p.diag.errors()[1].line, 15);
  EXPECT_NE(p.diag.errors()[1].message.find("aggregation"), std::string::npos);
  EXPECT_EQ(p.failed, 2);
}

TEST(SigmaParse, UnknownIdentifierAndBadRegexAreErrors) {
  SigmaParsed p = parse_sigma(
      "title: a\nlogsource:\n  product: linux\ndetection:\n  sel:\n    Image: x\n  condition: sel and nope\n---\n"
      "title: b\nlogsource:\n  product: linux\ndetection:\n  sel:\n    Image|re: '(['\n  condition: sel\n",
      "y.yml");
  EXPECT_TRUE(p.rules.empty());
  ASSERT_EQ(p.diag.errors().size(), 2u);
  EXPECT_NE(p.diag.errors()[0].message.find("unknown detection identifier 'nope'"), std::string::npos);
  EXPECT_NE(p.diag.errors()[1].message.find("bad regular expression"), std::string::npos);
}

TEST(SigmaParse, CorrelationDocumentsAreSkippedNotFailed) {
  SigmaParsed p = parse_sigma(
      "title: base\nname: base_rule\nid: 0b1f0f5e-0000-4000-8000-000000000001\nlogsource:\n  product: linux\n"
      "  service: sshd\ndetection:\n  sel:\n    outcome: failure\n  condition: sel\n---\n"
      "title: brute force\ncorrelation:\n  type: event_count\n  rules:\n    - base_rule\n  group-by:\n    - src_ip\n"
      "  timespan: 5m\n  condition:\n    gte: 10\n",
      "corr.yml");
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.failed, 0);
  EXPECT_EQ(p.correlations, 1);
  ASSERT_EQ(p.diag.warnings().size(), 1u);
  EXPECT_NE(p.diag.warnings()[0].format().find("corr.yml:12: correlation rule 'brute force' skipped"),
            std::string::npos);
}

TEST(SigmaParse, LevelsBecomeSeverities) {
  EXPECT_EQ(sigma_level_severity("critical"), 1u);
  EXPECT_EQ(sigma_level_severity("high"), 1u);
  EXPECT_EQ(sigma_level_severity("medium"), 2u);
  EXPECT_EQ(sigma_level_severity("low"), 3u);
  EXPECT_EQ(sigma_level_severity("informational"), 4u);
}

TEST(SigmaMatch, LogsourceSelectsRules) {
  std::vector<SigmaRule> rules;
  rules.push_back(one_rule("title: a\nlogsource:\n  product: linux\n  service: sshd\ndetection:\n  k:\n    - 'x'\n"
                           "  condition: k\n"));
  rules.push_back(one_rule("title: b\nlogsource:\n  category: webserver\ndetection:\n  k:\n    - 'x'\n"
                           "  condition: k\n"));
  SigmaRuleSet set(std::move(rules));
  LogEvent ev;
  ev.clear();
  ev.set_raw("x");
  ev.set_product("linux");
  ev.add_service("auth");
  ev.add_service("sshd");
  std::vector<std::string> hits;
  set.match(ev, [&](const SigmaRule& r) { hits.push_back(r.title); });
  EXPECT_EQ(hits, std::vector<std::string>{"a"});
  LogEvent web;
  web.clear();
  web.set_raw("x");
  web.set_category("webserver");
  hits.clear();
  set.match(web, [&](const SigmaRule& r) { hits.push_back(r.title); });
  EXPECT_EQ(hits, std::vector<std::string>{"b"});
}

TEST(SigmaValue, Base64OffsetsAgreeWithTheSpec) {
  // From the Sigma specification's example for base64offset|contains: 'http://'.
  auto v = sigma::base64_offsets("http://");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], "aHR0cDovL");
  EXPECT_EQ(v[1], "h0dHA6Ly");
  EXPECT_EQ(v[2], "odHRwOi8v");
}

}  // namespace
}  // namespace picket::host
