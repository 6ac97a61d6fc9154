// Binary snapshots of the correlation engine's state (collector/correlate/engine.h): written every few
// seconds by the collector, so they must be cheap for large state. Layout after kMagic:
//
//   strings: count, then each string (length-prefixed) - agent names, organisations and streams (agent
//            key + epoch) that items repeat, referenced by index below
//   max_seen, order, stream_seq (count, then (agent key 0x1f epoch, seq) pairs)
//   rules: count, then per rule its qualified id and groups; per group: key, group-by values, max_t,
//          items (t, first_t, order, ref, value, agent#, org#, severity, members (stream#, seq)), and the
//          open incident if any (id, first, last, last emit, severity, listed agents, listed orgs, every
//          agent#, every org#, members (stream#, key length, seq)). Version 2 (before agent counts) had the
//          full lists and members as text keys; it is still read.
//
// Integers are LEB128 varints (signed ones zigzag-encoded); strings are a varint length and the bytes.
// restore_binary() checks every length against the blob and fails cleanly on a truncated or corrupt one.
#include <algorithm>
#include <cstring>

#include "collector/correlate/engine_impl.h"

namespace picket::collector::correlate {

namespace {

class Writer {
 public:
  void u(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  void i(int64_t v) { u((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void s(std::string_view v) {
    u(v.size());
    out_.append(v);
  }
  // A repeated string: its index in the string table.
  void ref(std::string_view v) {
    auto [it, fresh] = index_.try_emplace(std::string(v), table_.size());
    if (fresh) table_.push_back(&it->first);
    u(it->second);
  }
  std::string finish() {
    Writer head;
    head.out_.append(kMagic);
    head.u(table_.size());
    for (const std::string* t : table_) head.s(*t);
    head.out_ += out_;
    return std::move(head.out_);
  }

 private:
  std::string out_;
  std::unordered_map<std::string, uint64_t> index_;
  std::vector<const std::string*> table_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  uint64_t u() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return fail();
      const auto b = static_cast<uint8_t>(in_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return fail();
  }
  int64_t i() {
    const uint64_t v = u();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  std::string s() {
    const uint64_t n = u();
    if (!ok_ || n > in_.size() - pos_) {
      fail();
      return {};
    }
    std::string v(in_.substr(pos_, n));
    pos_ += n;
    return v;
  }
  // A count of things each at least one byte long: no more than the bytes left.
  size_t count() {
    const uint64_t n = u();
    if (n > in_.size() - pos_) return static_cast<size_t>(fail());
    return static_cast<size_t>(n);
  }
  const std::string& ref(const std::vector<std::string>& table) {
    static const std::string kEmpty;
    const uint64_t n = u();
    if (n >= table.size()) {
      fail();
      return kEmpty;
    }
    return table[n];
  }

 private:
  uint64_t fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

std::string Engine::snapshot() const {
  const Impl& m = *impl_;
  Writer w;
  w.i(m.max_seen);
  w.u(m.order);
  size_t live_streams = 0;
  for (uint64_t seq : m.stream_seq) live_streams += seq != 0 ? 1 : 0;
  w.u(live_streams);
  std::string stream_key;
  for (size_t id = 0; id < m.stream_seq.size(); ++id) {
    if (m.stream_seq[id] == 0) continue;
    // As in version 2: agent key, 0x1f, epoch.
    const Member mb = m.member({.stream = static_cast<uint32_t>(id), .seq = 0});
    stream_key = mb.agent_key;
    stream_key += '\x1f';
    stream_key += mb.epoch;
    w.s(stream_key);
    w.u(m.stream_seq[id]);
  }
  auto member = [&](const MemberId& mb) {
    w.ref(m.streams.name(mb.stream));
    w.u(m.stream_key_len[mb.stream]);
    w.u(mb.seq);
  };
  w.u(m.rt.size());
  for (const RuleRuntime& r : m.rt) {
    w.s(r.qualified);
    w.u(r.groups.size());
    for (const auto& [key, g] : r.groups) {
      w.s(key);
      w.u(g.values.size());
      for (const auto& [f, v] : g.values) {
        w.s(f);
        w.s(v);
      }
      w.i(g.max_t);
      w.u(g.items.size());
      for (const Item& it : g.items) {
        w.i(it.t);
        w.i(it.first_t);
        w.u(it.order);
        w.u(static_cast<uint64_t>(it.ref));
        w.s(it.value);
        w.ref(m.names.name(it.agent));
        w.ref(m.names.name(it.org));
        w.u(it.severity);
        w.u(it.member_count());
        it.for_each_member(member);
      }
      w.u(g.inc ? 1 : 0);
      if (g.inc) {
        const ActiveIncident& inc = *g.inc;
        w.s(inc.id);
        w.i(inc.first_us);
        w.i(inc.last_us);
        w.i(inc.last_emit_us);
        w.u(inc.severity);
        w.u(inc.agents.size());
        for (const auto& a : inc.agents) w.ref(a);
        w.u(inc.orgs.size());
        for (const auto& o : inc.orgs) w.ref(o);
        w.u(inc.agent_ids.size());
        inc.agent_ids.for_each([&](uint32_t a) { w.ref(m.names.name(a)); });
        w.u(inc.org_ids.size());
        inc.org_ids.for_each([&](uint32_t o) { w.ref(m.names.name(o)); });
        w.u(inc.member_keys.size());
        for (const MemberId& k : inc.member_keys) member(k);
      }
    }
  }
  return w.finish();
}

Status Engine::restore_binary(std::string_view body, int version) {
  Impl& m = *impl_;
  Reader rd(body);
  std::vector<std::string> table(rd.count());
  for (auto& t : table) t = rd.s();
  const int64_t max_seen = rd.i();
  const uint64_t order = rd.u();
  // Parsed into a fresh engine's tables first: the live state is replaced only once the whole blob is read.
  Impl fresh;
  std::vector<std::pair<uint32_t, uint64_t>> seqs;
  for (size_t n = rd.count(); rd.ok() && n > 0; --n) {
    std::string k = rd.s();
    const uint64_t seq = rd.u();
    Member mb;
    std::string probe = k + '\x1f' + "0";
    if (!parse_member_key(probe, &mb)) return Error{.message = "correlation state: bad stream"};
    seqs.emplace_back(fresh.stream_id(mb.agent_key, mb.epoch), seq);
  }
  // A member as (stream#, key length, seq).
  auto member = [&](MemberId* out) -> bool {
    const std::string& stream = rd.ref(table);
    const uint64_t key_len = rd.u();
    const uint64_t seq = rd.u();
    if (!rd.ok()) return false;
    if (key_len >= stream.size()) return false;
    *out = {.stream = fresh.stream_id(std::string_view(stream).substr(0, key_len),
                                      std::string_view(stream).substr(key_len + 1)),
            .seq = seq};
    return true;
  };
  std::unordered_map<std::string, StringMap<Group>> rules;
  for (size_t nr = rd.count(); rd.ok() && nr > 0; --nr) {
    const std::string qualified = rd.s();
    // State of a rule that no longer exists is read and dropped.
    const RuleRuntime* rule = nullptr;
    for (const RuleRuntime& r : m.rt) {
      if (r.qualified == qualified) rule = &r;
    }
    auto& groups = rules[qualified];
    for (size_t ng = rd.count(); rd.ok() && ng > 0; --ng) {
      std::string key = rd.s();
      Group g;
      for (size_t nv = rd.count(); rd.ok() && nv > 0; --nv) {
        std::string f = rd.s();
        g.values[std::move(f)] = rd.s();
      }
      g.max_t = rd.i();
      const size_t nrefs = rule ? rule->rule.rules.size() : 0;
      g.ref_last.assign(nrefs, INT64_MIN);
      for (size_t ni = rd.count(); rd.ok() && ni > 0; --ni) {
        Item item;
        item.t = rd.i();
        item.first_t = rd.i();
        item.order = rd.u();
        const uint64_t ref = rd.u();
        item.value = rd.s();
        item.agent = fresh.names.id(rd.ref(table));
        item.org = fresh.names.id(rd.ref(table));
        item.severity = static_cast<uint32_t>(rd.u());
        const size_t nm = rd.count();
        std::vector<MemberId> members;
        for (size_t k = 0; rd.ok() && k < nm; ++k) {
          MemberId id;
          if (!member(&id)) return Error{.message = "correlation state: bad member"};
          members.push_back(id);
        }
        if (members.size() == 1) {
          item.one = members.front();
        } else {
          item.many = std::make_shared<const std::vector<MemberId>>(std::move(members));
        }
        if (ref >= nrefs) continue;
        item.ref = static_cast<int>(ref);
        if (rule->rule.type == CorrelationType::kValueCount) {
          auto& last = g.value_last[item.value];
          last = std::max(last, item.t);
        }
        auto& rl = g.ref_last[ref];
        rl = std::max(rl, item.t);
        g.items.push_back(std::move(item));
      }
      if (rd.u() == 1) {
        ActiveIncident inc;
        inc.id = rd.s();
        inc.first_us = rd.i();
        inc.last_us = rd.i();
        inc.last_emit_us = rd.i();
        inc.severity = static_cast<uint32_t>(rd.u());
        for (size_t n = rd.count(); rd.ok() && n > 0; --n) inc.agents.insert(rd.ref(table));
        for (size_t n = rd.count(); rd.ok() && n > 0; --n) inc.orgs.insert(rd.ref(table));
        if (version >= 3) {
          for (size_t n = rd.count(); rd.ok() && n > 0; --n) inc.agent_ids.insert(fresh.names.id(rd.ref(table)));
          for (size_t n = rd.count(); rd.ok() && n > 0; --n) inc.org_ids.insert(fresh.names.id(rd.ref(table)));
          for (size_t n = rd.count(); rd.ok() && n > 0; --n) {
            MemberId id;
            if (!member(&id)) return Error{.message = "correlation state: bad member"};
            inc.member_keys.insert(id);
          }
        } else {  // version 2: the full lists, member keys as text
          for (const auto& a : inc.agents) inc.agent_ids.insert(fresh.names.id(a));
          for (const auto& o : inc.orgs) inc.org_ids.insert(fresh.names.id(o));
          for (size_t n = rd.count(); rd.ok() && n > 0; --n) {
            Member mb;
            if (!parse_member_key(rd.s(), &mb)) continue;
            inc.member_keys.insert({.stream = fresh.stream_id(mb.agent_key, mb.epoch), .seq = mb.seq});
          }
        }
        g.inc = std::move(inc);
      }
      if (rule != nullptr) groups.emplace(std::move(key), std::move(g));
    }
  }
  if (!rd.ok()) return Error{.message = "correlation state: truncated or corrupt"};
  for (auto [id, seq] : seqs) fresh.stream_seq[id] = seq;
  // Only now, with the whole blob read, replace the state.
  m.max_seen = max_seen;
  m.order = order;
  m.names = std::move(fresh.names);
  m.streams = std::move(fresh.streams);
  m.stream_key_len = std::move(fresh.stream_key_len);
  m.stream_seq = std::move(fresh.stream_seq);
  for (RuleRuntime& r : m.rt) {
    r.groups.clear();
    auto it = rules.find(r.qualified);
    if (it == rules.end()) continue;
    r.groups = std::move(it->second);
    for (auto& [key, g] : r.groups) g.rebuild_value_index();
  }
  return {};
}

}  // namespace picket::collector::correlate
