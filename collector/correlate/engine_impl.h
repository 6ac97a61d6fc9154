#pragma once
// Internal state of the correlation engine, shared by engine.cc (evaluation) and state.cc (snapshots).
#include <climits>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
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
  std::unordered_set<uint64_t> absorbed;  // orders of multi-member items already taken in (not persisted)
  // This incident's update in the caller's output vector, which later matches of the same incident merge
  // into (one update per incident per output vector, not one per event). Not persisted.
  const std::vector<IncidentUpdate>* pending_out = nullptr;
  size_t pending_index = 0;
};

struct Group {
  std::map<std::string, std::string> values;  // group-by field -> value
  std::deque<Item> items;                     // sorted by (t, order)
  std::optional<ActiveIncident> inc;
  int64_t max_t = INT64_MIN;
  std::unordered_map<std::string, int64_t> value_last;  // value_count: value -> latest event time
  // value_count: value_last ordered by time (views into value_last's keys, which are stable), so that the
  // distinct values of the newest window are counted, and old values expired, without a scan.
  std::set<std::pair<int64_t, std::string_view>> value_by_last;
  std::vector<int64_t> ref_last;                        // temporal: ref -> latest event time

  // Records that `value` was seen at `t` (value_count).
  void note_value(const std::string& value, int64_t t) {
    auto [it, fresh] = value_last.try_emplace(value, t);
    if (!fresh) {
      if (t <= it->second) return;
      value_by_last.erase({it->second, std::string_view(it->first)});
      it->second = t;
    }
    value_by_last.emplace(t, std::string_view(it->first));
  }
  // Forgets values last seen before `t`.
  void expire_values(int64_t t) {
    while (!value_by_last.empty() && value_by_last.begin()->first < t) {
      std::string key(value_by_last.begin()->second);
      value_by_last.erase(value_by_last.begin());
      value_last.erase(key);
    }
  }
  void rebuild_value_index() {
    value_by_last.clear();
    for (const auto& [v, t] : value_last) value_by_last.emplace(t, std::string_view(v));
  }
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
  int64_t pruned_at = INT64_MIN;  // the watermark at the last prune()
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

// The start of a binary snapshot (state_binary.cc); JSON snapshots start with '{'.
inline constexpr std::string_view kMagic{"PICKET-CORRELATION\x02", 19};

// Hex for member identities in snapshots and member-set keys.
std::string hex(std::string_view bytes);
std::string unhex(std::string_view text);
std::string member_key(const Member& m);

}  // namespace picket::collector::correlate
