#pragma once
// Alert rate control: the rule keywords threshold and detection_filter, and threshold.config files with
// suppress, threshold/event_filter and rate_filter lines:
//
//   suppress gen_id 1, sig_id 2010935, track by_src, ip 10.0.0.0/8
//   threshold gen_id 1, sig_id 2010935, type limit, track by_src, count 1, seconds 60
//   rate_filter gen_id 1, sig_id 2010935, track by_rule, count 10, seconds 60, new_action alert, timeout 30
//
// ThresholdConfig is immutable after parsing. Thresholds (the state) is shared by the threads that match
// and locks internally; decide() may be called from any thread.
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agent/detect/address.h"
#include "agent/detect/rule.h"
#include "common/error.h"

namespace picket::detect {

struct SuppressEntry {
  uint32_t gid = 0, sid = 0;  // 0 = all
  int track = 0;              // 0 none (suppress all), 1 by_src, 2 by_dst, 3 by_either
  AddrSet ips;
};

struct ThresholdEntry {
  uint32_t gid = 0, sid = 0;  // sid 0 = every rule
  Threshold t;
  bool rate_filter = false;
  std::string new_action;  // rate_filter: alert, drop, pass, reject
  uint32_t timeout = 0;
};

struct ThresholdConfig {
  std::vector<SuppressEntry> suppress;
  std::vector<ThresholdEntry> thresholds;
  // Pure: parses a threshold.config text; bad lines are errors with file:line.
  static ThresholdConfig parse(std::string_view text, const std::string& file, const Vars& vars,
                               Diagnostics* diag);
  static ThresholdConfig load(const std::string& path, const Vars& vars, Diagnostics* diag);
};

class Thresholds {
 public:
  explicit Thresholds(ThresholdConfig cfg) : cfg_(std::move(cfg)) {}
  // Whether an alert of `rule` for this packet is emitted. `ts_us` is packet time; `sp`/`dp` are the
  // packet's ports (detection_filter unique_on counts distinct ones).
  bool decide(const Rule& rule, const IpAddr& src, const IpAddr& dst, uint64_t flow_id, int64_t ts_us,
              uint16_t sp = 0, uint16_t dp = 0);
  // Whether a config threshold (not the rule's own) applies to the rule.
  const ThresholdConfig& config() const { return cfg_; }

 private:
  struct State {
    int64_t first_us = 0;
    uint64_t count = 0;
    int64_t blocked_until_us = 0;  // rate_filter timeout
  };
  // Distinct ports seen in the current window; at most count + 1 are kept (enough to decide).
  struct Distinct {
    int64_t first_us = 0;
    std::vector<uint16_t> ports;  // sorted
  };
  bool apply(const Threshold& t, uint64_t key_hash, int64_t ts_us);
  bool apply_distinct(const Threshold& t, uint64_t key_hash, int64_t ts_us, uint16_t port);
  bool apply_rate(const ThresholdEntry& e, uint64_t key_hash, int64_t ts_us);
  ThresholdConfig cfg_;
  std::mutex mu_;
  std::unordered_map<uint64_t, State> states_;
  std::unordered_map<uint64_t, Distinct> distinct_;
};

}  // namespace picket::detect
