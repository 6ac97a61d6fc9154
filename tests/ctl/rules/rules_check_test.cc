// Tests ctl/rules_cmd.cc (picketctl rules check) and the rule part of picket-agent --check-config by
// running the real programs on rule files written to a temporary folder.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace {

using picket::test::program_path;
using picket::test::run;
using picket::test::TempDir;

constexpr const char* kGood = "alert tcp any any -> any 80 (msg:\"ok\"; content:\"GET\"; sid:1; rev:1;)\n";
constexpr const char* kBad =
    "alert tcp any any -> any 80 (msg:\"bad kw\"; foo:1; sid:2;)\n"
    "alert tcp any any -> any 80 (msg:\"bad depth\"; content:\"abcd\"; depth:2; sid:3;)\n";

TEST(RulesCheck, ReportsEveryRejectedRuleAndExitsZeroWhenSomeLoad) {
  TempDir dir;
  std::string f = dir.write("a.rules", std::string(kGood) + kBad);
  auto r = run({program_path("picketctl"), "rules", "check", dir.path()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(f + ":2: sid 2: unknown keyword 'foo'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(f + ":3: sid 3: depth 2 is smaller than the content length 4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("suricata: 1 loaded, 2 failed"), std::string::npos) << r.out;
  auto strict = run({program_path("picketctl"), "rules", "check", "--strict", f});
  EXPECT_EQ(strict.exit_code, 1);
}

TEST(RulesCheck, JsonReportAndNothingLoaded) {
  TempDir dir;
  std::string f = dir.write("b.rules", kBad);
  auto r = run({program_path("picketctl"), "rules", "check", "--json", f});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["suricata"]["loaded"], 0);
  EXPECT_EQ(j["suricata"]["failed"], 2);
  EXPECT_EQ(j["suricata"]["reasons"]["unknown keyword foo"], 1);
  EXPECT_EQ(j["errors"].size(), 2u);
}

TEST(AgentCheckConfig, RulesExitCodes) {
  TempDir dir;
  std::string good = dir.write("good.rules", std::string(kGood) + kBad);
  std::string bad = dir.write("bad.rules", kBad);
  auto ok = run({program_path("picket-agent"), "--check-config", "--rules", good});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.err.find(good + ":2: sid 2: unknown keyword 'foo'"), std::string::npos) << ok.err;
  auto strict = run({program_path("picket-agent"), "--check-config", "--strict", "--rules", good});
  EXPECT_EQ(strict.exit_code, 1) << strict.err;
  auto none = run({program_path("picket-agent"), "--check-config", "--rules", bad});
  EXPECT_EQ(none.exit_code, 2) << none.err;
}

}  // namespace
