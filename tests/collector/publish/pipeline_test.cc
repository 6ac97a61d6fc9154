// Tests collector/publish/pipeline.cc with the real store, the bundled correlation rules and the health
// monitor: the demo scenario's alerts become the expected incidents with the expected member alerts, a
// restart in the middle of a window still yields the incident, and a silent agent is reported.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "collector/publish/eve_file.h"
#include "collector/publish/pipeline.h"
#include "collector/store/sqlite_store.h"
#include "tests/collector/publish/scenario_alerts.h"
#include "tests/support/process.h"

namespace picket::collector::publish {
namespace {

const std::string kKey(32, '\x07');
const std::string kEpoch(16, '\x01');
const std::string kScanLogin = "correlation:df0c360a-9291-4f98-b67e-5d7cc6f31a48";
const std::string kWebshell = "correlation:71e7fb29-8e7d-40d3-a276-80854d31c607";

correlate::RuleSet bundled_rules() {
  correlate::RuleSet set;
  Diagnostics diag;
  correlate::load_rule_path(std::string(PICKET_SOURCE_DIR) + "/rules/correlation", &set, &diag);
  correlate::validate_rule_set(&set, &diag);
  EXPECT_TRUE(diag.ok()) << diag.format();
  return set;
}

// One collector instance over a store file: engine, health, pipeline.
struct Collector {
  explicit Collector(const std::string& db, health::HealthOptions ho = {}, int busy_timeout_ms = 10'000,
                     PipelineOptions po = {})
      : store(std::move(store::open_sqlite({.path = db, .busy_timeout_ms = busy_timeout_ms}).value())),
        engine(bundled_rules()),
        health(ho),
        pipeline(*store, engine, health, po) {
    pipeline.set_agent_directory([](const std::string& key, std::string* name,
                                    std::map<std::string, std::string>* labels) {
      if (key != kKey) return false;
      *name = "web-01";
      *labels = {{"ministry", "interior"}};
      return true;
    });
  }
  std::unique_ptr<store::Store> store;
  correlate::Engine engine;
  health::HealthMonitor health;
  Pipeline pipeline;
};

std::vector<IncomingAlert> batch(const std::vector<scenario::ScenarioAlert>& s, size_t from, size_t to) {
  std::vector<IncomingAlert> out;
  for (size_t i = from; i < to && i < s.size(); ++i) {
    out.push_back({.agent_key = kKey, .epoch = kEpoch, .received_us = s[i].alert.event_time_us() + 500'000,
                   .alert = s[i].alert});
  }
  return out;
}

// Labels of an incident's member alerts, from the store.
std::set<std::string> member_labels(store::Store& st, const std::string& id,
                                    const std::vector<scenario::ScenarioAlert>& s) {
  std::set<std::string> out;
  auto rows = st.incident_alerts(id);
  EXPECT_TRUE(rows.ok());
  for (const auto& r : *rows) out.insert(s[r.alert.seq() - 1].label);
  return out;
}

const v1::Incident* by_rule(const std::vector<v1::Incident>& incs, const std::string& rule) {
  for (const auto& i : incs) {
    if (i.rule_id() == rule) return &i;
  }
  return nullptr;
}

TEST(Pipeline, ScenarioYieldsExpectedIncidents) {
  test::TempDir dir;
  Collector c(dir.file("store.db"));
  auto eve = make_eve_file_sink({.path = dir.file("eve.json")});
  ASSERT_TRUE(eve.ok());
  c.pipeline.add_sink(std::move(eve.value()));
  ASSERT_TRUE(c.pipeline.start(scenario::kStartUs).ok());
  auto s = scenario::alerts();
  for (size_t i = 0; i < s.size(); i += 3) {
    auto b = batch(s, i, i + 3);
    ASSERT_TRUE(c.pipeline.process(b, scenario::kStartUs).ok());
  }
  ASSERT_TRUE(c.pipeline.save_state().ok());
  auto incs = c.store->query_incidents({});
  ASSERT_TRUE(incs.ok());
  ASSERT_EQ(incs->size(), 2u);
  const v1::Incident* chain = by_rule(*incs, kScanLogin);
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(chain->severity(), 1u);
  EXPECT_EQ(chain->status(), "open");
  EXPECT_EQ(chain->title(),
            "Port scan followed by SSH brute force and a successful login from the same source (src_ip=203.0.113.50)");
  EXPECT_EQ(chain->agents_size(), 1);
  EXPECT_EQ(chain->agents(0), "web-01");
  EXPECT_EQ(chain->orgs(0), "ministry=interior");
  EXPECT_EQ(member_labels(*c.store, chain->id(), s),
            (std::set<std::string>{"scan", "failed-1", "failed-2", "failed-3", "failed-4", "failed-5", "login"}));
  EXPECT_EQ(chain->first_seen_us(), s[0].alert.event_time_us());
  const v1::Incident* web = by_rule(*incs, kWebshell);
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(member_labels(*c.store, web->id(), s), (std::set<std::string>{"webshell-file", "webshell-cmd"}));

  EXPECT_EQ(c.store->query_alerts({}).value().size(), s.size());
  auto agents = c.store->agents();
  ASSERT_EQ(agents->size(), 1u);
  EXPECT_EQ((*agents)[0].name, "web-01");

  c.pipeline.sinks()[0]->flush();
  std::ifstream in(dir.file("eve.json"));
  std::string line;
  int alerts = 0, incidents = 0;
  while (std::getline(in, line)) {
    alerts += line.find("\"event_type\":\"alert\"") != std::string::npos;
    incidents += line.find("\"event_type\":\"incident\"") != std::string::npos;
  }
  EXPECT_EQ(alerts, static_cast<int>(s.size()));
  EXPECT_GE(incidents, 2);
}

// Batches fed as the journal feeder feeds them: each next batch correlated on the side worker while the
// current one is stored, a tick between batches, and one batch refused by a busy store and retried while
// the next one is already correlated. The store ends with the same alerts (each once) and the same
// incidents with the same members as feeding the batches one by one on one thread.
TEST(Pipeline, ReadAheadAndSideCorrelationGiveTheSameIncidentsAsOneThread) {
  test::TempDir dir;
  auto s = scenario::alerts();
  auto summary = [&](store::Store& st) {
    std::map<std::string, std::set<std::string>> out;  // rule -> member labels
    auto incidents = st.query_incidents({});
    EXPECT_TRUE(incidents.ok());
    if (!incidents.ok()) return out;
    for (const auto& inc : incidents.value()) out[inc.rule_id()] = member_labels(st, inc.id(), s);
    return out;
  };
  Collector one(dir.file("one.db"), {}, 10'000, {.parallel_min = 0});
  ASSERT_TRUE(one.pipeline.start(scenario::kStartUs).ok());
  for (size_t i = 0; i < s.size(); i += 2) {
    auto b = batch(s, i, i + 2);
    ASSERT_TRUE(one.pipeline.process(b, scenario::kStartUs).ok());
  }
  ASSERT_TRUE(one.pipeline.save_state().ok());

  Collector two(dir.file("two.db"), {}, 100, {.parallel_min = 1});
  ASSERT_TRUE(two.pipeline.start(scenario::kStartUs).ok());
  std::vector<IncomingAlert> buf[2];
  int cur = 0;
  buf[cur] = batch(s, 0, 2);
  bool refused_once = false;
  for (size_t i = 2;; i += 2) {
    const int nx = 1 - cur;
    buf[nx] = batch(s, i, i + 2);
    std::vector<IncomingAlert>* next = buf[nx].empty() ? nullptr : &buf[nx];
    if (!refused_once && i >= 6) {
      // Another writer holds the store: this batch is refused (its next one is correlated ahead anyway).
      sqlite3* blocker = nullptr;
      ASSERT_EQ(sqlite3_open(dir.file("two.db").c_str(), &blocker), SQLITE_OK);
      ASSERT_EQ(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
      EXPECT_FALSE(two.pipeline.process(buf[cur], scenario::kStartUs, next).ok());
      sqlite3_exec(blocker, "ROLLBACK", nullptr, nullptr, nullptr);
      sqlite3_close(blocker);
      refused_once = true;
    }
    ASSERT_TRUE(two.pipeline.process(buf[cur], scenario::kStartUs, next).ok());
    ASSERT_TRUE(two.pipeline.tick(scenario::kStartUs).ok());
    if (next == nullptr) break;
    cur = nx;
  }
  ASSERT_TRUE(two.pipeline.save_state().ok());
  EXPECT_TRUE(refused_once);
  EXPECT_EQ(two.store->query_alerts({}).value().size(), s.size());
  auto expected = summary(*one.store);
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(summary(*two.store), expected);
}

TEST(Pipeline, RestartMidWindowStillYieldsIncident) {
  test::TempDir dir;
  auto s = scenario::alerts();
  {
    Collector first(dir.file("store.db"));
    ASSERT_TRUE(first.pipeline.start(scenario::kStartUs).ok());
    auto b = batch(s, 0, 5);  // the scan and four failed passwords
    ASSERT_TRUE(first.pipeline.process(b, scenario::kStartUs).ok());
    ASSERT_TRUE(first.pipeline.save_state().ok());
    EXPECT_TRUE(first.store->query_incidents({}).value().empty());
  }  // the collector stops in the middle of the brute force
  Collector second(dir.file("store.db"));
  ASSERT_TRUE(second.pipeline.start(scenario::kStartUs).ok());
  // The journal replays from an older cursor: the first records come again and count once.
  auto replay = batch(s, 3, s.size());
  ASSERT_TRUE(second.pipeline.process(replay, scenario::kStartUs).ok());
  EXPECT_GE(second.engine.stats().replayed, 2u);
  auto incs = second.store->query_incidents({});
  ASSERT_TRUE(incs.ok());
  const v1::Incident* chain = by_rule(*incs, kScanLogin);
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(member_labels(*second.store, chain->id(), s),
            (std::set<std::string>{"scan", "failed-1", "failed-2", "failed-3", "failed-4", "failed-5", "login"}));
  EXPECT_EQ(second.store->query_alerts({}).value().size(), s.size());
}

TEST(Pipeline, SilentAgentReportedWithinConfiguredTime) {
  test::TempDir dir;
  constexpr int64_t kSec = 1'000'000;
  Collector c(dir.file("store.db"), {.silence_us = 90 * kSec});
  const int64_t t0 = scenario::kStartUs;
  ASSERT_TRUE(c.pipeline.start(t0).ok());
  auto s = scenario::alerts();
  auto b = batch(s, 0, 1);
  b[0].received_us = t0;
  ASSERT_TRUE(c.pipeline.process(b, t0).ok());
  ASSERT_TRUE(c.pipeline.tick(t0 + 90 * kSec).ok());
  EXPECT_TRUE(c.store->query_alerts({.rule = "health:*"}).value().empty());
  ASSERT_TRUE(c.pipeline.tick(t0 + 92 * kSec).ok());
  auto health = c.store->query_alerts({.rule = "health:agent-silent"});
  ASSERT_TRUE(health.ok());
  ASSERT_EQ(health->size(), 1u);
  EXPECT_EQ((*health)[0].agent, "web-01");
  EXPECT_EQ((*health)[0].agent_key, kKey);
  EXPECT_EQ((*health)[0].alert.rule().severity(), 1u);
  EXPECT_EQ(c.pipeline.stats().health_alerts, 1u);
}

TEST(Pipeline, HealthAlertRaisedWhileTheStoreIsBusyIsStoredLater) {
  test::TempDir dir;
  constexpr int64_t kSec = 1'000'000;
  Collector c(dir.file("store.db"), {.silence_us = 90 * kSec}, 100);
  const int64_t t0 = scenario::kStartUs;
  ASSERT_TRUE(c.pipeline.start(t0).ok());
  auto s = scenario::alerts();
  auto b = batch(s, 0, 1);
  b[0].received_us = t0;
  ASSERT_TRUE(c.pipeline.process(b, t0).ok());
  // Another writer holds the store while the agent falls silent: the tick fails, the alert is kept.
  sqlite3* blocker = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("store.db").c_str(), &blocker), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_FALSE(c.pipeline.tick(t0 + 92 * kSec).ok());
  EXPECT_FALSE(c.pipeline.tick(t0 + 93 * kSec).ok());
  sqlite3_exec(blocker, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(blocker);
  EXPECT_TRUE(c.store->query_alerts({.rule = "health:*"}).value().empty());
  // The next tick stores it, once (the monitor does not raise it again, and the retry is one batch).
  ASSERT_TRUE(c.pipeline.tick(t0 + 94 * kSec).ok());
  ASSERT_TRUE(c.pipeline.tick(t0 + 96 * kSec).ok());
  auto health = c.store->query_alerts({.rule = "health:agent-silent"});
  ASSERT_TRUE(health.ok());
  ASSERT_EQ(health->size(), 1u);
  EXPECT_EQ((*health)[0].agent_key, kKey);
  EXPECT_EQ(c.pipeline.stats().health_alerts, 1u);
}

TEST(Pipeline, HeartbeatsFromIngestReachHealthAndAgents) {
  test::TempDir dir;
  Collector c(dir.file("store.db"));
  const int64_t t0 = scenario::kStartUs;
  ASSERT_TRUE(c.pipeline.start(t0).ok());
  v1::Hello hello;
  hello.set_host_name("web-01");
  hello.set_version("0.1.0");
  c.pipeline.post_hello(kKey, hello, t0);
  v1::Heartbeat hb;
  hb.set_agent_time_us(t0 + 1'000'000);
  hb.set_capture_running(false);
  hb.mutable_counters()->set_packets(1234);
  std::thread other([&] { c.pipeline.post_heartbeat(kKey, hb, t0 + 1'000'000); });  // ingest's thread
  other.join();
  ASSERT_TRUE(c.pipeline.tick(t0 + 2'000'000).ok());
  auto stopped = c.store->query_alerts({.rule = "health:capture-stopped"});
  ASSERT_TRUE(stopped.ok());
  ASSERT_EQ(stopped->size(), 1u);
  EXPECT_EQ((*stopped)[0].agent, "web-01");
  auto agents = c.store->agents();
  ASSERT_EQ(agents->size(), 1u);
  EXPECT_EQ((*agents)[0].version, "0.1.0");
  EXPECT_EQ((*agents)[0].counters.packets(), 1234u);
  // Known limitation: the health alert raised at tick time also bumps last_seen (see the report).
  EXPECT_GE((*agents)[0].last_seen_us, t0 + 1'000'000);
}

}  // namespace
}  // namespace picket::collector::publish
