// picketctl agents add/revoke/list, run as a real program on an allow-list file.
#include <gtest/gtest.h>

#include "collector/ingest/allow_list.h"
#include "common/transport/keys.h"
#include "tests/support/process.h"

namespace picket::test {
namespace {

RunResult ctl(std::vector<std::string> args) {
  args.insert(args.begin(), program_path("picketctl"));
  return run(args);
}

// A Z85 key may start with '-' (1 in 85): `agents add NAME KEY`, as picket-agent-enroll prints it, must still
// take it as PUBKEY, wherever the options stand.
TEST(Agents, KeyStartingWithDashIsThePubkey) {
  TempDir tmp;
  const std::string file = tmp.file("agents.yaml");
  std::string dash;
  for (int i = 0; i < 100000 && dash.empty(); ++i) {
    std::string k = transport::generate_key_pair()->public_z85;
    if (k[0] == '-') dash = k;
  }
  ASSERT_FALSE(dash.empty());
  RunResult add = ctl({"agents", "add", "web01", dash, "--label", "ministry=finance", "--keys-file", file});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  RunResult first = ctl({"agents", "add", "--keys-file", file, "web02", "--label", "a=b", dash});
  EXPECT_EQ(first.exit_code, 1) << "the same key is already web01's: " << first.err;
  EXPECT_NE(first.err.find("already enrolled as agent 'web01'"), std::string::npos) << first.err;
  auto list = collector::load_allow_list(file);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->agents.size(), 1u);
  EXPECT_EQ(list->agents[0].key, dash);
}

TEST(Agents, AddReEnrollRevokeList) {
  TempDir tmp;
  const std::string file = tmp.file("agents.yaml");
  const std::string k1 = transport::generate_key_pair()->public_z85;
  const std::string k2 = transport::generate_key_pair()->public_z85;
  RunResult add = ctl({"agents", "add", "web01", k1, "--label", "ministry=finance", "--label", "province=north",
                       "--keys-file", file});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  // Re-enrolling the same host with a new key keeps one entry (its identity), not two.
  RunResult again = ctl({"agents", "add", "web01", k2, "--keys-file", file});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("re-enrolled"), std::string::npos);
  auto list = collector::load_allow_list(file);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->agents.size(), 1u);
  EXPECT_EQ(list->agents[0].key, k2);
  EXPECT_EQ(list->agents[0].labels.at("ministry"), "finance");
  // The same key cannot become a second agent.
  RunResult dup = ctl({"agents", "add", "web02", k2, "--keys-file", file});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("already enrolled as agent 'web01'"), std::string::npos) << dup.err;
  // A .pub file works as PUBKEY.
  auto pair = transport::generate_key_pair().value();
  ASSERT_TRUE(transport::write_key_files(tmp.file("db01"), pair));
  ASSERT_EQ(ctl({"agents", "add", "db01", tmp.file("db01.pub"), "--keys-file", file}).exit_code, 0);

  ASSERT_EQ(ctl({"agents", "revoke", "web01", "--keys-file", file}).exit_code, 0);
  list = collector::load_allow_list(file);
  ASSERT_TRUE(list);
  EXPECT_FALSE(list->allows(k2));
  EXPECT_TRUE(list->allows(pair.public_z85));
  RunResult ls = ctl({"agents", "list", "--keys-file", file});
  ASSERT_EQ(ls.exit_code, 0);
  EXPECT_NE(ls.out.find("web01"), std::string::npos);
  EXPECT_NE(ls.out.find("revoked"), std::string::npos);
  EXPECT_NE(ls.out.find("ministry=finance"), std::string::npos);

  EXPECT_EQ(ctl({"agents", "revoke", "nobody", "--keys-file", file}).exit_code, 1);
  EXPECT_EQ(ctl({"agents", "add", "x", "not-a-key", "--keys-file", file}).exit_code, 64);
  EXPECT_EQ(ctl({"agents", "add", "x", k1, "--label", "novalue", "--keys-file", file}).exit_code, 64);
}

TEST(Agents, UsesTheCollectorConfigsAgentsFile) {
  TempDir tmp;
  const std::string cfg = tmp.write("collector.yaml", "collector:\n  state-dir: " + tmp.file("state") +
                                                          "\ningest:\n  agents-file: " + tmp.file("allow.yaml") + "\n");
  const std::string k = transport::generate_key_pair()->public_z85;
  RunResult r = ctl({"agents", "add", "web01", k, "--config", cfg});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto list = collector::load_allow_list(tmp.file("allow.yaml"));
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->allows(k));
  tmp.write("broken.yaml", "ingest:\n  agents-fil: x\n");
  RunResult bad = ctl({"agents", "list", "--config", tmp.file("broken.yaml")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("broken.yaml:2"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace picket::test
