#pragma once
// Agent health as the collector sees it: raises the collector's own alerts (engine "health") when an agent
// falls silent (no heartbeat or alert within `silence_us`), reports its capture stopped (once it was seen
// capturing, or counted packets: log-only agents never capture), reports new
// capture or spool drops, or sends heartbeats whose clock is off by more than `max_skew_us`.
// Attackers silence agents first, so silence is severity 1.
//
//   HealthMonitor health({.silence_us = 120'000'000});
//   health.seed(store->agents().value(), now);           // agents known before a restart are watched too
//   health.on_hello(key, hello, now);
//   health.on_heartbeat(key, heartbeat, now, &alerts);   // skew, capture stopped, drops
//   health.on_activity(key, now);                        // any alert from the agent is a sign of life
//   health.check(now, &alerts);                           // silent agents; call every few seconds
//
// Each HealthAlert is stored and correlated like an agent's alert: its identity is (agent key, the health
// epoch, a seq derived from the time and kind), so re-raising after a restart is idempotent.
// Rule ids: health:agent-silent, health:capture-stopped, health:capture-drops, health:spool-drops,
// health:clock-skew.
//
// Threads: one thread (the collector's feeder).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/store.h"
#include "common/config.h"
#include "picket.pb.h"

namespace picket::collector::health {

struct HealthOptions {
  int64_t silence_us = 120'000'000;     // 2 minutes
  int64_t max_skew_us = 30'000'000;     // 30 seconds
  int64_t repeat_us = 3'600'000'000;    // re-raise drop and skew alerts at most this often per agent
};

// The epoch under which health alerts are stored (16 bytes).
std::string_view health_epoch();

struct HealthAlert {
  std::string agent_key;  // the agent the alert is about
  std::string agent;      // its name
  std::string org;
  v1::Alert alert;
};

struct HealthStats {
  uint64_t agents = 0;
  uint64_t silent = 0;    // agents silent now
  uint64_t raised = 0;    // alerts raised since start
};

class HealthMonitor {
 public:
  explicit HealthMonitor(HealthOptions options = {});

  void seed(const std::vector<store::AgentRecord>& agents, int64_t now_us);
  void on_hello(std::string_view agent_key, const v1::Hello& hello, int64_t now_us);
  void on_heartbeat(std::string_view agent_key, const v1::Heartbeat& hb, int64_t now_us,
                    std::vector<HealthAlert>* out);
  void on_activity(std::string_view agent_key, int64_t now_us);
  void check(int64_t now_us, std::vector<HealthAlert>* out);

  // The agent's display name and org label, when known (from Hello or the store).
  bool describe(std::string_view agent_key, std::string* name, std::string* org) const;
  const HealthStats& stats() const { return stats_; }

 private:
  struct AgentState {
    std::string name;
    std::string org;
    int64_t last_seen_us = 0;
    bool silent_reported = false;
    bool capture_stopped_reported = false;
    bool capture_seen = false;  // reported capture_running at least once
    bool have_counters = false;
    v1::Counters counters;
    int64_t last_drop_alert_us = INT64_MIN;
    int64_t last_spool_alert_us = INT64_MIN;
    int64_t last_skew_alert_us = INT64_MIN;
  };
  AgentState& state(std::string_view key);
  void raise(std::string_view key, AgentState& st, int kind, uint32_t severity, std::string title,
             std::map<std::string, std::string> meta, int64_t now_us, std::vector<HealthAlert>* out);

  HealthOptions opt_;
  std::map<std::string, AgentState, std::less<>> agents_;
  HealthStats stats_;
};

void add_health_keys(config::Schema& schema);
HealthOptions health_options(const config::Settings& settings);

}  // namespace picket::collector::health
