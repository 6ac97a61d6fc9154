// Tests agent/yara/monitor.cc (with watcher.cc and work_queue.cc): files dropped into a watched folder are
// YARA-alerted quickly, new folders are picked up, exclusions and the size cap hold, and the queue is
// bounded with counted drops.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "agent/yara/monitor.h"
#include "agent/yara/rules.h"
#include "tests/agent/yara/test_util.h"
#include "tests/support/process.h"

namespace picket::yara {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::AlertLog;
using test::yara_on;

constexpr char kRule[] =
    "rule marker : test { meta: score = 80 strings: $m = \"PICKET-TEST-MARKER\" condition: $m }\n";

struct Fixture {
  picket::test::TempDir tmp;
  AlertLog log;
  std::shared_ptr<RuleStore> store = std::make_shared<RuleStore>();
  std::unique_ptr<FileMonitor> monitor;

  void start(MonitorOptions opt) {
    tmp.write("rules/t.yar", kRule);
    auto r = compile_rules({tmp.file("rules")});
    ASSERT_TRUE(r.diag.ok()) << r.diag.format();
    store->set(r.rules);
    if (opt.watch.empty()) {
      fs::create_directories(tmp.file("www"));
      opt.watch = {tmp.file("www")};
    }
    monitor = std::make_unique<FileMonitor>(opt, store, [this](v1::Alert a) { log.push(std::move(a)); });
    auto st = monitor->start();
    ASSERT_TRUE(st.ok()) << st.error().format();
    ASSERT_TRUE(monitor->wait_idle(60s));
  }
};

MonitorOptions fast() {
  MonitorOptions o;
  o.scan_rate = 0;
  o.fim = false;
  return o;
}

TEST(FileMonitor, DroppedFileIsAlertedWithinTwoSeconds) {
  Fixture f;
  fs::create_directories(f.tmp.file("www/html"));
  f.start(fast());
  auto t0 = std::chrono::steady_clock::now();
  std::string p = f.tmp.write("www/html/upload.txt", "hello PICKET-TEST-MARKER\n");
  auto a = f.log.wait_for(yara_on("t:marker", p), 2s);
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(a.has_value()) << "no alert within 2 s";
  EXPECT_LT(took, 2s);
  EXPECT_EQ(a->rule().severity(), 1u);
  EXPECT_EQ(a->rule().tags(0), "test");
  EXPECT_EQ(a->file().strings(0).identifier(), "$m");
  EXPECT_EQ(a->file().strings(0).offset(), 6u);
  EXPECT_EQ(a->file().size(), 25u);
}

TEST(FileMonitor, InitialScanFindsExistingFiles) {
  Fixture f;
  std::string p = f.tmp.write("www/old/already-there.txt", "PICKET-TEST-MARKER");
  f.start(fast());
  EXPECT_TRUE(f.log.wait_for(yara_on("t:marker", p), 5s).has_value());
}

TEST(FileMonitor, NewFoldersArePickedUp) {
  Fixture f;
  f.start(fast());
  fs::create_directories(f.tmp.file("www/new/deeper"));
  std::this_thread::sleep_for(100ms);
  std::string p = f.tmp.write("www/new/deeper/x.txt", "PICKET-TEST-MARKER");
  EXPECT_TRUE(f.log.wait_for(yara_on("t:marker", p), 10s).has_value());
  // A folder moved in with files already inside.
  f.tmp.write("elsewhere/in/y.txt", "PICKET-TEST-MARKER");
  fs::rename(f.tmp.file("elsewhere/in"), f.tmp.file("www/in"));
  EXPECT_TRUE(f.log.wait_for(yara_on("t:marker", f.tmp.file("www/in/y.txt")), 10s).has_value());
  // And a file moved in.
  f.tmp.write("elsewhere/z.txt", "PICKET-TEST-MARKER");
  fs::rename(f.tmp.file("elsewhere/z.txt"), f.tmp.file("www/z.txt"));
  EXPECT_TRUE(f.log.wait_for(yara_on("t:marker", f.tmp.file("www/z.txt")), 10s).has_value());
}

TEST(FileMonitor, ExclusionsAndSizeCap) {
  Fixture f;
  MonitorOptions o = fast();
  o.exclude = {"*.log", f.tmp.file("www/cache") + "/*"};
  o.max_file_size = 1024;
  f.start(o);
  f.tmp.write("www/a.log", "PICKET-TEST-MARKER");
  f.tmp.write("www/cache/b.txt", "PICKET-TEST-MARKER");
  f.tmp.write("www/big.txt", "PICKET-TEST-MARKER" + std::string(4096, 'x'));
  std::string p = f.tmp.write("www/ok.txt", "PICKET-TEST-MARKER");
  ASSERT_TRUE(f.log.wait_for(yara_on("t:marker", p), 10s).has_value());
  ASSERT_TRUE(f.monitor->wait_idle(30s));
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(f.monitor->wait_idle(30s));
  for (const auto& a : f.log.all()) {
    EXPECT_EQ(a.file().path(), p);
  }
  EXPECT_GE(f.monitor->stats().too_large, 1u);
}

TEST(FileMonitor, QueueIsBoundedAndDropsAreCounted) {
  Fixture f;
  MonitorOptions o = fast();
  o.queue_size = 16;
  o.scan_rate = 5;  // slow scanner: the queue fills
  f.start(o);
  for (int i = 0; i < 300; ++i) {
    f.tmp.write("www/f" + std::to_string(i) + ".txt", "data");
  }
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (f.monitor->stats().dropped == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  auto st = f.monitor->stats();
  EXPECT_GT(st.dropped, 0u);
  EXPECT_LE(st.queue_depth, 16u);
  f.monitor->stop();  // stops promptly despite the backlog
}

TEST(FileMonitor, RulesSwappedWhileRunning) {
  Fixture f;
  f.start(fast());
  f.tmp.write("rules2/n.yar", "rule other { strings: $o = \"OTHER-MARKER\" condition: $o }\n");
  auto r = compile_rules({f.tmp.file("rules2")});
  ASSERT_NE(r.rules, nullptr);
  f.store->set(r.rules);
  std::string p = f.tmp.write("www/o.txt", "OTHER-MARKER PICKET-TEST-MARKER");
  EXPECT_TRUE(f.log.wait_for(yara_on("n:other", p), 10s).has_value());
  EXPECT_FALSE(f.log.wait_for(yara_on("t:marker", p), 200ms).has_value());
}

}  // namespace
}  // namespace picket::yara
