#pragma once
// The alerts an agent raises on the bundled demo scenario (a port scan, an SSH brute force, a successful
// login and a webshell upload over HTTP against web-01), as the collector receives them. The scenario's
// pcap and auth.log come from tests/collector/publish/make_scenario.py; these are the alerts its rules
// (rules/correlation/base) give, with the same addresses and times.
#include <cstdint>
#include <string>
#include <vector>

#include "picket.pb.h"

namespace picket::collector::publish::scenario {

inline constexpr const char* kAttacker = "203.0.113.50";
inline constexpr const char* kServer = "10.20.0.10";
inline constexpr int64_t kStartUs = 1'790'000'000LL * 1'000'000;

struct ScenarioAlert {
  std::string label;  // "scan", "failed-1", ..., "login", "webshell-file", "webshell-cmd"
  v1::Alert alert;
};

// In event-time order, seq 1.. in that order.
std::vector<ScenarioAlert> alerts();

}  // namespace picket::collector::publish::scenario
