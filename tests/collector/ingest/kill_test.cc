// The collector is killed with SIGKILL for 30 seconds while an agent sends 100,000 alerts: after the restart
// all 100,000 are stored, each exactly once. Real picket-collector and agent_driver (the real agent/transport
// Spool + Sender) processes over CURVE on loopback. Its own binary so that CTest can give it a long TIMEOUT.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "tests/collector/ingest/harness.h"

namespace picket::test {
namespace {

using namespace std::chrono_literals;

uint64_t journal_bytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".pj") total += e.file_size(ec);
  }
  return total;
}

std::vector<std::string> driver_argv(const CollectorSetup& c, const std::string& key_prefix, const std::string& spool,
                                     uint64_t count) {
  return {driver_path(), "--endpoint", c.endpoint(), "--server-pub", c.server_pub(), "--key", key_prefix + ".key",
          "--spool", spool, "--count", std::to_string(count), "--exit-when-acked", "--timeout-s", "1000",
          "--ack-timeout-ms", "10000"};
}

// Was disabled after timing out under `ctest -j2`: two collectors of parallel tests both bound the default
// live-stream port 0.0.0.0:7801 and one exited (the harness now binds an ephemeral loopback port). Waits are
// generous for a loaded 2-core machine under ASan; CTest's TIMEOUT for this binary is 1500 s.
TEST(Delivery, CollectorKilledFor30sWhileAgentSends100k) {
  TempDir tmp;
  CollectorSetup c{.dir = tmp.file("collector"), .port = free_port()};
  std::filesystem::create_directories(c.dir);
  const std::string key = enroll_new_agent(c, "web01", tmp.file("agent"));
  ASSERT_FALSE(key.empty());
  Child collector = c.start();
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(c.server_pub()); }, 120s));

  constexpr uint64_t kCount = 100000;
  Child driver(driver_argv(c, tmp.file("agent"), tmp.file("spool"), kCount), tmp.file("driver.log"));
  // Kill the collector once alerts are flowing (about 1,400 alerts journalled), not before.
  ASSERT_TRUE(wait_until([&] { return journal_bytes(c.journal_dir()) > (1u << 20); }, 300s))
      << read_file(c.dir + "/collector.log") << read_file(tmp.file("driver.log"));
  collector.kill_now(SIGKILL);
  EXPECT_EQ(collector.wait(30s), 128 + SIGKILL);
  const JournalContents at_kill = read_journal(c.journal_dir());
  EXPECT_GT(at_kill.records, 0u);
  EXPECT_LT(at_kill.records, kCount) << "the collector was killed after the stream ended";

  std::this_thread::sleep_for(30s);  // the agent keeps spooling and retrying meanwhile
  EXPECT_TRUE(driver.running()) << read_file(tmp.file("driver.log"));
  collector = c.start("collector2.log");
  EXPECT_EQ(driver.wait(900s), 0) << read_file(tmp.file("driver.log"));
  collector.kill_now(SIGTERM);
  EXPECT_EQ(collector.wait(60s), 0) << read_file(c.dir + "/collector2.log");

  const JournalContents j = read_journal(c.journal_dir());
  EXPECT_EQ(check_exactly_once(j, key, kCount), "");
  EXPECT_EQ(j.records, kCount);
  std::cerr << "driver: " << read_file(tmp.file("driver.log"));
}

}  // namespace
}  // namespace picket::test
