// Tests collector/health/health.cc: silence, capture stopped, drops and clock skew become health alerts.
#include <gtest/gtest.h>

#include "collector/health/health.h"

namespace picket::collector::health {
namespace {

constexpr int64_t kSec = 1'000'000;
constexpr int64_t kT0 = 1'790'000'000LL * kSec;
const std::string kKey(32, 'A');

v1::Heartbeat heartbeat(int64_t agent_time, bool capture, uint64_t drops) {
  v1::Heartbeat hb;
  hb.set_agent_time_us(agent_time);
  hb.set_capture_running(capture);
  hb.mutable_counters()->set_capture_drops(drops);
  return hb;
}

TEST(Health, SilentAgentReportedWithinConfiguredTime) {
  HealthMonitor h({.silence_us = 120 * kSec});
  v1::Hello hello;
  hello.set_host_name("web-01");
  (*hello.mutable_labels())["ministry"] = "finance";
  h.on_hello(kKey, hello, kT0);
  std::vector<HealthAlert> out;
  h.check(kT0 + 120 * kSec, &out);
  EXPECT_TRUE(out.empty()) << "exactly the configured time is not yet silence";
  h.check(kT0 + 121 * kSec, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert.rule().rule_id(), "agent-silent");
  EXPECT_EQ(out[0].alert.rule().engine(), v1::ENGINE_HEALTH);
  EXPECT_EQ(out[0].alert.rule().severity(), 1u);
  EXPECT_EQ(out[0].agent, "web-01");
  EXPECT_EQ(out[0].org, "ministry=finance");
  EXPECT_EQ(out[0].agent_key, kKey);
  EXPECT_EQ(h.stats().silent, 1u);
  // Reported once per silence; a heartbeat re-arms it.
  h.check(kT0 + 500 * kSec, &out);
  EXPECT_EQ(out.size(), 1u);
  h.on_heartbeat(kKey, heartbeat(kT0 + 600 * kSec, true, 0), kT0 + 600 * kSec, &out);
  EXPECT_EQ(h.stats().silent, 0u);
  h.check(kT0 + 721 * kSec, &out);
  EXPECT_EQ(out.size(), 2u);
  EXPECT_NE(out[0].alert.seq(), out[1].alert.seq());
}

TEST(Health, AgentsKnownBeforeRestartAreWatched) {
  HealthMonitor h({.silence_us = 60 * kSec});
  store::AgentRecord a{.key = kKey, .name = "db-01", .last_seen_us = kT0 - 3600 * kSec};
  h.seed({a}, kT0);
  std::vector<HealthAlert> out;
  h.check(kT0 + 30 * kSec, &out);
  EXPECT_TRUE(out.empty()) << "silence counts from the collector's start";
  h.check(kT0 + 61 * kSec, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].agent, "db-01");
}

TEST(Health, CaptureStoppedDropsAndSkew) {
  HealthMonitor h({.max_skew_us = 30 * kSec, .repeat_us = 600 * kSec});
  std::vector<HealthAlert> out;
  h.on_heartbeat(kKey, heartbeat(kT0 + 10 * kSec, true, 0), kT0, &out);
  EXPECT_TRUE(out.empty());
  h.on_heartbeat(kKey, heartbeat(kT0 + 5 * kSec, true, 40), kT0 + 5 * kSec, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert.rule().rule_id(), "capture-drops");
  EXPECT_EQ(out[0].alert.metadata().at("new_drops"), "40");
  h.on_heartbeat(kKey, heartbeat(kT0 + 10 * kSec, true, 80), kT0 + 10 * kSec, &out);
  EXPECT_EQ(out.size(), 1u) << "rate-limited";
  h.on_heartbeat(kKey, heartbeat(kT0 + 15 * kSec, false, 80), kT0 + 15 * kSec, &out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].alert.rule().rule_id(), "capture-stopped");
  h.on_heartbeat(kKey, heartbeat(kT0 + 20 * kSec, false, 80), kT0 + 20 * kSec, &out);
  EXPECT_EQ(out.size(), 2u);
  h.on_heartbeat(kKey, heartbeat(kT0 - 60 * kSec, true, 80), kT0 + 25 * kSec, &out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[2].alert.rule().rule_id(), "clock-skew");
  EXPECT_EQ(out[2].alert.metadata().at("skew_ms"), "-85000");
}

}  // namespace
}  // namespace picket::collector::health
