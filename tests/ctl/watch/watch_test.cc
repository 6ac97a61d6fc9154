// Tests ctl/watch_cmd.cc, alerts_cmd.cc and incidents_cmd.cc by running the real picketctl: against a live
// stream served in this process, and against a store file written through the Store API.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "collector/ingest/allow_list.h"
#include "collector/publish/stream.h"
#include "collector/store/sqlite_store.h"
#include "common/transport/keys.h"
#include "tests/support/process.h"

namespace picket::ctl {
namespace {

v1::Alert alert(uint64_t seq, uint32_t severity, const std::string& sid) {
  v1::Alert a;
  a.set_seq(seq);
  a.set_event_time_us(1'790'000'000'000'000 + static_cast<int64_t>(seq) * 1'000'000);
  a.mutable_rule()->set_engine(v1::ENGINE_SURICATA);
  a.mutable_rule()->set_rule_id(sid);
  a.mutable_rule()->set_sid(static_cast<uint32_t>(std::stoul(sid)));
  a.mutable_rule()->set_severity(severity);
  a.mutable_rule()->set_title("ET TEST " + sid);
  a.mutable_net()->set_src_ip("203.0.113.50");
  a.mutable_net()->set_dest_ip("10.20.0.10");
  a.mutable_net()->set_dest_port(22);
  return a;
}

TEST(PicketctlWatch, ShowsFilteredAlertsAndIncidentsFromTheLiveStream) {
  test::TempDir dir;
  auto server = transport::generate_key_pair();
  auto op = transport::generate_key_pair();
  ASSERT_TRUE(server.ok() && op.ok());
  ASSERT_TRUE(transport::write_key_files(dir.file("operator"), op.value()).ok());
  ASSERT_TRUE(transport::write_key_files(dir.file("collector"), server.value()).ok());
  collector::AllowList ops;
  ASSERT_TRUE(collector::enroll_agent(&ops, "alice", op->public_z85, {}).ok());
  ASSERT_TRUE(collector::save_allow_list(dir.file("operators.yaml"), ops).ok());
  collector::publish::LiveStream stream(
      {.listen = "tcp://127.0.0.1:0", .server = server.value(), .operators_path = dir.file("operators.yaml")});
  ASSERT_TRUE(stream.start().ok());

  std::atomic<bool> done{false};
  std::thread publisher([&] {
    v1::Incident inc;
    inc.set_id("INC-42");
    inc.set_title("Port scan then login");
    inc.set_severity(1);
    inc.set_status("open");
    inc.add_agents("web-01");
    while (!done) {
      stream.publish_alert(alert(1, 3, "2000001"), "web-01", "org=finance");  // filtered out: severity 3
      stream.publish_alert(alert(2, 1, "2010935"), "db-01", "org=finance");   // filtered out: agent
      stream.publish_alert(alert(3, 1, "2010935"), "web-01", "org=finance");
      stream.publish_incident(inc);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  auto r = test::run({test::program_path("picketctl"), "watch", "--collector", stream.bound_endpoint(), "--key",
                      dir.file("operator.key"), "--server-key", dir.file("collector.pub"), "--severity", "high",
                      "--agent", "web-01", "--count", "4", "--timeout", "120", "--color"},
                     std::chrono::seconds(180));
  done = true;
  publisher.join();
  stream.stop();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("2000001"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("db-01"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("web-01 (org=finance) suricata:2010935 ET TEST 2010935  203.0.113.50 -> 10.20.0.10:22"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("INCIDENT INC-42 sev1 [open] Port scan then login"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\033[1;31m"), std::string::npos) << "severity 1 is bold red";

  // A key the collector does not know gets nothing (and times out).
  auto stranger = transport::generate_key_pair();
  ASSERT_TRUE(transport::write_key_files(dir.file("stranger"), stranger.value()).ok());
  collector::publish::LiveStream stream2(
      {.listen = "tcp://127.0.0.1:0", .server = server.value(), .operators_path = dir.file("operators.yaml")});
  ASSERT_TRUE(stream2.start().ok());
  auto r2 = test::run({test::program_path("picketctl"), "watch", "--collector", stream2.bound_endpoint(), "--key",
                       dir.file("stranger.key"), "--server-key", dir.file("collector.pub"), "--timeout", "2"});
  stream2.stop();
  EXPECT_EQ(r2.exit_code, 1);
  EXPECT_TRUE(r2.out.empty()) << r2.out;
}

TEST(PicketctlQueries, AlertsIncidentsAndTriage) {
  test::TempDir dir;
  const std::string db = dir.file("store.db");
  const std::string key(32, 'k'), epoch(16, 'e');
  {
    auto st = collector::store::open_sqlite({.path = db});
    ASSERT_TRUE(st.ok());
    std::vector<v1::Alert> alerts = {alert(1, 3, "2000001"), alert(2, 1, "2010935"), alert(3, 2, "2010936")};
    std::vector<collector::store::AlertInput> in;
    for (const auto& a : alerts) in.push_back({.agent_key = key, .epoch = epoch, .agent = "web-01", .org = "org=fin", .alert = &a});
    ASSERT_TRUE((*st)->insert_alerts(in).ok());
    v1::Incident inc;
    inc.set_id("INC-7");
    inc.set_title("brute force");
    inc.set_severity(1);
    inc.set_first_seen_us(alerts[0].event_time_us());
    inc.set_last_seen_us(alerts[1].event_time_us());
    for (uint64_t s : {1, 2}) {
      auto* m = inc.add_members();
      m->set_agent_key(key);
      m->set_epoch(epoch);
      m->set_seq(s);
    }
    ASSERT_TRUE((*st)->upsert_incident(inc).ok());
  }
  const std::string ctl = test::program_path("picketctl");
  auto all = test::run({ctl, "alerts", "--store", db, "--since", "2026-01-01"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("suricata:2000001"), std::string::npos) << all.out;
  auto high = test::run({ctl, "alerts", "--store", db, "--severity", "medium", "--json"});
  ASSERT_EQ(high.exit_code, 0) << high.err;
  EXPECT_EQ(high.out.find("2000001"), std::string::npos) << high.out;
  EXPECT_NE(high.out.find("\"signature_id\":2010935"), std::string::npos) << high.out;
  EXPECT_EQ(test::run({ctl, "alerts", "--store", db, "--since", "yesterday"}).exit_code, 64);

  auto incs = test::run({ctl, "incidents", "--store", db});
  ASSERT_EQ(incs.exit_code, 0) << incs.err;
  EXPECT_NE(incs.out.find("INCIDENT INC-7 sev1 [open] brute force"), std::string::npos) << incs.out;
  auto timeline = test::run({ctl, "incident", "INC-7", "--store", db});
  ASSERT_EQ(timeline.exit_code, 0) << timeline.err;
  size_t a1 = timeline.out.find("suricata:2000001"), a2 = timeline.out.find("suricata:2010935");
  EXPECT_NE(a1, std::string::npos) << timeline.out;
  EXPECT_NE(a2, std::string::npos) << timeline.out;
  EXPECT_LT(a1, a2) << "timeline in event-time order";
  EXPECT_EQ(timeline.out.find("2010936"), std::string::npos) << "not a member";

  auto ack = test::run({ctl, "incident", "INC-7", "ack", "--note", "on it", "--actor", "alice", "--store", db});
  ASSERT_EQ(ack.exit_code, 0) << ack.err;
  EXPECT_EQ(test::run({ctl, "incident", "INC-8", "close", "--store", db}).exit_code, 1);
  EXPECT_EQ(test::run({ctl, "incident", "INC-7", "explode", "--store", db}).exit_code, 64);
  auto acked = test::run({ctl, "incidents", "--store", db, "--status", "acknowledged"});
  EXPECT_NE(acked.out.find("INC-7"), std::string::npos) << acked.out;
  auto st = collector::store::open_sqlite({.path = db, .read_only = true});
  ASSERT_TRUE(st.ok());
  auto log = (*st)->audit_log(0, 10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].actor, "alice");
  EXPECT_EQ((*log)[0].action, "incident.ack");
  EXPECT_EQ((*log)[0].note, "on it");
}

}  // namespace
}  // namespace picket::ctl
