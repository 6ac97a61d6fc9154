#include "collector/health/health.h"

#include <cstdlib>

#include "common/rule_id.h"

namespace picket::collector::health {

namespace {

struct Kind {
  const char* rule;
  const char* category;
};
constexpr Kind kKinds[] = {
    {"agent-silent", "Agent health"},   {"capture-stopped", "Agent health"}, {"capture-drops", "Agent health"},
    {"spool-drops", "Agent health"},    {"clock-skew", "Agent health"},
};
enum : int { kSilent = 0, kCaptureStopped, kCaptureDrops, kSpoolDrops, kClockSkew };

std::string seconds(int64_t us) { return std::to_string(us / 1'000'000) + " s"; }

// Whether `repeat` has passed since `last` (INT64_MIN: never raised).
bool due(int64_t last, int64_t now, int64_t repeat) { return last == INT64_MIN || now - last >= repeat; }

}  // namespace

std::string_view health_epoch() {
  static const std::string kEpoch("picket-health\0\0\0", 16);
  return kEpoch;
}

HealthMonitor::HealthMonitor(HealthOptions options) : opt_(options) {}

HealthMonitor::AgentState& HealthMonitor::state(std::string_view key) {
  auto it = agents_.find(key);
  if (it == agents_.end()) {
    it = agents_.emplace(std::string(key), AgentState{}).first;
    stats_.agents = agents_.size();
  }
  return it->second;
}

void HealthMonitor::seed(const std::vector<store::AgentRecord>& agents, int64_t now_us) {
  for (const auto& a : agents) {
    if (a.revoked) continue;
    AgentState& st = state(a.key);
    st.name = a.name;
    st.org = store::org_label(a.labels);
    // Silence is measured from the later of its last contact and the collector's start: a collector that
    // was down itself must not report every agent silent the moment it starts.
    st.last_seen_us = std::max(a.last_seen_us, now_us);
  }
}

void HealthMonitor::on_hello(std::string_view key, const v1::Hello& hello, int64_t now_us) {
  AgentState& st = state(key);
  if (!hello.host_name().empty()) st.name = hello.host_name();
  std::map<std::string, std::string> labels(hello.labels().begin(), hello.labels().end());
  st.org = store::org_label(labels);
  on_activity(key, now_us);
}

void HealthMonitor::on_activity(std::string_view key, int64_t now_us) {
  AgentState& st = state(key);
  st.last_seen_us = std::max(st.last_seen_us, now_us);
  if (st.silent_reported) {
    st.silent_reported = false;
    if (stats_.silent) --stats_.silent;
  }
}

void HealthMonitor::on_heartbeat(std::string_view key, const v1::Heartbeat& hb, int64_t now_us,
                                 std::vector<HealthAlert>* out) {
  on_activity(key, now_us);
  AgentState& st = state(key);
  if (hb.agent_time_us() != 0) {
    int64_t skew = hb.agent_time_us() - now_us;
    if (std::llabs(skew) > opt_.max_skew_us && due(st.last_skew_alert_us, now_us, opt_.repeat_us)) {
      st.last_skew_alert_us = now_us;
      raise(key, st, kClockSkew, 2, "Agent clock is off by " + std::to_string(skew / 1000) + " ms",
            {{"skew_ms", std::to_string(skew / 1000)}}, now_us, out);
    }
  }
  // Only an agent that captures at all can report its capture stopped: one that was seen capturing, or that
  // counted packets. Log-only and file-only agents (capture_running always false) are not alerted on.
  if (hb.capture_running()) st.capture_seen = true;
  if (!hb.capture_running() && (st.capture_seen || hb.counters().packets() > 0)) {
    if (!st.capture_stopped_reported) {
      st.capture_stopped_reported = true;
      raise(key, st, kCaptureStopped, 1, "Agent reports packet capture stopped", {}, now_us, out);
    }
  } else if (hb.capture_running()) {
    st.capture_stopped_reported = false;
  }
  const v1::Counters& c = hb.counters();
  if (st.have_counters) {
    // Counters restart at zero when the agent restarts; only growth counts.
    uint64_t before = st.counters.capture_drops();
    if (c.capture_drops() > before && due(st.last_drop_alert_us, now_us, opt_.repeat_us)) {
      st.last_drop_alert_us = now_us;
      uint64_t d = c.capture_drops() - before;
      raise(key, st, kCaptureDrops, 2, "Agent dropped " + std::to_string(d) + " packets in capture",
            {{"capture_drops", std::to_string(c.capture_drops())}, {"new_drops", std::to_string(d)}}, now_us, out);
    }
    uint64_t spool_before = st.counters.spool_dropped();
    if (c.spool_dropped() > spool_before && due(st.last_spool_alert_us, now_us, opt_.repeat_us)) {
      st.last_spool_alert_us = now_us;
      uint64_t d = c.spool_dropped() - spool_before;
      raise(key, st, kSpoolDrops, 1, "Agent's spool dropped " + std::to_string(d) + " alerts",
            {{"spool_dropped", std::to_string(c.spool_dropped())}}, now_us, out);
    }
  } else if (c.capture_drops() > 0 && due(st.last_drop_alert_us, now_us, opt_.repeat_us)) {
    st.last_drop_alert_us = now_us;
    raise(key, st, kCaptureDrops, 2, "Agent reports " + std::to_string(c.capture_drops()) + " capture drops",
          {{"capture_drops", std::to_string(c.capture_drops())}}, now_us, out);
  }
  st.counters = c;
  st.have_counters = true;
}

void HealthMonitor::check(int64_t now_us, std::vector<HealthAlert>* out) {
  for (auto& [key, st] : agents_) {
    if (st.silent_reported || st.last_seen_us == 0) continue;
    if (now_us - st.last_seen_us > opt_.silence_us) {
      st.silent_reported = true;
      ++stats_.silent;
      raise(key, st, kSilent, 1,
            "Agent silent: no heartbeat for " + seconds(now_us - st.last_seen_us),
            {{"last_seen_us", std::to_string(st.last_seen_us)}}, now_us, out);
    }
  }
}

bool HealthMonitor::describe(std::string_view key, std::string* name, std::string* org) const {
  auto it = agents_.find(key);
  if (it == agents_.end()) return false;
  *name = it->second.name;
  *org = it->second.org;
  return true;
}

void HealthMonitor::raise(std::string_view key, AgentState& st, int kind, uint32_t severity, std::string title,
                          std::map<std::string, std::string> meta, int64_t now_us, std::vector<HealthAlert>* out) {
  ++stats_.raised;
  HealthAlert h;
  h.agent_key = std::string(key);
  h.agent = st.name;
  h.org = st.org;
  v1::Alert& a = h.alert;
  a.set_event_time_us(now_us);
  a.set_seq(static_cast<uint64_t>(now_us) * 8 + static_cast<uint64_t>(kind));
  a.set_host(st.name);
  v1::RuleRef* r = a.mutable_rule();
  r->set_engine(v1::ENGINE_HEALTH);
  r->set_rule_id(kKinds[kind].rule);
  r->set_sid(derived_signature_id(v1::ENGINE_HEALTH, kKinds[kind].rule));
  r->set_severity(severity);
  r->set_title(std::move(title));
  r->set_category(kKinds[kind].category);
  r->set_action(v1::ACTION_ALERT);
  for (auto& [k, v] : meta) (*a.mutable_metadata())[k] = v;
  (*a.mutable_metadata())["agent"] = st.name;
  out->push_back(std::move(h));
}

using config::Type;

void add_health_keys(config::Schema& s) {
  s.add({.key = "health.silence", .type = Type::kDuration, .default_value = "2m",
         .help = "raise health:agent-silent when an agent sends no heartbeat or alert for this long"});
  s.add({.key = "health.max-clock-skew", .type = Type::kDuration, .default_value = "30s",
         .help = "raise health:clock-skew when an agent's heartbeat clock differs from ours by more"});
  s.add({.key = "health.repeat", .type = Type::kDuration, .default_value = "1h",
         .help = "re-raise drop and clock-skew alerts for one agent at most this often"});
}

HealthOptions health_options(const config::Settings& s) {
  HealthOptions o;
  o.silence_us = s.get_duration("health.silence").count() * 1000;
  o.max_skew_us = s.get_duration("health.max-clock-skew").count() * 1000;
  o.repeat_us = s.get_duration("health.repeat").count() * 1000;
  return o;
}

}  // namespace picket::collector::health
