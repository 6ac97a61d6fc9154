#pragma once
// Internal state of the correlation engine, shared by engine.cc (evaluation) and state.cc (snapshots).
#include <climits>
#include <cstdint>
#include <deque>
#include <algorithm>
#include <map>
#include <memory>
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

// Strings the state repeats (agent names, organisations, streams), each stored once and named by its index.
// Index 0 is the empty string. Never shrinks: it holds what agents and their spools are, a bounded set.
class Interner {
 public:
  Interner() { names_.emplace_back(); }
  uint32_t id(std::string_view s) {
    if (s.empty()) return 0;
    if (auto it = index_.find(s); it != index_.end()) return it->second;
    names_.emplace_back(s);
    const auto n = static_cast<uint32_t>(names_.size() - 1);
    index_.emplace(names_.back(), n);
    return n;
  }
  const std::string& name(uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::deque<std::string> names_;  // stable addresses: index_ keys view them
  std::unordered_map<std::string_view, uint32_t, Hash, std::equal_to<>> index_;
};

// std::string keys looked up by std::string_view without a copy.
struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <class V>
using StringMap = std::unordered_map<std::string, V, ViewHash, std::equal_to<>>;

// A set of interned ids (small, dense integers) as a bitmap.
class IdSet {
 public:
  bool insert(uint32_t id) {
    const size_t w = id / 64;
    if (w >= bits_.size()) bits_.resize(w + 1, 0);
    const uint64_t bit = uint64_t{1} << (id % 64);
    if (bits_[w] & bit) return false;
    bits_[w] |= bit;
    ++count_;
    return true;
  }
  size_t size() const { return count_; }
  template <class F>
  void for_each(F&& f) const {
    for (size_t w = 0; w < bits_.size(); ++w) {
      for (uint64_t b = bits_[w]; b != 0; b &= b - 1) f(static_cast<uint32_t>(w * 64 + static_cast<size_t>(__builtin_ctzll(b))));
    }
  }
  uint32_t first() const {
    uint32_t out = 0;
    bool found = false;
    for_each([&](uint32_t id) {
      if (!found) out = id;
      found = true;
    });
    return out;
  }

 private:
  std::vector<uint64_t> bits_;
  size_t count_ = 0;
};

struct MemberIdHash {
  size_t operator()(const MemberId& m) const {
    return std::hash<uint64_t>{}(m.seq * 0x9e3779b97f4a7c15ull ^ m.stream);
  }
};

// One event inside one rule's group window.
struct Item {
  int64_t t = 0;
  int64_t first_t = 0;  // earliest event time among the members
  uint64_t order = 0;  // arrival order, breaks ties in event time
  int ref = 0;         // index into the rule's `rules`
  uint32_t agent = 0;  // interned
  uint32_t org = 0;    // interned
  uint32_t severity = 3;
  std::string value;   // value_count: the counted field's value
  MemberId one{};      // an alert's own identity (when `many` is null)
  std::shared_ptr<const std::vector<MemberId>> many;  // a chained match's members, shared, not copied

  size_t member_count() const { return many ? many->size() : 1; }
  template <class F>
  void for_each_member(F&& f) const {
    if (many) {
      for (const MemberId& m : *many) f(m);
    } else {
      f(one);
    }
  }
};

struct ActiveIncident {
  std::string id;
  int64_t first_us = 0;
  int64_t last_us = 0;
  int64_t last_emit_us = INT64_MIN;  // last time a chained match was handed on
  uint32_t severity = 4;
  std::set<std::string> agents;  // the names of the first max_listed agents to join (of agent_ids)
  std::set<std::string> orgs;
  IdSet agent_ids;  // every agent and organisation involved (interned)
  IdSet org_ids;
  std::unordered_set<MemberId, MemberIdHash> member_keys;
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
  StringMap<int64_t> value_last;  // value_count: value -> latest event time
  // value_count: (time, value) in time order, one entry per time a value became its latest, so that the
  // distinct values of the newest window are counted, and old values expired, without a scan. An entry
  // older than its value's latest time is stale and skipped. Views into value_last's keys: a value is
  // erased only at its latest entry, after every earlier one has left the front.
  std::deque<std::pair<int64_t, std::string_view>> value_by_last;
  std::vector<int64_t> ref_last;                        // temporal: ref -> latest event time

  // Records that `value` was seen at `t` (value_count).
  void note_value(const std::string& value, int64_t t) {
    auto [it, fresh] = value_last.try_emplace(value, t);
    if (!fresh) {
      if (t <= it->second) return;
      it->second = t;
    }
    std::pair<int64_t, std::string_view> e{t, std::string_view(it->first)};
    if (value_by_last.empty() || value_by_last.back().first <= t) {
      value_by_last.push_back(e);
    } else {  // a late value: in its place
      auto pos = std::upper_bound(value_by_last.begin(), value_by_last.end(), t,
                                  [](int64_t tv, const auto& x) { return tv < x.first; });
      value_by_last.insert(pos, e);
    }
  }
  // Forgets values last seen before `t`.
  void expire_values(int64_t t) {
    while (!value_by_last.empty() && value_by_last.front().first < t) {
      auto [when, v] = value_by_last.front();
      value_by_last.pop_front();
      if (auto it = value_last.find(v); it != value_last.end() && it->second == when) {
        value_last.erase(it);
      }
    }
  }
  // The number of distinct values (after expire_values).
  size_t distinct_values() const { return value_last.size(); }
  void rebuild_value_index() {
    std::vector<std::pair<int64_t, std::string_view>> v;
    v.reserve(value_last.size());
    for (const auto& [val, t] : value_last) v.emplace_back(t, std::string_view(val));
    std::sort(v.begin(), v.end());
    value_by_last.assign(v.begin(), v.end());
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
  StringMap<Group> groups;
};

struct Engine::Impl {
  EngineOptions opt;
  RuleSet set;
  std::vector<RuleRuntime> rt;
  StringMap<std::vector<Target>> by_rule;   // qualified id
  StringMap<std::vector<Target>> by_bare;   // bare id or rule name
  std::vector<std::pair<std::string, Target>> by_prefix;          // "suricata:" from "suricata:*"
  int64_t max_seen = INT64_MIN;
  uint64_t order = 0;
  uint64_t since_prune = 0;
  int64_t pruned_at = INT64_MIN;  // the watermark at the last prune()
  Interner names;    // agent names and organisations
  Interner streams;  // agent key + '\0' + epoch
  std::vector<uint32_t> stream_key_len;  // per stream id: the agent key's length
  // Highest seq correlated per stream id: a journal replay after a crash is not counted twice.
  std::vector<uint64_t> stream_seq;
  uint32_t current_stream = 0;  // the stream of the alert being processed
  std::string scratch;          // reused buffers: no allocation per alert
  std::string key_scratch;
  uint32_t stream_id(std::string_view agent_key, std::string_view epoch);
  Member member(const MemberId& m) const;
  EngineStats stats;

  int64_t watermark() const {
    return max_seen == INT64_MIN ? INT64_MIN : max_seen - opt.allowed_lateness_us;
  }
  void build_index();
  void dispatch(const Event& ev, const std::vector<Target>& targets, std::vector<IncidentUpdate>* out);
  void handle(const Target& t, const Event& ev, uint32_t agent, uint32_t org, std::vector<IncidentUpdate>* out);
  bool evaluate_at(RuleRuntime& r, Group& g, size_t end, bool fast, std::vector<size_t>* picked,
                   int64_t* window_start);
  void fire(RuleRuntime& r, const std::string& key, Group& g, const std::vector<size_t>& picked,
            int64_t window_start, int64_t te, std::vector<IncidentUpdate>* out);
  void close_windows(RuleRuntime& r, std::vector<IncidentUpdate>* out);
  void prune();
};

// The start of a binary snapshot (state_binary.cc), then its version byte; JSON snapshots start with '{'.
inline constexpr std::string_view kMagicPrefix{"PICKET-CORRELATION", 18};
inline constexpr std::string_view kMagic{"PICKET-CORRELATION\x03", 19};

// Hex for member identities in snapshots and member-set keys.
std::string hex(std::string_view bytes);
std::string unhex(std::string_view text);
// A member key of JSON snapshots (earlier versions): agent key, 0x1f, epoch, 0x1f, decimal seq.
bool parse_member_key(std::string_view key, Member* out);

}  // namespace picket::collector::correlate
