// Tests agent/cmd/scan_path.cc through the real picket-agent: --scan-path DIR --rules A --rules B
// --eve-log FILE writes one EVE alert per match, reports a broken rule file as FILE:LINE: message and
// still scans with the rest.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/process.h"

namespace {

using picket::test::run;

std::vector<nlohmann::json> read_eve(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> out;
  std::string line;
  while (std::getline(in, line)) {
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

TEST(ScanPath, RepeatedRulesBrokenFileAndEve) {
  picket::test::TempDir tmp;
  tmp.write("r1/a.yar", "rule alpha : demo { meta: score = 80 strings: $a = \"ALPHA-MARK\" condition: $a }\n");
  tmp.write("r2.yar", "rule beta { strings: $b = \"BETA-MARK\" condition: $b and filename == \"b.txt\" }\n");
  tmp.write("r1/broken.yar", "rule oops { condition: undefined_thing }\n");
  tmp.write("scan/a.txt", "xx ALPHA-MARK yy");
  tmp.write("scan/sub/b.txt", "BETA-MARK");
  tmp.write("scan/sub/c.txt", "BETA-MARK");  // wrong file name for beta
  std::string eve = tmp.file("eve.json");
  auto r = run({picket::test::program_path("picket-agent"), "--scan-path", tmp.file("scan"), "--rules",
                tmp.file("r1"), "--rules", tmp.file("r2.yar"), "--eve-log", eve, "--set",
                "agent.state-dir=" + tmp.file("state")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(tmp.file("r1/broken.yar") + ":1: "), std::string::npos) << r.err;
  auto lines = read_eve(eve);
  ASSERT_EQ(lines.size(), 2u) << r.err;
  std::map<std::string, nlohmann::json> by_rule;
  for (const auto& j : lines) {
    by_rule[j["alert"]["rule_id"].get<std::string>()] = j;
  }
  ASSERT_TRUE(by_rule.count("a:alpha"));
  ASSERT_TRUE(by_rule.count("r2:beta"));
  const auto& a = by_rule["a:alpha"];
  EXPECT_EQ(a["event_type"], "alert");
  EXPECT_EQ(a["alert"]["engine"], "yara");
  EXPECT_EQ(a["alert"]["signature"], "alpha");
  EXPECT_EQ(a["file"]["path"], tmp.file("scan/a.txt"));
  EXPECT_EQ(a["file"]["size"], 16);
  EXPECT_EQ(a["yara"]["strings"][0]["offset"], 3);
  EXPECT_EQ(by_rule["r2:beta"]["file"]["path"], tmp.file("scan/sub/b.txt"));
  // --strict: the rejected file makes it exit 1.
  auto strict = run({picket::test::program_path("picket-agent"), "--scan-path", tmp.file("scan"), "--rules",
                     tmp.file("r1"), "--eve-log", tmp.file("eve2.json"), "--strict"});
  EXPECT_EQ(strict.exit_code, 1) << strict.err;
  // No rule at all loads: exit 2.
  auto none = run({picket::test::program_path("picket-agent"), "--scan-path", tmp.file("scan"), "--rules",
                   tmp.file("r1/broken.yar"), "--eve-log", tmp.file("eve3.json")});
  EXPECT_EQ(none.exit_code, 2) << none.err;
}

}  // namespace
