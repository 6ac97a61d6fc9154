#pragma once
// Internal state of the correlation engine, shared by engine.cc (evaluation) and state.cc (snapshots).
#include <climits>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "collector/correlate/engine.h"

namespace picket::collector::correlate {

// One event inside one rule's group window.
struct Item {
  int64_t t = 0;
  int64_t first_t = 0;  // earliest event time among the members
  uint64_t order = 0;  // arrival order, breaks ties in event time
  int ref = 0;         // index into the rule's `rules`
  std::string value;   // value_count: the counted field's value
  std::string agent;
  std::string org;
  uint32_t severity = 3;
  std::vector<Member> members;
};

struct ActiveIncident {
  std::string id;
  int64_t first_us = 0;
  int64_t last_us = 0;
  int64_t last_emit_us = INT64_MIN;  // last time a chained match was handed on
  uint32_t severity = 4;
  std::set<std::string> agents;
  std::set<std::string> orgs;
  std::unordered_set<std::string> member_keys;
};

struct Group {
  std::map<std::string, std::string> values;  // group-by field -> value
  std::deque<Item> items;                     // sorted by (t, order)
  std::optional<ActiveIncident> inc;
  int64_t max_t = INT64_MIN;
  std::unordered_map<std::string, int64_t> value_last;  // value_count: value -> latest event time
  std::vector<int64_t> ref_last;                        // temporal: ref -> latest event time
};

struct Target {
  size_t rule = 0;
  int ref = 0;
};

struct RuleRuntime {
  CorrelationRule rule;
  std::string qualified;
  bool internal = false;  // chained into another rule and not `generate`
  std::vector<Target> consumers;  // rules that name this one
  std::unordered_map<std::string, Group> groups;
};

struct Engine::Impl {
  EngineOptions opt;
  RuleSet set;
  std::vector<RuleRuntime> rt;
  std::unordered_map<std::string, std::vector<Target>> by_rule;   // qualified id
  std::unordered_map<std::string, std::vector<Target>> by_bare;   // bare id or rule name
  std::vector<std::pair<std::string, Target>> by_prefix;          // "suricata:" from "suricata:*"
  int64_t max_seen = INT64_MIN;
  uint64_t order = 0;
  uint64_t since_prune = 0;
  // Highest seq correlated per (agent key, epoch): a journal replay after a crash is not counted twice.
  std::unordered_map<std::string, uint64_t> stream_seq;
  EngineStats stats;

  int64_t watermark() const {
    return max_seen == INT64_MIN ? INT64_MIN : max_seen - opt.allowed_lateness_us;
  }
  void build_index();
  void dispatch(const Event& ev, const std::vector<Target>& targets, std::vector<IncidentUpdate>* out);
  void handle(const Target& t, const Event& ev, std::vector<IncidentUpdate>* out);
  bool evaluate_at(RuleRuntime& r, Group& g, size_t end, bool fast, std::vector<size_t>* picked,
                   int64_t* window_start);
  void fire(RuleRuntime& r, const std::string& key, Group& g, const std::vector<size_t>& picked,
            int64_t window_start, int64_t te, std::vector<IncidentUpdate>* out);
  void close_windows(RuleRuntime& r, std::vector<IncidentUpdate>* out);
  void prune();
};

// Hex for member identities in snapshots and member-set keys.
std::string hex(std::string_view bytes);
std::string unhex(std::string_view text);
std::string member_key(const Member& m);

}  // namespace picket::collector::correlate
