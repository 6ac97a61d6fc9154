// Exactly-once delivery with real processes: picket-collector and agent_driver (the real agent/transport
// Spool + Sender) over CURVE on loopback, with SIGKILLs on either side.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "tests/collector/ingest/harness.h"

namespace picket::test {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> driver_argv(const CollectorSetup& c, const std::string& key_prefix, const std::string& spool,
                                     uint64_t count) {
  return {driver_path(), "--endpoint", c.endpoint(), "--server-pub", c.server_pub(), "--key", key_prefix + ".key",
          "--spool", spool, "--count", std::to_string(count), "--exit-when-acked", "--timeout-s", "300",
          "--ack-timeout-ms", "5000"};
}

TEST(Delivery, AgentKilled20TimesMidStream) {
  TempDir tmp;
  CollectorSetup c{.dir = tmp.file("collector"), .port = free_port()};
  std::filesystem::create_directories(c.dir);
  const std::string key = enroll_new_agent(c, "web02", tmp.file("agent"));
  ASSERT_FALSE(key.empty());
  Child collector = c.start();
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(c.server_pub()); }, 30s));

  constexpr uint64_t kCount = 30000;
  int killed_mid_stream = 0;
  for (int i = 0; i < 20; ++i) {
    const std::string log = tmp.file("driver" + std::to_string(i) + ".log");
    Child driver(driver_argv(c, tmp.file("agent"), tmp.file("spool"), kCount), log);
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + (i * 97) % 700));
    if (driver.running()) ++killed_mid_stream;
    driver.kill_now(SIGKILL);
    const int rc = driver.wait(30s);
    // Killed (137), or finished (0) if it was quick; never a spool that fails to reopen (3) or anything else.
    EXPECT_TRUE(rc == 128 + SIGKILL || rc == 0) << "run " << i << " exit " << rc << ": " << read_file(log);
  }
  // How many of the 20 kills land mid-stream depends on machine speed; at least one must, or the test
  // proved nothing.
  EXPECT_GE(killed_mid_stream, 1);
  Child last(driver_argv(c, tmp.file("agent"), tmp.file("spool"), kCount), tmp.file("driver-last.log"));
  EXPECT_EQ(last.wait(240s), 0) << read_file(tmp.file("driver-last.log"));
  collector.kill_now(SIGTERM);
  EXPECT_EQ(collector.wait(60s), 0);

  const JournalContents j = read_journal(c.journal_dir());
  EXPECT_EQ(check_exactly_once(j, key, kCount), "");
  EXPECT_EQ(j.records, kCount);
  std::cerr << "last driver run: " << read_file(tmp.file("driver-last.log"));
}

}  // namespace
}  // namespace picket::test
