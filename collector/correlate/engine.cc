// Evaluation of Sigma correlation rules (collector/correlate/engine.h).
#include <algorithm>
#include <cstdio>
#include <unordered_set>

#include "collector/correlate/engine_impl.h"

namespace picket::collector::correlate {

namespace {

constexpr char kSep = '\x1f';
constexpr size_t kMaxLateReevaluations = 64;

uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::string incident_id(const std::string& qualified, const std::string& key, int64_t first_t) {
  std::string seed = qualified;
  seed += kSep;
  seed += key;
  seed += kSep;
  seed += std::to_string(first_t);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(seed)));
  return std::string("INC-") + buf;
}

// The field to read for `field` in events of the rule's `ref`-th reference (aliases applied).
const std::string& resolve_field(const CorrelationRule& r, int ref, const std::string& field) {
  if (auto a = r.aliases.find(field); a != r.aliases.end()) {
    if (auto f = a->second.find(r.rules[static_cast<size_t>(ref)]); f != a->second.end()) return f->second;
  }
  return field;
}

// Threshold for temporal rules: the condition, else every referenced rule.
bool temporal_holds(const CorrelationRule& r, int64_t distinct) {
  if (r.condition.empty()) return distinct >= static_cast<int64_t>(r.rules.size());
  return r.condition.holds(distinct);
}

}  // namespace

bool parse_member_key(std::string_view key, Member* out) {
  const size_t last = key.rfind(kSep);
  if (last == std::string_view::npos || last == 0) return false;
  std::string_view stream = key.substr(0, last);
  uint64_t seq = 0;
  for (char c : key.substr(last + 1)) {
    if (c < '0' || c > '9') return false;
    seq = seq * 10 + static_cast<uint64_t>(c - '0');
  }
  // Agent keys are 32 bytes; any separator byte inside one is part of it.
  size_t cut = stream.size() > 32 && stream[32] == kSep ? 32 : stream.find(kSep);
  if (cut == std::string_view::npos) return false;
  *out = {.agent_key = std::string(stream.substr(0, cut)), .epoch = std::string(stream.substr(cut + 1)), .seq = seq};
  return true;
}

uint32_t Engine::Impl::stream_id(std::string_view agent_key, std::string_view epoch) {
  std::string& k = key_scratch;
  k.assign(agent_key);
  k += '\0';
  k.append(epoch);
  const uint32_t id = streams.id(k);
  if (id >= stream_seq.size()) {
    stream_seq.resize(id + 1, 0);
    stream_key_len.resize(id + 1, 0);
    stream_key_len[id] = static_cast<uint32_t>(agent_key.size());
  }
  return id;
}

Member Engine::Impl::member(const MemberId& m) const {
  const std::string& s = streams.name(m.stream);
  const size_t n = std::min<size_t>(stream_key_len[m.stream], s.size());
  return {.agent_key = s.substr(0, n), .epoch = n < s.size() ? s.substr(n + 1) : std::string(), .seq = m.seq};
}

Engine::Engine(RuleSet rules, EngineOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = options;
  impl_->set = std::move(rules);
  impl_->build_index();
}

Engine::~Engine() = default;

const EngineStats& Engine::stats() const { return impl_->stats; }
const RuleSet& Engine::rules() const { return impl_->set; }
int64_t Engine::watermark_us() const { return impl_->watermark(); }

void Engine::Impl::build_index() {
  rt.clear();
  for (const CorrelationRule& r : set.rules) {
    RuleRuntime x;
    x.rule = r;
    x.qualified = r.qualified_id();
    rt.push_back(std::move(x));
  }
  std::map<std::string, size_t> corr_by_key;
  for (size_t i = 0; i < rt.size(); ++i) {
    if (!rt[i].rule.name.empty()) corr_by_key[rt[i].rule.name] = i;
    if (!rt[i].rule.id.empty()) corr_by_key[rt[i].rule.id] = i;
  }
  for (size_t i = 0; i < rt.size(); ++i) {
    const auto& refs = rt[i].rule.rules;
    for (size_t k = 0; k < refs.size(); ++k) {
      const std::string& ref = refs[k];
      Target t{.rule = i, .ref = static_cast<int>(k)};
      if (auto c = corr_by_key.find(ref); c != corr_by_key.end()) {
        rt[c->second].consumers.push_back(t);
        continue;
      }
      if (!ref.empty() && ref.back() == '*') {
        by_prefix.emplace_back(ref.substr(0, ref.size() - 1), t);
        continue;
      }
      if (ref.find(':') != std::string::npos) {
        by_rule[ref].push_back(t);
        continue;
      }
      // A bare reference: a base rule's name from the loaded files, a bare rule id, or a rule title/name.
      if (auto b = set.base_names.find(ref); b != set.base_names.end()) by_rule["sigma:" + b->second].push_back(t);
      by_bare[ref].push_back(t);
    }
  }
  for (auto& r : rt) r.internal = !r.consumers.empty() && !r.rule.generate;
}

void Engine::process(const Event& ev, std::vector<IncidentUpdate>* out) {
  Impl& m = *impl_;
  ++m.stats.events;
  if (ev.alert != nullptr && ev.members == nullptr) {
    const uint32_t sid = m.stream_id(ev.agent_key, ev.epoch);
    uint64_t& high = m.stream_seq[sid];
    if (ev.seq <= high) {
      ++m.stats.replayed;
      return;
    }
    high = ev.seq;
    m.current_stream = sid;
  }
  if (m.max_seen != INT64_MIN && ev.time_us < m.watermark()) {
    ++m.stats.late_dropped;
    return;
  }
  m.max_seen = std::max(m.max_seen, ev.time_us);
  static const std::vector<Target> kNone;
  auto find = [&](const auto& map, std::string_view key) -> const std::vector<Target>& {
    if (key.empty()) return kNone;
    auto it = map.find(key);
    return it == map.end() ? kNone : it->second;
  };
  // An event may reach one (rule, ref) through several indexes; handle each pair once.
  std::vector<Target> targets;
  auto add = [&](const std::vector<Target>& ts) {
    for (const Target& t : ts) {
      bool seen = false;
      for (const Target& u : targets) seen |= (u.rule == t.rule && u.ref == t.ref);
      if (!seen) targets.push_back(t);
    }
  };
  add(find(m.by_rule, ev.rule));
  add(find(m.by_bare, ev.bare_rule));
  if (ev.name != ev.bare_rule) add(find(m.by_bare, ev.name));
  for (const auto& [prefix, t] : m.by_prefix) {
    if (ev.rule.compare(0, prefix.size(), prefix) == 0) add({t});
  }
  if (!targets.empty()) m.dispatch(ev, targets, out);
  if (++m.since_prune >= 65536) flush(out);
}

void Engine::Impl::dispatch(const Event& ev, const std::vector<Target>& targets, std::vector<IncidentUpdate>* out) {
  const uint32_t agent = names.id(ev.agent), org = names.id(ev.org);  // once per event, not per rule
  for (const Target& t : targets) handle(t, ev, agent, org, out);
}

void Engine::Impl::handle(const Target& t, const Event& ev, uint32_t agent, uint32_t org,
                          std::vector<IncidentUpdate>* out) {
  RuleRuntime& r = rt[t.rule];
  const CorrelationRule& rule = r.rule;
  std::string key;
  for (const std::string& g : rule.group_by) {
    auto v = field_view(ev, resolve_field(rule, t.ref, g), &scratch);
    if (!v) {
      ++stats.missing_field;
      return;
    }
    key += *v;
    key += kSep;
  }
  Item item{.t = ev.time_us, .first_t = ev.first_time_us ? ev.first_time_us : ev.time_us, .order = ++order,
            .ref = t.ref, .agent = agent, .org = org, .severity = ev.severity};
  if (ev.members) {
    item.many = ev.members;
  } else {
    item.one = {.stream = current_stream, .seq = ev.seq};
  }
  if (rule.type == CorrelationType::kValueCount) {
    auto v = field_view(ev, resolve_field(rule, t.ref, rule.condition.field), &scratch);
    if (!v) {
      ++stats.missing_field;
      return;
    }
    item.value.assign(*v);
  }
  auto git = r.groups.find(key);
  if (git == r.groups.end()) {
    if (r.groups.size() >= opt.max_groups_per_rule) {
      ++stats.events_dropped;
      return;
    }
    git = r.groups.emplace(key, Group{}).first;
    // The group-by values (looked up again only for a new group; the key alone serves existing ones).
    for (const std::string& g : rule.group_by) {
      git->second.values.emplace(g, std::string(field_view(ev, resolve_field(rule, t.ref, g), &scratch).value_or("")));
    }
    git->second.ref_last.assign(rule.rules.size(), INT64_MIN);
  }
  Group& g = git->second;
  ++stats.matched;
  const bool in_order = ev.time_us >= g.max_t;
  size_t pos;
  if (in_order) {
    g.items.push_back(std::move(item));
    pos = g.items.size() - 1;
  } else {
    auto it = std::upper_bound(g.items.begin(), g.items.end(), ev.time_us,
                               [](int64_t tv, const Item& x) { return tv < x.t; });
    pos = static_cast<size_t>(it - g.items.begin());
    g.items.insert(it, std::move(item));
  }
  g.max_t = std::max(g.max_t, ev.time_us);
  const Item& x = g.items[pos];
  if (rule.type == CorrelationType::kValueCount) g.note_value(x.value, x.t);
  auto& rl = g.ref_last[static_cast<size_t>(t.ref)];
  rl = std::max(rl, x.t);
  if (g.items.size() > opt.max_events_per_group) {
    g.items.pop_front();
    ++stats.events_dropped;
    if (pos == 0) return;
    --pos;
  }
  if (!rule.condition.monotonic()) return;  // evaluated when the window closes (flush)

  std::vector<size_t> picked;
  int64_t ws = 0;
  if (in_order) {
    if (evaluate_at(r, g, pos, true, &picked, &ws)) fire(r, key, g, picked, ws, g.items[pos].t, out);
    return;
  }
  // A late event: it may complete windows ending at itself or at later events within one timespan.
  const int64_t limit = g.items[pos].t + rule.timespan_us;
  size_t evaluated = 0;
  for (size_t e = pos; e < g.items.size() && g.items[e].t <= limit && evaluated < kMaxLateReevaluations; ++e) {
    ++evaluated;
    picked.clear();
    if (evaluate_at(r, g, e, false, &picked, &ws)) {
      fire(r, key, g, picked, ws, g.items[e].t, out);
      return;
    }
  }
}

// Whether the window ending at items[end] (inclusive, [t_end - timespan, t_end]) satisfies the rule. `fast`
// means items[end] is the group's newest event, so the per-group latest-time maps describe the window.
bool Engine::Impl::evaluate_at(RuleRuntime& r, Group& g, size_t end, bool fast, std::vector<size_t>* picked,
                               int64_t* window_start) {
  const CorrelationRule& rule = r.rule;
  const int64_t te = g.items[end].t;
  const int64_t ts = te - rule.timespan_us;
  *window_start = ts;
  auto first = std::lower_bound(g.items.begin(), g.items.begin() + static_cast<std::ptrdiff_t>(end) + 1, ts,
                                [](const Item& x, int64_t tv) { return x.t < tv; });
  const size_t s = static_cast<size_t>(first - g.items.begin());
  // Once an incident is open for this group, a satisfying window only adds the newest event.
  const bool continuing = g.inc && fast && ts <= g.inc->last_us;
  switch (rule.type) {
    case CorrelationType::kEventCount: {
      if (!rule.condition.holds(static_cast<int64_t>(end - s + 1))) return false;
      if (continuing) {
        picked->push_back(end);
      } else {
        for (size_t i = s; i <= end; ++i) picked->push_back(i);
      }
      return true;
    }
    case CorrelationType::kValueCount: {
      int64_t distinct = 0;
      if (fast) {
        // The window is the group's newest, so values last seen before it never count again.
        g.expire_values(ts);
        distinct = static_cast<int64_t>(g.distinct_values());
      } else {
        std::unordered_set<std::string_view> seen;
        for (size_t i = s; i <= end; ++i) seen.insert(g.items[i].value);
        distinct = static_cast<int64_t>(seen.size());
      }
      if (!rule.condition.holds(distinct)) return false;
      if (continuing) {
        picked->push_back(end);
      } else {
        for (size_t i = s; i <= end; ++i) picked->push_back(i);
      }
      return true;
    }
    case CorrelationType::kTemporal: {
      const size_t n = rule.rules.size();
      int64_t distinct = 0;
      size_t present = n;  // referenced rules with an event in the window (fast: known up front)
      if (fast) {
        for (int64_t last : g.ref_last) distinct += last >= ts ? 1 : 0;
        if (!temporal_holds(rule, distinct)) return false;
        present = static_cast<size_t>(distinct);
      }
      // The latest event of each referenced rule within the window.
      std::vector<bool> have(n, false);
      std::vector<size_t> chosen;
      for (size_t i = end + 1; chosen.size() < present && i-- > s;) {
        auto ref = static_cast<size_t>(g.items[i].ref);
        if (!have[ref]) {
          have[ref] = true;
          chosen.push_back(i);
        }
      }
      if (!temporal_holds(rule, static_cast<int64_t>(chosen.size()))) return false;
      std::reverse(chosen.begin(), chosen.end());
      *picked = std::move(chosen);
      return true;
    }
    case CorrelationType::kTemporalOrdered: {
      const int n = static_cast<int>(rule.rules.size());
      if (g.items[end].ref != n - 1) return false;
      // Walk back from the last rule's event, taking the latest event of each earlier rule in turn.
      std::vector<size_t> chain = {end};
      int need = n - 2;
      size_t from = end;
      if (fast && need >= 0) {
        // Jump to the latest event of the rule before the last instead of walking back over the window.
        const int64_t lt = g.ref_last[static_cast<size_t>(need)];
        if (lt < ts) return false;
        auto after = std::upper_bound(g.items.begin() + static_cast<std::ptrdiff_t>(s),
                                      g.items.begin() + static_cast<std::ptrdiff_t>(end), lt,
                                      [](int64_t tv, const Item& x) { return tv < x.t; });
        from = static_cast<size_t>(after - g.items.begin());
      }
      for (size_t i = from; need >= 0 && i-- > s;) {
        if (g.items[i].ref == need) {
          chain.push_back(i);
          --need;
        }
      }
      if (need >= 0) return false;
      std::reverse(chain.begin(), chain.end());
      *picked = std::move(chain);
      return true;
    }
  }
  return false;
}

void Engine::Impl::fire(RuleRuntime& r, const std::string& key, Group& g, const std::vector<size_t>& picked,
                        int64_t window_start, int64_t te, std::vector<IncidentUpdate>* out) {
  if (picked.empty()) return;
  const int64_t window_first = g.items[picked.front()].t;
  bool created = false;
  if (!g.inc || window_start > g.inc->last_us) {
    g.inc.emplace();
    g.inc->id = incident_id(r.qualified, key, window_first);
    g.inc->first_us = std::min(window_first, g.items[picked.front()].first_t);
    g.inc->last_us = te;
    created = true;
  }
  ActiveIncident& inc = *g.inc;
  // Matches of one incident that land in the same output vector merge into one update there.
  IncidentUpdate* up = nullptr;
  bool appended = false;
  if (!r.internal) {
    if (inc.pending_out == out && inc.pending_index < out->size() &&
        (*out)[inc.pending_index].incident.id() == inc.id) {
      up = &(*out)[inc.pending_index];
    } else {
      up = &out->emplace_back();
      appended = true;
      inc.pending_out = out;
      inc.pending_index = out->size() - 1;
    }
  }
  const bool chained = !r.consumers.empty();
  std::vector<MemberId> window_members;
  std::vector<const std::string*> new_agents, new_orgs;
  bool counts_changed = false;
  size_t added = 0;
  // The first max_listed agents (and organisations) to join are listed by name; every one is counted.
  auto involve = [&](uint32_t id, IdSet& ids, std::set<std::string>& listed,
                     std::vector<const std::string*>& fresh_names) {
    if (id == 0 || !ids.insert(id)) return;
    counts_changed = true;
    if (listed.size() >= opt.max_listed) return;
    fresh_names.push_back(&*listed.insert(names.name(id)).first);
  };
  for (size_t i : picked) {
    const Item& it = g.items[i];
    // A chained match (many members) that this incident already took in adds nothing: skip its members
    // rather than look each one up again on every later event.
    if (it.many && !chained && !inc.absorbed.insert(it.order).second) continue;
    inc.first_us = std::min(inc.first_us, std::min(it.t, it.first_t));
    inc.last_us = std::max(inc.last_us, it.t);
    inc.severity = std::min(inc.severity, it.severity);
    involve(it.agent, inc.agent_ids, inc.agents, new_agents);
    involve(it.org, inc.org_ids, inc.orgs, new_orgs);
    it.for_each_member([&](const MemberId& m) {
      if (chained) window_members.push_back(m);
      if (inc.member_keys.size() >= opt.max_members_per_incident) return;
      if (!inc.member_keys.insert(m).second) return;
      ++added;
      if (up == nullptr) return;
      const std::string& stream = streams.name(m.stream);
      const size_t n = std::min<size_t>(stream_key_len[m.stream], stream.size());
      v1::MemberRef* ref = up->incident.add_members();
      ref->set_agent_key(stream.data(), n);
      if (n < stream.size()) ref->set_epoch(stream.data() + n + 1, stream.size() - n - 1);
      ref->set_seq(m.seq);
    });
  }
  if (!created && added == 0 && !counts_changed) {
    if (appended) {
      out->pop_back();
      inc.pending_out = nullptr;
    }
    return;
  }
  if (created) ++stats.incidents_created;
  else ++stats.incidents_updated;

  const CorrelationRule& rule = r.rule;
  const uint32_t severity = rule.severity ? rule.severity : inc.severity;
  if (up != nullptr) {
    v1::Incident& x = up->incident;
    if (appended) {
      x.set_id(inc.id);
      std::string title = rule.title;
      if (!g.values.empty()) {
        title += " (";
        bool first = true;
        for (const auto& [f, v] : g.values) {
          if (!first) title += ", ";
          first = false;
          title += f + "=" + v;
        }
        title += ")";
      }
      x.set_title(title);
      x.set_status("open");
      x.set_rule_id(r.qualified);
      up->group = g.values;
      for (const auto& a : inc.agents) x.add_agents(a);
      for (const auto& o : inc.orgs) x.add_orgs(o);
    } else if (!new_agents.empty() || !new_orgs.empty()) {
      // The lists are sorted like the sets: insert what this match added in place, not re-list them all.
      auto relist = [](google::protobuf::RepeatedPtrField<std::string>* list, const std::set<std::string>&,
                       const std::vector<const std::string*>& fresh) {
        for (const std::string* v : fresh) {
          const int pos = static_cast<int>(std::lower_bound(list->begin(), list->end(), *v) - list->begin());
          list->Add()->assign(*v);
          for (int i = list->size() - 1; i > pos; --i) list->SwapElements(i - 1, i);  // pointer swaps
        }
      };
      relist(x.mutable_agents(), inc.agents, new_agents);
      relist(x.mutable_orgs(), inc.orgs, new_orgs);
    }
    up->created = up->created || created;
    x.set_severity(severity);
    x.set_first_seen_us(inc.first_us);
    x.set_last_seen_us(inc.last_us);
    x.set_agent_count(static_cast<uint32_t>(inc.agent_ids.size()));
    x.set_org_count(static_cast<uint32_t>(inc.org_ids.size()));
  }
  // Hand the match on to the rules that chain this one: at its start and then at most once a timespan.
  if (!r.consumers.empty() && (created || te - inc.last_emit_us >= rule.timespan_us)) {
    inc.last_emit_us = te;
    Event derived;
    derived.time_us = te;
    derived.first_time_us = inc.first_us;
    derived.rule = r.qualified;
    derived.bare_rule = rule.id;
    derived.name = rule.name;
    derived.agent = inc.agent_ids.size() == 1 ? std::string_view(names.name(inc.agent_ids.first())) : std::string_view();
    derived.org = inc.org_ids.size() == 1 ? std::string_view(names.name(inc.org_ids.first())) : std::string_view();
    derived.severity = severity;
    std::map<std::string, std::string> values = g.values;
    derived.group = &values;
    derived.members = std::make_shared<const std::vector<MemberId>>(std::move(window_members));
    std::vector<Target> consumers = r.consumers;  // `r` may move if a consumer adds groups elsewhere
    dispatch(derived, consumers, out);
  }
}

void Engine::Impl::close_windows(RuleRuntime& r, std::vector<IncidentUpdate>* out) {
  const CorrelationRule& rule = r.rule;
  const int64_t wm = watermark();
  for (auto& [key, g] : r.groups) {
    while (!g.items.empty() && g.items.front().t + rule.timespan_us < wm) {
      const int64_t end_t = g.items.front().t + rule.timespan_us;
      size_t n = 0;
      std::unordered_set<std::string_view> values;
      while (n < g.items.size() && g.items[n].t <= end_t) {
        values.insert(g.items[n].value);
        ++n;
      }
      int64_t count = rule.type == CorrelationType::kValueCount ? static_cast<int64_t>(values.size())
                                                                 : static_cast<int64_t>(n);
      if (rule.condition.holds(count)) {
        std::vector<size_t> picked;
        for (size_t i = 0; i < n; ++i) picked.push_back(i);
        g.inc.reset();  // each closed window is its own incident
        fire(r, key, g, picked, g.items.front().t, g.items[n - 1].t, out);
      }
      g.items.erase(g.items.begin(), g.items.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }
}

void Engine::flush(std::vector<IncidentUpdate>* out) {
  Impl& m = *impl_;
  for (auto& r : m.rt) {
    if (!r.rule.condition.monotonic()) m.close_windows(r, out);
  }
  // Pruning visits every group, so not after every batch: once event time moved a second, or after
  // 16,384 events. It only frees memory (windows look up their start by time and never see older events).
  const int64_t wm = m.watermark();
  if (m.pruned_at == INT64_MIN || m.since_prune >= 16384 || wm < m.pruned_at || wm - m.pruned_at >= 1'000'000) {
    m.prune();
  }
}

void Engine::Impl::prune() {
  since_prune = 0;
  const int64_t wm = watermark();
  pruned_at = wm;
  if (wm == INT64_MIN) return;
  for (auto& r : rt) {
    const int64_t horizon = wm - r.rule.timespan_us;
    const bool monotonic = r.rule.condition.monotonic();
    for (auto it = r.groups.begin(); it != r.groups.end();) {
      Group& g = it->second;
      if (monotonic) {
        while (!g.items.empty() && g.items.front().t < horizon) g.items.pop_front();
      }
      g.expire_values(horizon);
      if (g.inc && g.inc->last_us < horizon) g.inc.reset();
      if (g.items.empty() && !g.inc) {
        it = r.groups.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace picket::collector::correlate
