// Agent health with real processes: picket-collector and agent_driver (the real agent transport) over
// CURVE. A quiet agent that keeps sending heartbeats is healthy; the same agent killed is reported silent.
// Proves that ingest hands Hello/Heartbeat to the pipeline (agents table: version, counters; health).
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "collector/store/sqlite_store.h"
#include "common/transport/keys.h"
#include "tests/collector/ingest/harness.h"

namespace picket::test {
namespace {

using namespace std::chrono_literals;

// Rows of health:agent-silent alerts in the collector's store (opened read-side beside the writer).
size_t silent_alerts(const CollectorSetup& c, std::string* agents_out = nullptr) {
  auto st = collector::store::open_sqlite({.path = c.dir + "/store.db", .read_only = true});
  if (!st) return 0;
  auto rows = (*st)->query_alerts({.rule = "health:agent-silent"});
  if (agents_out != nullptr) {
    agents_out->clear();
    if (auto agents = (*st)->agents()) {
      for (const auto& a : *agents) {
        *agents_out += a.name + " version=" + a.version + " spool_depth=" + std::to_string(a.counters.spool_depth()) +
                       "; ";
      }
    }
  }
  return rows ? rows->size() : 0;
}

bool agent_has_version(const CollectorSetup& c, const std::string& name, const std::string& version) {
  auto st = collector::store::open_sqlite({.path = c.dir + "/store.db", .read_only = true});
  if (!st) return false;
  auto agents = (*st)->agents();
  if (!agents) return false;
  for (const auto& a : *agents) {
    if (a.name == name && a.version == version) return true;
  }
  return false;
}

TEST(AgentHealth, QuietAgentWithHeartbeatsIsNotSilentAndKilledAgentIs) {
  TempDir tmp;
  CollectorSetup c{.dir = tmp.file("collector"), .port = free_port(),
                   .extra_sets = {"health.silence=4s"}};
  std::filesystem::create_directories(c.dir);
  const std::string key = enroll_new_agent(c, "web07", tmp.file("agent"));
  ASSERT_FALSE(key.empty());
  Child collector = c.start();
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(c.server_pub()); }, 30s));

  // Five alerts, then quiet for the rest of its life, with a heartbeat every 500 ms.
  Child driver({driver_path(), "--endpoint", c.endpoint(), "--server-pub", c.server_pub(), "--key",
                tmp.file("agent") + ".key", "--spool", tmp.file("spool"), "--count", "5", "--heartbeat-ms", "500",
                "--timeout-s", "120"},
               tmp.file("driver.log"));
  // Hello and heartbeats reach the agents table (the driver reports version "driver").
  ASSERT_TRUE(wait_until([&] { return agent_has_version(c, "web07", "driver"); }, 60s))
      << read_file(c.dir + "/collector.log");
  // Three silence periods of quiet (no alerts): heartbeats keep it healthy.
  std::this_thread::sleep_for(12s);
  std::string agents;
  EXPECT_EQ(silent_alerts(c, &agents), 0u) << "a healthy quiet agent was reported silent; agents: " << agents
                                           << read_file(c.dir + "/collector.log");
  EXPECT_EQ(read_file(c.dir + "/collector.log").find("capture stopped"), std::string::npos)
      << "an agent without capture is not reported as a stopped capture";
  ASSERT_TRUE(driver.running()) << read_file(tmp.file("driver.log"));

  // Killed: no more heartbeats, reported within the silence time plus the health check period (generous
  // bound for a loaded machine).
  driver.kill_now(SIGKILL);
  driver.wait(30s);
  EXPECT_TRUE(wait_until([&] { return silent_alerts(c) >= 1; }, 60s)) << read_file(c.dir + "/collector.log");
  collector.kill_now(SIGTERM);
  EXPECT_EQ(collector.wait(60s), 0) << read_file(c.dir + "/collector.log");
}

}  // namespace
}  // namespace picket::test
