// Tests collector/store/sqlite_store.cc on real SQLite files in a temporary folder.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "collector/store/sqlite_store.h"
#include "tests/support/process.h"

namespace picket::collector::store {
namespace {

v1::Alert make_alert(uint64_t seq, int64_t t_us, const std::string& sid, uint32_t sev = 2) {
  v1::Alert a;
  a.set_seq(seq);
  a.set_event_time_us(t_us);
  a.mutable_rule()->set_engine(v1::ENGINE_SURICATA);
  a.mutable_rule()->set_rule_id(sid);
  a.mutable_rule()->set_severity(sev);
  a.mutable_rule()->set_title("ET test " + sid);
  a.mutable_net()->set_src_ip("10.0.0.1");
  a.mutable_net()->set_dest_ip("10.0.0.2");
  a.mutable_net()->set_dest_port(22);
  a.set_host("web-01");
  return a;
}

const std::string kKey(32, 'k');
const std::string kEpoch(16, 'e');

std::unique_ptr<Store> open(const test::TempDir& dir) {
  auto st = open_sqlite({.path = dir.file("store.db")});
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().format());
  return std::move(st.value());
}

TEST(SqliteStore, InsertIsIdempotentAndQueryable) {
  test::TempDir dir;
  auto st = open(dir);
  std::vector<v1::Alert> alerts;
  for (uint64_t i = 1; i <= 10; ++i) alerts.push_back(make_alert(i, 1000000 * static_cast<int64_t>(i), "2010935"));
  std::vector<AlertInput> in;
  for (const auto& a : alerts) in.push_back({.agent_key = kKey, .epoch = kEpoch, .agent = "web-01", .org = "org=fin", .alert = &a});
  auto n = st->insert_alerts(in);
  ASSERT_TRUE(n.ok()) << n.error().format();
  EXPECT_EQ(*n, 10u);
  std::vector<bool> fresh;
  auto again = st->insert_alerts(std::span(in).subspan(5), &fresh);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  EXPECT_EQ(fresh, std::vector<bool>(5, false));
  // Same seq under another epoch is another alert.
  std::string epoch2(16, 'f');
  AlertInput other = in[0];
  other.epoch = epoch2;
  EXPECT_EQ(st->insert_alerts(std::span(&other, 1)).value(), 1u);

  auto rows = st->query_alerts({.since_us = 3000000, .until_us = 6000000});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(rows->front().alert.seq(), 5u);  // newest first
  EXPECT_EQ(rows->front().agent, "web-01");
  EXPECT_EQ(rows->front().agent_key, kKey);
  EXPECT_EQ(st->query_alerts({.rule = "suricata:*"})->size(), 11u);
  EXPECT_EQ(st->query_alerts({.rule = "suricata:1"})->size(), 0u);
  EXPECT_EQ(st->query_alerts({.agent = "nobody"})->size(), 0u);
  EXPECT_EQ(st->query_alerts({.org = "fin"})->size(), 11u);
  EXPECT_EQ(st->query_alerts({.max_severity = 1})->size(), 0u);
  auto found = st->find_alert(kKey, kEpoch, 7);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->alert.event_time_us(), 7000000);
  EXPECT_FALSE(st->find_alert(kKey, kEpoch, 99)->has_value());
}

TEST(SqliteStore, IncidentsMembersStatusAndAudit) {
  test::TempDir dir;
  auto st = open(dir);
  std::vector<v1::Alert> alerts = {make_alert(1, 10, "1"), make_alert(2, 5, "2"), make_alert(3, 20, "3")};
  std::vector<AlertInput> in;
  for (const auto& a : alerts) in.push_back({.agent_key = kKey, .epoch = kEpoch, .agent = "a", .alert = &a});
  ASSERT_TRUE(st->insert_alerts(in).ok());

  v1::Incident inc;
  inc.set_id("INC-1");
  inc.set_title("brute force");
  inc.set_severity(1);
  inc.set_first_seen_us(5);
  inc.set_last_seen_us(10);
  inc.set_rule_id("correlation:x");
  for (uint64_t s : {1, 2}) {
    auto* m = inc.add_members();
    m->set_agent_key(kKey);
    m->set_epoch(kEpoch);
    m->set_seq(s);
  }
  ASSERT_TRUE(st->upsert_incident(inc).ok());
  // A later update adds a member and widens last_seen.
  inc.clear_members();
  auto* m = inc.add_members();
  m->set_agent_key(kKey);
  m->set_epoch(kEpoch);
  m->set_seq(3);
  inc.set_last_seen_us(20);
  inc.add_agents("web01");
  inc.set_agent_count(40);  // the list is capped; the count is not
  inc.set_org_count(3);
  ASSERT_TRUE(st->upsert_incident(inc).ok());

  auto got = st->get_incident("INC-1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->members_size(), 3);
  EXPECT_EQ((*got)->status(), "open");
  EXPECT_EQ((*got)->first_seen_us(), 5);
  EXPECT_EQ((*got)->last_seen_us(), 20);
  EXPECT_EQ((*got)->agent_count(), 40u);
  EXPECT_EQ((*got)->org_count(), 3u);
  auto timeline = st->incident_alerts("INC-1");
  ASSERT_TRUE(timeline.ok());
  ASSERT_EQ(timeline->size(), 3u);
  EXPECT_EQ((*timeline)[0].alert.seq(), 2u);  // event-time order
  EXPECT_EQ((*timeline)[2].alert.seq(), 3u);

  ASSERT_TRUE(st->set_incident_status("INC-1", "acknowledged", "alice", "looking").ok());
  EXPECT_FALSE(st->set_incident_status("INC-9", "closed", "alice", "").ok());
  EXPECT_FALSE(st->set_incident_status("INC-1", "bogus", "alice", "").ok());
  // The correlator's next update keeps the operator's status.
  ASSERT_TRUE(st->upsert_incident(inc).ok());
  EXPECT_EQ(st->get_incident("INC-1").value()->status(), "acknowledged");
  EXPECT_EQ(st->query_incidents({.status = "acknowledged"})->size(), 1u);
  EXPECT_EQ(st->query_incidents({.status = "open"})->size(), 0u);
  auto log = st->audit_log(0, 10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].action, "incident.ack");
  EXPECT_EQ((*log)[0].note, "looking");
}

TEST(SqliteStore, AgentsStateAndReadOnlyReader) {
  test::TempDir dir;
  auto st = open(dir);
  AgentRecord a{.key = kKey, .name = "web-01", .labels = {{"ministry", "finance"}}, .first_seen_us = 100,
                .last_seen_us = 100, .version = "0.1.0"};
  a.counters.set_capture_drops(5);
  ASSERT_TRUE(st->upsert_agent(a).ok());
  ASSERT_TRUE(st->upsert_agent({.key = kKey, .last_seen_us = 200}).ok());
  auto agents = st->agents();
  ASSERT_TRUE(agents.ok());
  ASSERT_EQ(agents->size(), 1u);
  EXPECT_EQ((*agents)[0].name, "web-01");
  EXPECT_EQ((*agents)[0].first_seen_us, 100);
  EXPECT_EQ((*agents)[0].last_seen_us, 200);
  EXPECT_EQ((*agents)[0].labels.at("ministry"), "finance");
  EXPECT_EQ((*agents)[0].counters.capture_drops(), 5u);
  EXPECT_EQ(org_label((*agents)[0].labels), "ministry=finance");

  ASSERT_TRUE(st->put_states({{"cursor", std::string("\0\1", 2)}, {"corr", "x"}}).ok());
  EXPECT_EQ(*st->get_state("cursor").value(), std::string("\0\1", 2));
  EXPECT_FALSE(st->get_state("none")->has_value());

  auto ro = open_sqlite({.path = dir.file("store.db"), .read_only = true});
  ASSERT_TRUE(ro.ok()) << ro.error().format();
  EXPECT_EQ((*ro)->agents()->size(), 1u);
  EXPECT_FALSE(open_sqlite({.path = dir.file("missing.db"), .read_only = true}).ok());
}

TEST(SqliteStore, RetentionByAgeAndSize) {
  test::TempDir dir;
  auto st = open(dir);
  std::vector<v1::Alert> alerts;
  for (uint64_t i = 1; i <= 4000; ++i) {
    alerts.push_back(make_alert(i, static_cast<int64_t>(i) * 1000000, std::to_string(i)));
    alerts.back().mutable_log()->set_line(std::string(200, 'x'));
  }
  std::vector<AlertInput> in;
  for (const auto& a : alerts) in.push_back({.agent_key = kKey, .epoch = kEpoch, .agent = "a", .alert = &a});
  ASSERT_TRUE(st->insert_alerts(in).ok());
  // Age: everything before t=1001 s goes.
  auto r = st->apply_retention(3000LL * 1000000, 0, 4001LL * 1000000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->alerts_deleted, 1000u);
  EXPECT_EQ(st->stats()->alerts, 3000u);
  // Size: shrink to about a third; the oldest go first.
  auto r2 = st->apply_retention(0, 300 * 1024, 4001LL * 1000000);
  ASSERT_TRUE(r2.ok());
  EXPECT_GT(r2->alerts_deleted, 1000u);
  auto oldest = st->query_alerts({.limit = 1, .newest_first = false});
  ASSERT_EQ(oldest->size(), 1u);
  EXPECT_GT(oldest->front().alert.seq(), 1000u + r2->alerts_deleted - 1);
  EXPECT_EQ(st->query_alerts({.limit = 1})->front().alert.seq(), 4000u);
}

}  // namespace
}  // namespace picket::collector::store
