// End to end with real processes: the generated demo scenario (make_scenario.py: a pcap and an auth.log)
// through the real picket-agent (--read-pcap and --read-log with transport.forward-offline, CURVE, spool)
// into a real picket-collector (journal, SQLite store, bundled correlation rules, EVE export), then queried
// with the real picketctl. Expected: the scan, brute force and login alerts stored once each, the
// "port scan, SSH brute force, login" incident with them as members, both in the EVE export, and picketctl
// alerts / incidents / incident showing them.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>

#include "collector/store/sqlite_store.h"
#include "tests/collector/ingest/harness.h"

namespace picket::test {
namespace {

using namespace std::chrono_literals;

const std::string kScanLogin = "correlation:df0c360a-9291-4f98-b67e-5d7cc6f31a48";

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(EndToEnd, AgentOnScenarioToCollectorIncidentEveAndPicketctl) {
  TempDir tmp;
  const std::string src = PICKET_SOURCE_DIR;
  const std::string scen = tmp.file("scenario");
  // Event times ten minutes ago: inside every correlation window, and in the past for the collector.
  const long start = static_cast<long>(std::time(nullptr)) - 600;
  RunResult gen = run({"/usr/bin/python3", src + "/tests/collector/publish/make_scenario.py", scen, "--start",
                       std::to_string(start)},
                      120s);
  ASSERT_EQ(gen.exit_code, 0) << gen.err;

  CollectorSetup c{.dir = tmp.file("collector"), .port = free_port(),
                   .extra_sets = {"correlate.rules=" + src + "/rules/correlation", "publish.eve.enabled=true",
                                  "publish.eve.path=" + tmp.file("collector-eve.json"),
                                  "correlate.state-interval=1s"}};
  std::filesystem::create_directories(c.dir);
  const std::string ctl = program_path("picketctl");
  // Enrolment as an admin does it: a key pair, then agents add with an organisation label.
  RunResult kg = run({ctl, "keygen", "--out", tmp.file("agent")});
  ASSERT_EQ(kg.exit_code, 0) << kg.err;
  RunResult add = run({ctl, "agents", "add", "web-01", tmp.file("agent.pub"), "--keys-file", c.agents_file(),
                       "--label", "ministry=interior"});
  ASSERT_EQ(add.exit_code, 0) << add.out << add.err;
  Child collector = c.start();
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(c.server_pub()); }, 60s))
      << read_file(c.dir + "/collector.log");

  const std::vector<std::string> agent_sets = {
      "--set", "agent.state-dir=" + tmp.file("agent-state"), "--set", "agent.host-name=web-01",
      "--set", "transport.collector=" + c.endpoint(), "--set", "transport.collector-key=" + c.server_pub(),
      "--set", "transport.key=" + tmp.file("agent.key"), "--set", "transport.forward-offline=true",
      "--set", "transport.forward-timeout=120s"};
  auto agent = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {program_path("picket-agent")};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), agent_sets.begin(), agent_sets.end());
    return run(argv, 240s);
  };
  RunResult net = agent({"--read-pcap", scen + "/scenario.pcap", "--eve-log", tmp.file("agent-eve.json"), "--rules",
                         src + "/rules/correlation/base/picket_base.rules"});
  ASSERT_EQ(net.exit_code, 0) << net.out << net.err;
  RunResult logs = agent({"--read-log", scen + "/auth.log", "--log-format", "auth", "--eve-log",
                          tmp.file("agent-eve.json"), "--rules", src + "/rules/correlation/base/ssh_failed_password.yml",
                          "--rules", src + "/rules/correlation/base/ssh_accepted_login.yml"});
  ASSERT_EQ(logs.exit_code, 0) << logs.out << logs.err;
  const std::string agent_eve = read_file(tmp.file("agent-eve.json"));
  ASSERT_GE(count_of(agent_eve, "\"signature\":\"PICKET SCAN TCP SYN port scan\""), 1u) << agent_eve;
  ASSERT_EQ(count_of(agent_eve, "\"signature\":\"SSH failed password\""), 6u) << agent_eve;

  // Every alert the agent wrote to its own EVE log is in the collector's store, exactly once.
  const size_t agent_alerts = count_of(agent_eve, "\"event_type\":\"alert\"");
  const std::string db = c.dir + "/store.db";
  auto stored_alerts = [&](const std::string& rule) -> size_t {
    auto st = collector::store::open_sqlite({.path = db, .read_only = true});
    if (!st) return 0;
    collector::store::AlertQuery q;
    q.rule = rule;
    q.limit = 100000;
    auto rows = (*st)->query_alerts(q);
    return rows ? rows->size() : 0;
  };
  EXPECT_TRUE(wait_until([&] { return stored_alerts("suricata:*") + stored_alerts("sigma:*") >= agent_alerts; }, 60s));
  EXPECT_EQ(stored_alerts("suricata:*") + stored_alerts("sigma:*"), agent_alerts);
  EXPECT_EQ(stored_alerts("sigma:1cce7079-ec79-4829-a5b4-7fb1db8ac81c"), 6u);
  EXPECT_EQ(stored_alerts("sigma:9d1a2b35-d171-4669-8c76-bcd58c69dce6"), 1u);

  // The chained correlation raises its incident, whose members are the scan, the failures and the login.
  std::optional<v1::Incident> incident;
  ASSERT_TRUE(wait_until(
      [&] {
        auto st = collector::store::open_sqlite({.path = db, .read_only = true});
        if (!st) return false;
        auto incs = (*st)->query_incidents({});
        if (!incs) return false;
        for (const auto& i : *incs) {
          if (i.rule_id() == kScanLogin) incident = i;
        }
        return incident.has_value();
      },
      60s))
      << read_file(c.dir + "/collector.log");
  {
    auto st = collector::store::open_sqlite({.path = db, .read_only = true});
    ASSERT_TRUE(st);
    auto members = (*st)->incident_alerts(incident->id());
    ASSERT_TRUE(members);
    std::multiset<std::string> rules;
    for (const auto& m : *members) rules.insert(m.alert.rule().rule_id());
    EXPECT_GE(rules.count("9000001"), 1u) << "the port scan is a member";
    EXPECT_GE(rules.count("1cce7079-ec79-4829-a5b4-7fb1db8ac81c"), 5u) << "the failed passwords are members";
    EXPECT_EQ(rules.count("9d1a2b35-d171-4669-8c76-bcd58c69dce6"), 1u) << "the login is a member";
    for (const auto& m : *members) EXPECT_EQ(m.agent, "web-01");
    EXPECT_EQ(incident->severity(), 1u);
  }

  // The EVE export holds the alerts and the incident (flushed at least every state interval).
  EXPECT_TRUE(wait_until(
      [&] { return read_file(tmp.file("collector-eve.json")).find(kScanLogin) != std::string::npos; }, 30s));
  const std::string eve = read_file(tmp.file("collector-eve.json"));
  EXPECT_NE(eve.find("\"event_type\":\"incident\""), std::string::npos) << eve;
  EXPECT_EQ(count_of(eve, "\"signature\":\"SSH failed password\""), 6u) << eve;

  // picketctl on the collector host, reading the store.
  RunResult alerts = run({ctl, "alerts", "--store", db, "--since", "1h", "--limit", "1000"});
  ASSERT_EQ(alerts.exit_code, 0) << alerts.err;
  EXPECT_NE(alerts.out.find("suricata:9000001"), std::string::npos) << alerts.out;
  EXPECT_NE(alerts.out.find("web-01"), std::string::npos) << alerts.out;
  EXPECT_NE(alerts.out.find("ministry=interior"), std::string::npos) << alerts.out;
  RunResult incs = run({ctl, "incidents", "--store", db, "--since", "1h"});
  ASSERT_EQ(incs.exit_code, 0) << incs.err;
  EXPECT_NE(incs.out.find("Port scan followed by SSH brute force and a successful login"), std::string::npos)
      << incs.out;
  RunResult timeline = run({ctl, "incident", incident->id(), "--store", db});
  ASSERT_EQ(timeline.exit_code, 0) << timeline.err;
  EXPECT_LT(timeline.out.find("suricata:9000001"), timeline.out.find("sigma:9d1a2b35")) << timeline.out;

  collector.kill_now(SIGTERM);
  EXPECT_EQ(collector.wait(60s), 0) << read_file(c.dir + "/collector.log");
}

}  // namespace
}  // namespace picket::test
