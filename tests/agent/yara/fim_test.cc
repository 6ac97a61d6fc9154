// Tests agent/yara/fim.cc and the monitor's FIM path: one test per change kind (create, modify, delete,
// mode, owner) with before/after states, changes made while the agent was stopped (baseline persisted),
// and the atomic baseline file.
#include <algorithm>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "agent/yara/hash.h"
#include "agent/yara/monitor.h"
#include "tests/agent/yara/test_util.h"
#include "tests/support/process.h"

namespace picket::yara {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::AlertLog;
using test::fim;

class Fim : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(tmp_.file("www"));
    existing_ = tmp_.write("www/index.html", "<html>v1</html>\n");
    start();
  }
  void TearDown() override {
    if (monitor_) {
      monitor_->stop();
    }
  }
  void start() {
    MonitorOptions o;
    o.watch = {tmp_.file("www")};
    o.scan_rate = 0;
    o.fim = true;
    o.fim_baseline = tmp_.file("state/fim/baseline.json");
    monitor_ = std::make_unique<FileMonitor>(o, nullptr, [this](v1::Alert a) { log_.push(std::move(a)); });
    auto st = monitor_->start();
    ASSERT_TRUE(st.ok()) << st.error().format();
    ASSERT_TRUE(monitor_->wait_idle(60s));
  }
  void restart() {
    monitor_->stop();
    monitor_.reset();
    log_.clear();
    start();
  }

  picket::test::TempDir tmp_;
  AlertLog log_;
  std::unique_ptr<FileMonitor> monitor_;
  std::string existing_;
};

TEST_F(Fim, FirstScanLearnsSilentlyAndSavesTheBaseline) {
  EXPECT_TRUE(log_.all().empty());
  EXPECT_TRUE(fs::exists(tmp_.file("state/fim/baseline.json")));
  EXPECT_FALSE(fs::exists(tmp_.file("state/fim/baseline.json.tmp")));
  Baseline b(tmp_.file("state/fim/baseline.json"));
  ASSERT_TRUE(b.load().ok());
  EXPECT_TRUE(b.existed());
  EXPECT_TRUE(b.contains(existing_));
}

TEST_F(Fim, Create) {
  std::string p = tmp_.write("www/new.php", "<?php echo 1; ?>\n");
  auto a = log_.wait_for(fim("create", p), 10s);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->rule().engine(), v1::ENGINE_FIM);
  EXPECT_FALSE(a->file().has_before());
  EXPECT_EQ(a->file().after().sha256(), *sha256_file(p));
  EXPECT_EQ(a->file().after().size(), 17u);
  EXPECT_EQ(a->file().change(), "create");
}

TEST_F(Fim, Modify) {
  std::string old_sha = *sha256_file(existing_);
  tmp_.write("www/index.html", "<html>defaced</html>\n");
  // The writer truncates, then writes: the watcher may first report the empty intermediate state (a real
  // modification); the change that matters is the one to the final content.
  auto is_modify = fim("modify", existing_);
  auto a = log_.wait_for([&](const v1::Alert& x) { return is_modify(x) && x.file().after().size() == 21u; }, 10s);
  ASSERT_TRUE(a.has_value());
  // The first modify alert names the original content as "before".
  const auto all = log_.all();
  auto first = std::find_if(all.begin(), all.end(), [&](const v1::Alert& x) { return is_modify(x); });
  ASSERT_NE(first, all.end());
  EXPECT_EQ(first->file().before().sha256(), old_sha);
  EXPECT_EQ(first->file().before().size(), 16u);
  EXPECT_EQ(a->file().after().sha256(), *sha256_file(existing_));
  EXPECT_EQ(a->file().after().size(), 21u);
}

TEST_F(Fim, Delete) {
  fs::remove(existing_);
  auto a = log_.wait_for(fim("delete", existing_), 10s);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->file().before().size(), 16u);
  EXPECT_FALSE(a->file().has_after());
}

TEST_F(Fim, ModeChange) {
  ASSERT_EQ(::chmod(existing_.c_str(), 0666), 0);
  auto a = log_.wait_for(fim("mode", existing_), 10s);
  ASSERT_TRUE(a.has_value());
  EXPECT_NE(a->file().before().mode() & 07777, 0666u);
  EXPECT_EQ(a->file().after().mode() & 07777, 0666u);
  EXPECT_FALSE(log_.wait_for(fim("modify", existing_), 200ms).has_value());
}

TEST_F(Fim, OwnerChange) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "changing a file's owner needs root";
  }
  ASSERT_EQ(::chown(existing_.c_str(), 1, 1), 0);
  auto a = log_.wait_for(fim("owner", existing_), 10s);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->file().before().uid(), 0u);
  EXPECT_EQ(a->file().after().uid(), 1u);
  EXPECT_EQ(a->file().after().gid(), 1u);
}

TEST_F(Fim, ChangesWhileStoppedAreFoundAtStart) {
  std::string gone = tmp_.write("www/gone.txt", "bye\n");
  ASSERT_TRUE(log_.wait_for(fim("create", gone), 10s).has_value());
  monitor_->stop();
  fs::remove(gone);
  tmp_.write("www/index.html", "<html>changed offline</html>\n");
  std::string added = tmp_.write("www/added.txt", "hi\n");
  restart();
  EXPECT_TRUE(log_.wait_for(fim("delete", gone), 10s).has_value());
  EXPECT_TRUE(log_.wait_for(fim("modify", existing_), 10s).has_value());
  EXPECT_TRUE(log_.wait_for(fim("create", added), 10s).has_value());
}

TEST(FimBaseline, DamagedBaselineIsReportedAndReplaced) {
  picket::test::TempDir tmp;
  std::string f = tmp.write("b.json", "{not json");
  Baseline b(f);
  auto st = b.load();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().file, f);
  EXPECT_EQ(b.size(), 0u);
  b.set_learning(false);
  auto alerts = b.observe("/x", {.sha256 = "aa", .size = 1});
  ASSERT_EQ(alerts.size(), 1u);
  ASSERT_TRUE(b.save().ok());
  Baseline again(f);
  ASSERT_TRUE(again.load().ok());
  EXPECT_TRUE(again.contains("/x"));
}

TEST(FimBaseline, SeveralKindsAtOnceAndMtimeOnlyIsSilent) {
  Baseline b("");
  b.set_learning(true);
  EXPECT_TRUE(b.observe("/f", {.sha256 = "a", .size = 1, .mode = 0100644, .uid = 0, .gid = 0, .mtime_ns = 1}).empty());
  b.set_learning(false);
  EXPECT_TRUE(b.observe("/f", {.sha256 = "a", .size = 1, .mode = 0100644, .uid = 0, .gid = 0, .mtime_ns = 2}).empty());
  auto alerts = b.observe("/f", {.sha256 = "b", .size = 2, .mode = 0100600, .uid = 5, .gid = 0, .mtime_ns = 3});
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[0].rule().rule_id(), "modify");
  EXPECT_EQ(alerts[1].rule().rule_id(), "mode");
  EXPECT_EQ(alerts[2].rule().rule_id(), "owner");
  EXPECT_EQ(alerts[2].file().before().uid(), 0u);
  EXPECT_EQ(alerts[2].file().after().uid(), 5u);
}

}  // namespace
}  // namespace picket::yara
