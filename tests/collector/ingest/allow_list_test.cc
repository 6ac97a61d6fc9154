#include "collector/ingest/allow_list.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/transport/keys.h"
#include "tests/support/process.h"

namespace picket::collector {
namespace {

std::string new_key() { return transport::generate_key_pair()->public_z85; }

TEST(AllowList, ParsesAndReportsErrorsWithLine) {
  const std::string k = new_key();
  auto ok = parse_allow_list("agents:\n  - name: web01\n    key: \"" + k + "\"\n    labels: {ministry: finance}\n",
                             "a.yaml");
  ASSERT_TRUE(ok) << ok.error().format();
  ASSERT_EQ(ok->agents.size(), 1u);
  EXPECT_TRUE(ok->allows(k));
  EXPECT_EQ(ok->agents[0].labels.at("ministry"), "finance");

  auto bad = parse_allow_list("agents:\n  - name: web01\n    key: notakey\n", "a.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().format().substr(0, 9), "a.yaml:2:");  // the entry with the bad key
  auto dup = parse_allow_list("agents:\n  - {name: a, key: \"" + k + "\"}\n  - {name: b, key: \"" + k + "\"}\n", "a.yaml");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("twice"), std::string::npos);
  auto unknown = parse_allow_list("agent:\n", "a.yaml");
  EXPECT_FALSE(unknown);
}

TEST(AllowList, ReEnrollKeepsOneEntryAndRevokeRefuses) {
  AllowList list;
  const std::string k1 = new_key(), k2 = new_key();
  ASSERT_TRUE(enroll_agent(&list, "web01", k1, {{"ministry", "finance"}}));
  ASSERT_TRUE(enroll_agent(&list, "web01", k2, {{"province", "north"}}));  // new key for the same host
  ASSERT_EQ(list.agents.size(), 1u);
  EXPECT_FALSE(list.allows(k1));
  EXPECT_TRUE(list.allows(k2));
  EXPECT_EQ(list.agents[0].labels.size(), 2u);
  EXPECT_FALSE(enroll_agent(&list, "web02", k2, {}));  // a key belongs to one agent
  ASSERT_TRUE(revoke_agent(&list, "web01"));
  EXPECT_FALSE(list.allows(k2));
  EXPECT_FALSE(revoke_agent(&list, "nobody"));
  EXPECT_FALSE(enroll_agent(&list, "bad name", k1, {}));
}

TEST(AllowList, SaveLoadAndWatcherReload) {
  test::TempDir tmp;
  const std::string path = tmp.file("agents.yaml");
  AllowListWatcher w(path);
  ASSERT_TRUE(w.load());  // missing file: empty list
  const std::string k = new_key();
  EXPECT_FALSE(w.current()->allows(k));
  AllowList list;
  ASSERT_TRUE(enroll_agent(&list, "web01", k, {{"ministry", "finance"}}));
  ASSERT_TRUE(save_allow_list(path, list));
  EXPECT_TRUE(w.poll());
  EXPECT_TRUE(w.current()->allows(k));
  EXPECT_FALSE(w.poll());
  tmp.write("agents.yaml", "agents: [broken");
  EXPECT_FALSE(w.poll());                  // a broken file keeps the previous list
  EXPECT_TRUE(w.current()->allows(k));
  ASSERT_TRUE(revoke_agent(&list, "web01"));
  ASSERT_TRUE(save_allow_list(path, list));
  EXPECT_TRUE(w.poll());
  EXPECT_FALSE(w.current()->allows(k));
}

}  // namespace
}  // namespace picket::collector
