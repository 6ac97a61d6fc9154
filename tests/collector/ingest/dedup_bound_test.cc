// The ingest loop's de-duplication table stays bounded: an agent's older spool epoch is forgotten once a
// newer one is acknowledged, the table has a cap, and a forgotten stream that comes back resumes without
// losing or doubling anything. Real agent_driver processes (the real agent transport) against an
// IngestServer in this process (so its counters can be read).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "collector/ingest/ingest.h"
#include "common/transport/keys.h"
#include "tests/collector/ingest/harness.h"

namespace picket::test {
namespace {

using namespace std::chrono_literals;

struct Fixture {
  TempDir tmp;
  CollectorSetup c{.dir = tmp.file("collector"), .port = free_port()};
  collector::IngestOptions options;

  Fixture(size_t max_streams) {
    std::filesystem::create_directories(c.dir);
    auto server = transport::generate_key_pair();
    EXPECT_TRUE(server && transport::write_key_files(c.dir + "/collector", server.value()));
    options = {.listen = c.endpoint(), .server = server.value(), .allow_list_path = c.agents_file(),
               .journal_dir = c.journal_dir()};
    options.journal_segment_bytes = 64 << 10;  // several segments, each starting with a checkpoint
    options.max_streams = max_streams;
  }
  // Runs a driver to completion: `count` alerts in total over the spool's life, all acknowledged.
  int drive(const std::string& agent, const std::string& spool, uint64_t count) {
    const std::string log = tmp.file(spool + "-" + std::to_string(count) + ".log");
    Child d({driver_path(), "--endpoint", c.endpoint(), "--server-pub", c.server_pub(), "--key",
             tmp.file(agent) + ".key", "--spool", tmp.file(spool), "--count", std::to_string(count),
             "--exit-when-acked", "--timeout-s", "120", "--ack-timeout-ms", "3000"},
            log);
    const int rc = d.wait(180s);
    if (rc != 0) ADD_FAILURE() << "driver " << spool << " exit " << rc << ": " << read_file(log);
    return rc;
  }
};

// Each stream of `key` holds 1..n once, in order, for the n given per stream (in any stream order).
std::string streams_hold(const JournalContents& j, const std::string& key, std::multiset<uint64_t> want) {
  std::string why;
  for (const auto& [id, s] : j.streams) {
    if (id.first != key) continue;
    for (size_t i = 0; i < s.seqs.size(); ++i) {
      if (s.seqs[i] != i + 1) {
        why += "stream " + id.second + ": position " + std::to_string(i) + " holds seq " + std::to_string(s.seqs[i]) + "; ";
        break;
      }
    }
    auto it = want.find(s.seqs.size());
    if (it == want.end()) {
      why += "stream " + id.second + " holds " + std::to_string(s.seqs.size()) + " alerts; ";
    } else {
      want.erase(it);
    }
  }
  if (!want.empty()) why += std::to_string(want.size()) + " expected streams missing";
  return why;
}

TEST(DedupBound, OlderEpochForgottenOnceNewerAckedAndResumesIfItReturns) {
  Fixture f(100);
  const std::string key = enroll_new_agent(f.c, "web01", f.tmp.file("agent"));
  ASSERT_FALSE(key.empty());
  {
    collector::IngestServer server(f.options);
    ASSERT_TRUE(server.start());
    ASSERT_EQ(f.drive("agent", "spoolA", 50), 0);
    EXPECT_EQ(server.stats().streams, 1u);
    // The agent reinstalled: a new spool, a new epoch. Once it is acknowledged the old epoch is forgotten.
    ASSERT_EQ(f.drive("agent", "spoolB", 50), 0);
    EXPECT_EQ(server.stats().streams, 1u);
    EXPECT_EQ(server.stats().streams_forgotten, 1u);
    // The old spool comes back anyway (restored from a backup): it resumes at 51, nothing stored twice.
    ASSERT_EQ(f.drive("agent", "spoolA", 80), 0);
    EXPECT_EQ(server.stats().streams_resumed, 1u);
    EXPECT_EQ(server.stats().streams, 1u);
    server.stop();
  }
  {
    // After a restart the table is rebuilt bounded (journal records plus checkpoints), and B resumes.
    collector::IngestServer server(f.options);
    ASSERT_TRUE(server.start());
    EXPECT_EQ(server.stats().streams, 1u);
    ASSERT_EQ(f.drive("agent", "spoolB", 60), 0);
    EXPECT_EQ(server.stats().streams_resumed, 1u);
    EXPECT_EQ(server.stats().duplicates, 0u);
    server.stop();
  }
  EXPECT_GT(collector::journal_segments(f.c.journal_dir()).size(), 1u);
  const JournalContents j = read_journal(f.c.journal_dir());
  EXPECT_EQ(streams_hold(j, key, {80, 60}), "");
  EXPECT_EQ(j.records, 140u);
}

TEST(DedupBound, TableCapForgetsTheLeastRecentlyActive) {
  Fixture f(2);
  std::vector<std::string> keys;
  for (int i = 0; i < 3; ++i) {
    keys.push_back(enroll_new_agent(f.c, "host" + std::to_string(i), f.tmp.file("agent" + std::to_string(i))));
    ASSERT_FALSE(keys.back().empty());
  }
  collector::IngestServer server(f.options);
  ASSERT_TRUE(server.start());
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(f.drive("agent" + std::to_string(i), "spool" + std::to_string(i), 10), 0);
    EXPECT_LE(server.stats().streams, 2u);
  }
  EXPECT_GE(server.stats().streams_forgotten, 1u);
  // host0 was the least recently active: forgotten, and it resumes.
  ASSERT_EQ(f.drive("agent0", "spool0", 25), 0);
  EXPECT_EQ(server.stats().streams_resumed, 1u);
  EXPECT_LE(server.stats().streams, 2u);
  server.stop();
  const JournalContents j = read_journal(f.c.journal_dir());
  EXPECT_EQ(streams_hold(j, keys[0], {25}), "");
  EXPECT_EQ(streams_hold(j, keys[1], {10}), "");
  EXPECT_EQ(streams_hold(j, keys[2], {10}), "");
}

}  // namespace
}  // namespace picket::test
