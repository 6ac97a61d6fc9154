// Tests collector/publish/feeder.cc against a store held by another writer: while a second connection
// holds store.db's write lock past the busy timeout, the feeder keeps the batch in the journal and retries
// (it neither fails nor exits); once the lock is released every alert and the expected incident arrive.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "collector/ingest/journal.h"
#include "collector/publish/feeder.h"
#include "collector/store/sqlite_store.h"
#include "tests/collector/publish/scenario_alerts.h"
#include "tests/support/process.h"

namespace picket::collector::publish {
namespace {

const std::string kScanLogin = "correlation:df0c360a-9291-4f98-b67e-5d7cc6f31a48";

template <typename F>
bool wait_for(F&& done, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

TEST(JournalFeeder, RetriesWhileAnotherWriterHoldsTheStore) {
  test::TempDir dir;
  const std::string jdir = dir.file("journal");
  const std::string db = dir.file("store.db");
  auto alerts = scenario::alerts();
  {
    auto journal = Journal::open({.dir = jdir});
    ASSERT_TRUE(journal) << journal.error().format();
    StreamId id;
    id.key.fill(7);
    id.epoch.fill(1);
    std::string bytes;
    for (const auto& a : alerts) {
      a.alert.SerializeToString(&bytes);
      (*journal)->append(id, a.alert.seq(), a.alert.event_time_us(),
                         std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    }
    ASSERT_TRUE((*journal)->commit().ok());
  }
  auto st = store::open_sqlite({.path = db, .busy_timeout_ms = 100});
  ASSERT_TRUE(st) << st.error().format();

  // Another process's writer takes the write lock and keeps it.
  sqlite3* blocker = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &blocker), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  correlate::RuleSet rules;
  Diagnostics diag;
  correlate::load_rule_path(std::string(PICKET_SOURCE_DIR) + "/rules/correlation", &rules, &diag);
  correlate::validate_rule_set(&rules, &diag);
  correlate::Engine engine(std::move(rules));
  health::HealthMonitor health;
  Pipeline pipeline(**st, engine, health, {});
  JournalFeeder feeder(jdir, nullptr, pipeline);
  ASSERT_TRUE(feeder.start().ok());
  EXPECT_TRUE(wait_for([&] { return feeder.stats().store_retries >= 2; }, 60)) << "the feeder retries";
  EXPECT_FALSE(feeder.failed());

  auto reader = store::open_sqlite({.path = db, .read_only = true});
  ASSERT_TRUE(reader) << reader.error().format();
  EXPECT_TRUE((*reader)->query_alerts({}).value().empty()) << "nothing committed while the lock is held";

  sqlite3_exec(blocker, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(blocker);
  EXPECT_TRUE(wait_for([&] { return (*reader)->query_alerts({}).value().size() == alerts.size(); }, 120))
      << "every alert arrives once the lock is released";
  EXPECT_TRUE(wait_for(
      [&] {
        auto incidents = (*reader)->query_incidents({});
        if (!incidents) return false;
        for (const auto& inc : *incidents) {
          if (inc.rule_id() == kScanLogin) return true;
        }
        return false;
      },
      60))
      << "and the scan -> brute force -> login incident";
  EXPECT_FALSE(feeder.failed());
  feeder.stop();
}

// The nice value (field 19 of /proc/self/task/TID/stat) of every thread of this process.
std::vector<int> thread_nice_values() {
  std::vector<int> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream f(e.path() / "stat");
    std::string line;
    std::getline(f, line);
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 19 && rest >> field; ++i) {
      if (i == 19) out.push_back(std::stoi(field));
    }
  }
  return out;
}

TEST(JournalFeeder, RunsAtTheConfiguredNiceValue) {
  test::TempDir dir;
  const std::string jdir = dir.file("journal");
  ASSERT_TRUE(Journal::open({.dir = jdir}));
  auto st = store::open_sqlite({.path = dir.file("store.db")});
  ASSERT_TRUE(st) << st.error().format();
  correlate::Engine engine(correlate::RuleSet{});
  health::HealthMonitor health;
  Pipeline pipeline(**st, engine, health, {});
  JournalFeeder feeder(jdir, nullptr, pipeline);
  auto before = thread_nice_values();
  ASSERT_EQ(std::count(before.begin(), before.end(), 7), 0);
  feeder.set_nice(7);
  ASSERT_TRUE(feeder.start().ok());
  EXPECT_TRUE(wait_for(
      [&] {
        auto now = thread_nice_values();
        return std::count(now.begin(), now.end(), 7) == 1;
      },
      30))
      << "one thread (the feeder) runs at nice 7";
  feeder.stop();
}

// BatchReader: batches of a journal in journal order, each record once, with the batch after next read on
// its own thread; the journal grows while it is read (the live case: nothing more, then more records), a
// record that does not parse is counted and left out, and each batch's end position moves forward.
TEST(BatchReader, ReadsAheadInJournalOrderWhileTheJournalGrows) {
  test::TempDir dir;
  const std::string jdir = dir.file("journal");
  auto journal = Journal::open({.dir = jdir});
  ASSERT_TRUE(journal) << journal.error().format();
  StreamId id;
  id.key.fill(3);
  id.epoch.fill(4);
  uint64_t seq = 0;
  auto add = [&](int n) {
    std::string bytes;
    for (int i = 0; i < n; ++i) {
      v1::Alert a;
      a.set_seq(++seq);
      a.set_event_time_us(1000 + static_cast<int64_t>(seq));
      a.SerializeToString(&bytes);
      if (seq == 17) bytes = std::string("\xff\xff\xff", 3);  // not an Alert
      (*journal)->append(id, seq, 1000, std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    }
    ASSERT_TRUE((*journal)->commit().ok());
  };
  add(25);
  JournalReader reader(jdir, "test", nullptr);
  std::atomic<uint64_t> records{0}, bad{0};
  BatchReader batches(reader, 4, &records, &bad);
  std::vector<uint64_t> seen;
  JournalPosition last{};
  auto drain = [&] {
    for (;;) {
      batches.fill();
      std::vector<IncomingAlert>* b = batches.current();
      if (b == nullptr) return;
      if (std::vector<IncomingAlert>* n = batches.next()) {
        ASSERT_FALSE(n->empty());
        EXPECT_GT(n->front().alert.seq(), b->back().alert.seq());
      }
      for (const IncomingAlert& in : *b) seen.push_back(in.alert.seq());
      const JournalPosition& end = batches.current_end();
      EXPECT_TRUE(end.segment > last.segment || (end.segment == last.segment && end.offset > last.offset));
      last = end;
      ASSERT_TRUE(reader.commit_cursor(end).ok());
      batches.pop();
    }
  };
  drain();
  add(30);  // more arrives after the reader found nothing
  drain();
  ASSERT_EQ(seen.size(), 54u);
  for (size_t i = 0, want = 1; i < seen.size(); ++i, ++want) {
    if (want == 17) ++want;
    EXPECT_EQ(seen[i], want) << i;
  }
  EXPECT_EQ(records.load(), 55u);
  EXPECT_EQ(bad.load(), 1u);
}

}  // namespace
}  // namespace picket::collector::publish
