#include "agent/detect/engine.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "agent/detect/inspect.h"
#include "agent/detect/iponly.h"

namespace picket::detect {
namespace {

constexpr int kTransports = 3;  // tcp, udp, other
constexpr int kSlots = kBufCount * 2;  // buffer x (plain, dotprefix)

int transport_index(uint8_t ip_proto) { return ip_proto == 6 ? 0 : ip_proto == 17 ? 1 : 2; }

// Which transports a rule header can see.
std::array<bool, kTransports> rule_transports(const Rule& r) {
  switch (r.proto) {
    case Proto::kIp: case Proto::kIpv4: case Proto::kIpv6: return {true, true, true};
    case Proto::kTcp: case Proto::kTcpPkt: case Proto::kTcpStream: return {true, false, false};
    case Proto::kUdp: case Proto::kUdpPkt: return {false, true, false};
    case Proto::kIcmp: case Proto::kIcmpv4: case Proto::kIcmpv6: case Proto::kSctp: return {false, false, true};
    default: break;
  }
  uint8_t t = proto_transport(r.proto);
  return {t == 0 || t == 6, t == 0 || t == 17, false};
}

// Which directions (0 to_server, 1 to_client) a rule can match.
std::array<bool, 2> rule_directions(const Rule& r) {
  if (r.bidirectional) return {true, true};
  if (r.flow.to_server) return {true, false};
  if (r.flow.to_client) return {false, true};
  bool req = false, resp = false;
  for (const auto& l : r.lists) {
    int d = buffer_direction(l.buf);
    req |= d == 1;
    resp |= d == 2;
  }
  if (resp) return {false, true};
  if (req) return {true, false};
  return {true, true};
}

bool has_app_lists(const Rule& r) {
  for (const auto& l : r.lists) {
    if (l.buf != Buf::kPayload) return true;
  }
  return false;
}

bool has_payload_list(const Rule& r) {
  for (const auto& l : r.lists) {
    if (l.buf == Buf::kPayload) return true;
  }
  return false;
}

// Rules that inspect single packets even on TCP flows whose data also arrives as stream data.
bool packet_only(const Rule& r) {
  if (r.flow.no_stream || r.proto == Proto::kTcpPkt) return true;
  for (const auto& h : r.checks) {
    if (h.kind == HeaderCheck::kDsize) return true;
  }
  return false;
}

// A payload content placed from the start of the buffer (offset, depth, startswith, endswith): such a
// rule is not checked on a window over a stream chunk boundary, whose start is not the stream's.
bool anchored_payload(const Rule& r) {
  for (const auto& l : r.lists) {
    if (l.buf != Buf::kPayload) continue;
    for (const auto& n : l.nodes) {
      const auto* c = std::get_if<ContentNode>(&n);
      if (c != nullptr && !c->relative() && (c->has_offset || c->has_depth || c->startswith || c->endswith)) {
        return true;
      }
      if (!std::holds_alternative<ContentNode>(n)) return true;  // pcre, byte_*, isdataat: conservative
    }
  }
  return false;
}

bool is_iponly(const Rule& r) {
  if (!r.lists.empty() || !r.checks.empty() || proto_is_app(r.proto) || r.app_layer_protocol) return false;
  if (!r.sp.is_any() || !r.dp.is_any()) return false;
  const auto& f = r.flow;
  if (f.established || f.not_established || f.to_server || f.to_client || f.only_stream || f.no_stream ||
      f.only_frag || f.no_frag) {
    return false;
  }
  for (const auto& op : r.flowbits) {
    if (op.op == FlowbitOp::kIsset || op.op == FlowbitOp::kIsnotset) return false;
  }
  return true;
}

std::atomic<uint64_t> g_generation{1};

}  // namespace

struct Engine::Group {
  std::array<std::unique_ptr<Prefilter>, kSlots> pf;
  std::vector<std::vector<uint32_t>> pattern_rules;  // pattern id -> rules
  std::vector<uint32_t> nofp;                        // rules without a fast pattern
};

struct Engine::IpOnly {
  IpOnlyIndex index;
};

Engine::~Engine() = default;

std::array<uint8_t, 4> EngineConfig::default_action_rank() {
  std::array<uint8_t, 4> rank{};
  rank[static_cast<size_t>(Action::kPass)] = 0;
  rank[static_cast<size_t>(Action::kDrop)] = 1;
  rank[static_cast<size_t>(Action::kReject)] = 2;
  rank[static_cast<size_t>(Action::kAlert)] = 3;
  return rank;
}

void reject_unknown_classtypes(RuleSet* set, const Classification& classes) {
  std::vector<Rule> kept;
  kept.reserve(set->rules.size());
  for (auto& r : set->rules) {
    if (!r.classtype.empty() && classes.find(r.classtype) == nullptr) {
      set->diag.add(Error{.file = r.file, .line = r.line, .sid = r.sid,
                          .message = "unknown classtype '" + r.classtype + "'", .reason = "unknown classtype"});
      set->failed++;
      set->reasons["unknown classtype"]++;
      continue;
    }
    kept.push_back(std::move(r));
  }
  set->rules.swap(kept);
}

std::shared_ptr<Engine> Engine::build(RuleSet set, const EngineConfig& cfg, Diagnostics* diag) {
  auto t0 = std::chrono::steady_clock::now();
  std::shared_ptr<Engine> e(new Engine());
  e->cfg_ = cfg;
  e->generation_ = g_generation.fetch_add(1);
  Diagnostics local;
  e->classes_ = Classification::load(cfg.classification_file, &local);
  size_t before = set.diag.errors().size();
  reject_unknown_classtypes(&set, e->classes_);
  for (size_t i = before; i < set.diag.errors().size(); ++i) local.add(set.diag.errors()[i]);
  e->thresholds_ = std::make_unique<Thresholds>(ThresholdConfig::load(cfg.threshold_file, cfg.vars, &local));
  if (diag != nullptr) diag->merge(local);
  e->rules_ = std::move(set.rules);
  e->names_ = std::move(set.names);
  // Evaluation order, as Suricata sorts its signatures: by action (action-order; pass first by default),
  // then flowbit setters, rules without flowbits, readers that also set, pure readers; then priority
  // (1 first); file order within each class.
  std::vector<std::pair<std::tuple<int, int, int>, uint32_t>> keyed;
  for (uint32_t i = 0; i < e->rules_.size(); ++i) {
    const auto& r = e->rules_[i];
    bool reads = false, writes = false;
    for (const auto& op : r.flowbits) {
      if (op.op == FlowbitOp::kIsset || op.op == FlowbitOp::kIsnotset) {
        reads = true;
      } else {
        writes = true;
      }
    }
    int fb = writes && !reads ? 0 : (!reads ? 1 : (writes ? 2 : 3));
    keyed.push_back({{cfg.action_rank[static_cast<size_t>(r.action)], fb, e->severity(r)}, i});
  }
  std::stable_sort(keyed.begin(), keyed.end());
  e->order_.resize(e->rules_.size());
  for (uint32_t rank = 0; rank < keyed.size(); ++rank) e->order_[keyed[rank].second] = rank;
  e->build_groups(cfg.cache_dir);
  e->stats_.rules = e->rules_.size();
  e->stats_.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return e;
}

void Engine::build_groups(const std::string& cache_dir) {
  groups_.clear();
  for (int g = 0; g < kTransports * 2; ++g) groups_.push_back(std::make_unique<Group>());
  iponly_ = std::make_unique<IpOnly>();
  std::vector<uint32_t> iponly_rules;
  for (int g = 0; g < kTransports * 2; ++g) {
    auto& grp = *groups_[static_cast<size_t>(g)];
    std::map<std::tuple<int, std::string, bool>, unsigned> ids;
    for (uint32_t i = 0; i < rules_.size(); ++i) {
      const auto& r = rules_[i];
      if (is_iponly(r)) {
        if (g == 0) iponly_rules.push_back(i);
        continue;
      }
      auto tr = rule_transports(r);
      auto dirs = rule_directions(r);
      if (!tr[static_cast<size_t>(g / 2)] || !dirs[static_cast<size_t>(g % 2)]) continue;
      if (r.fp_list < 0) {
        grp.nofp.push_back(i);
        continue;
      }
      const auto& list = r.lists[static_cast<size_t>(r.fp_list)];
      const auto& c = std::get<ContentNode>(list.nodes[static_cast<size_t>(r.fp_node)]);
      std::string lit = c.fp_len > 0 ? c.bytes.substr(static_cast<size_t>(c.fp_offset), static_cast<size_t>(c.fp_len))
                                     : c.bytes;
      int slot = static_cast<int>(list.buf) * 2 + (list.dotprefix ? 1 : 0);
      auto key = std::make_tuple(slot, lit, c.nocase);
      auto it = ids.find(key);
      unsigned id;
      if (it == ids.end()) {
        id = static_cast<unsigned>(grp.pattern_rules.size());
        ids.emplace(key, id);
        grp.pattern_rules.emplace_back();
        auto& pf = grp.pf[static_cast<size_t>(slot)];
        if (!pf) pf = std::make_unique<Prefilter>();
        pf->add(lit, c.nocase, id);
      } else {
        id = it->second;
      }
      grp.pattern_rules[id].push_back(i);
    }
    for (auto& pf : grp.pf) {
      if (!pf) continue;
      std::string err;
      bool hit = false;
      if (!pf->compile_cached(cache_dir, &err, &hit)) {
        // Cannot happen for literals; keep the engine usable by dropping the database.
        pf.reset();
        continue;
      }
      stats_.databases++;
      stats_.cached_databases += hit ? 1 : 0;
      stats_.patterns += pf->size();
    }
  }
  std::vector<bool> seen_fp(rules_.size()), seen_nofp(rules_.size());
  for (const auto& g : groups_) {
    for (const auto& pr : g->pattern_rules) {
      for (auto r : pr) seen_fp[r] = true;
    }
    for (auto r : g->nofp) seen_nofp[r] = true;
  }
  stats_.from_cache = stats_.databases > 0 && stats_.cached_databases == stats_.databases;
  stats_.prefiltered = static_cast<size_t>(std::count(seen_fp.begin(), seen_fp.end(), true));
  stats_.no_fast_pattern = static_cast<size_t>(std::count(seen_nofp.begin(), seen_nofp.end(), true));
  for (const auto& r : rules_) {
    stats_.mixed += has_app_lists(r) && has_payload_list(r) ? 1 : 0;
    for (const auto& l : r.lists) {
      if (l.buf != Buf::kPayload) continue;
      for (const auto& n : l.nodes) {
        if (const auto* c = std::get_if<ContentNode>(&n); c != nullptr && !c->negated) {
          stats_.max_payload_content = std::max(stats_.max_payload_content, std::min<size_t>(c->bytes.size(), 256));
        }
      }
    }
  }
  for (auto i : iponly_rules) iponly_->index.add(i, rules_[i]);
  iponly_->index.finish();
  stats_.iponly = iponly_rules.size();
}

std::unique_ptr<MatchScratch> Engine::make_scratch() const {
  auto s = std::make_unique<MatchScratch>();
  for (const auto& g : groups_) {
    for (const auto& pf : g->pf) {
      if (pf && pf->db() != nullptr) s->hs.grow(pf->db());
    }
  }
  s->stamp.assign(rules_.size(), 0);
  return s;
}

void Engine::collect(const Input& in, const FlowState* flow, MatchScratch& s) const {
  s.cands.clear();
  if (++s.gen == 0) {
    std::fill(s.stamp.begin(), s.stamp.end(), 0);
    s.gen = 1;
  }
  auto add = [&](uint32_t r) {
    if (s.stamp[r] != s.gen) {
      s.stamp[r] = s.gen;
      s.cands.push_back(r);
    }
  };
  const auto& g = *groups_[static_cast<size_t>(transport_index(in.ip_proto) * 2 + (in.to_server ? 0 : 1))];
  for (int slot = 0; slot < kSlots; ++slot) {
    const auto& pf = g.pf[static_cast<size_t>(slot)];
    if (!pf) continue;
    Buf b = static_cast<Buf>(slot / 2);
    if (!in.has(b)) continue;
    std::span<const uint8_t> data = in.get(b);
    if (slot % 2 == 1) {
      s.tmp.assign(1, '.');
      s.tmp.append(reinterpret_cast<const char*>(data.data()), data.size());
      data = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.tmp.data()), s.tmp.size());
    }
    pf->scan(data, s.hs, [&](unsigned id) {
      for (auto r : g.pattern_rules[id]) add(r);
    });
  }
  for (auto r : g.nofp) add(r);
  bool iponly_due = in.kind == Input::kPacket && (flow == nullptr || !in.has_flow || in.first_in_direction);
  if (iponly_due) iponly_->index.lookup(in.src, in.dst, [&](uint32_t r) { add(r); });
}

bool Engine::check(const Rule& r, const Input& in, FlowState* flow, MatchScratch& s) const {
  // Protocol.
  switch (r.proto) {
    case Proto::kIp: break;
    case Proto::kTcp: case Proto::kTcpPkt: if (in.ip_proto != 6) return false; break;
    case Proto::kTcpStream: if (in.ip_proto != 6 || in.kind == Input::kPacket) return false; break;
    case Proto::kUdp: case Proto::kUdpPkt: if (in.ip_proto != 17) return false; break;
    case Proto::kIcmp: if (in.ip_proto != 1 && in.ip_proto != 58) return false; break;
    case Proto::kIcmpv4: if (in.ip_proto != 1) return false; break;
    case Proto::kIcmpv6: if (in.ip_proto != 58) return false; break;
    case Proto::kSctp: if (in.ip_proto != 132) return false; break;
    case Proto::kIpv4: if (!in.src.is_v4()) return false; break;
    case Proto::kIpv6: if (in.src.is_v4()) return false; break;
    default: {
      uint8_t t = proto_transport(r.proto);
      if (t != 0 && in.ip_proto != t) return false;
      if (!app_proto_satisfies(r.proto, in.app_proto)) return false;
    }
  }
  if (r.app_layer_protocol && (app_proto_satisfies(*r.app_layer_protocol, in.app_proto) == r.negated_app_layer_protocol)) {
    return false;
  }
  if (in.app_rules_only && !proto_is_app(r.proto) && !r.app_layer_protocol) return false;
  if (in.no_app_rules && (proto_is_app(r.proto) || r.app_layer_protocol)) return false;
  // Addresses and ports.
  auto fwd = [&] {
    return r.src.contains(in.src) && r.dst.contains(in.dst) && r.sp.contains(in.sp) && r.dp.contains(in.dp);
  };
  auto rev = [&] {
    return r.src.contains(in.dst) && r.dst.contains(in.src) && r.sp.contains(in.dp) && r.dp.contains(in.sp);
  };
  if (!fwd() && !(r.bidirectional && rev())) return false;
  // Which inputs the rule inspects.
  bool app = has_app_lists(r);
  bool payload = has_payload_list(r);
  if (app) {
    // A rule mixing payload content and app-layer buffers matches a transaction together with the packet
    // payload or stream chunk that completed it (the inspector sets kPayload on such transactions).
    if (in.kind != Input::kTransaction) return false;
  } else if (payload) {
    if (in.kind == Input::kTransaction) return false;
    if (in.kind == Input::kPacket && in.tcp_stream_payload && !packet_only(r)) return false;
    if (in.boundary && anchored_payload(r)) return false;
  } else if (in.kind != Input::kPacket) {
    return false;
  }
  const auto& f = r.flow;
  if (f.established && !(in.has_flow && in.established)) return false;
  if (f.not_established && in.has_flow && in.established) return false;
  if (f.to_server && !in.to_server) return false;
  if (f.to_client && in.to_server) return false;
  if (f.only_stream && in.kind != Input::kStream) return false;
  if ((f.no_stream || r.proto == Proto::kTcpPkt) && in.kind == Input::kStream) return false;
  for (const auto& h : r.checks) {
    int64_t v = 0;
    switch (h.kind) {
      case HeaderCheck::kDsize:
        if (in.kind != Input::kPacket) return false;
        // As Suricata 7+: "dsize:!N" needs a payload (an empty packet does not match it).
        if (h.cmp.op == NumCmp::kNe && in.payload_len == 0) return false;
        v = in.payload_len;
        break;
      case HeaderCheck::kTtl: v = in.ttl; break;
      case HeaderCheck::kItype: if (in.ip_proto != 1 && in.ip_proto != 58) return false; v = in.icmp_type; break;
      case HeaderCheck::kIcode: if (in.ip_proto != 1 && in.ip_proto != 58) return false; v = in.icmp_code; break;
      case HeaderCheck::kIpProto: v = in.ip_proto; break;
      case HeaderCheck::kIpId: v = in.ip_id; break;
      case HeaderCheck::kTcpWindow: if (in.ip_proto != 6) return false; v = in.tcp_window; break;
      case HeaderCheck::kTcpSeq: if (in.ip_proto != 6) return false; v = in.tcp_seq; break;
      case HeaderCheck::kTcpAck: if (in.ip_proto != 6) return false; v = in.tcp_ack; break;
      case HeaderCheck::kIcmpId: if (in.ip_proto != 1 && in.ip_proto != 58) return false; v = in.icmp_id; break;
      case HeaderCheck::kIcmpSeq: if (in.ip_proto != 1 && in.ip_proto != 58) return false; v = in.icmp_seq; break;
      case HeaderCheck::kStreamSize: {
        if (in.ip_proto != 6) return false;
        bool c = h.cmp.match(static_cast<int64_t>(in.stream_bytes[0]));
        bool sv = h.cmp.match(static_cast<int64_t>(in.stream_bytes[1]));
        bool ok = h.side == 0 ? (c && sv) : h.side == 1 ? c : h.side == 2 ? sv : (c || sv);
        if (!ok) return false;
        continue;
      }
      case HeaderCheck::kTcpFlags:
      case HeaderCheck::kFragbits: {
        if (h.kind == HeaderCheck::kTcpFlags && in.ip_proto != 6) return false;
        uint8_t have = static_cast<uint8_t>((h.kind == HeaderCheck::kTcpFlags ? in.tcp_flags : in.frag_bits) & ~h.ignore);
        bool ok = false;
        switch (h.mod) {
          case 0: ok = have == h.flags; break;
          case '+': ok = (have & h.flags) == h.flags; break;
          case '*': ok = (have & h.flags) != 0 || h.flags == 0; break;
          case '!': ok = (have & h.flags) == 0; break;
          default: ok = false;
        }
        if (!ok) return false;
        continue;
      }
    }
    if (!h.cmp.match(v)) return false;
  }
  // Flowbit conditions.
  for (const auto& op : r.flowbits) {
    if (op.op != FlowbitOp::kIsset && op.op != FlowbitOp::kIsnotset) continue;
    auto is_set = [&](int b) {
      return flow != nullptr && static_cast<size_t>(b) < flow->flowbits.size() && flow->flowbits[static_cast<size_t>(b)] != 0;
    };
    bool any = false, all = true;
    for (int b : op.bits) {
      bool v = op.op == FlowbitOp::kIsset ? is_set(b) : !is_set(b);
      any |= v;
      all &= v;
    }
    if (!(op.any_of ? any : all)) return false;
  }
  // Buffers.
  s.vars.assign(r.var_names.size(), 0);
  for (const auto& l : r.lists) {
    if (!in.has(l.buf)) return false;
    std::span<const uint8_t> data = in.get(l.buf);
    if (l.dotprefix) {
      s.tmp.assign(1, '.');
      s.tmp.append(reinterpret_cast<const char*>(data.data()), data.size());
      data = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.tmp.data()), s.tmp.size());
    }
    if (!inspect_list(l, data, s.vars.data())) return false;
  }
  return true;
}

void Engine::match(const Input& in, FlowState* flow, MatchScratch& s, std::vector<Hit>* out) const {
  // Without a flow (not tracked), flowbits still act within this one packet, as in a fresh flow.
  FlowState packet_flow;
  if (flow == nullptr && !names_.flowbits.empty()) flow = &packet_flow;
  if (flow != nullptr) {
    if (flow->generation != generation_) {
      // A reload renumbers flowbits; start this flow's bits afresh.
      flow->flowbits.assign(names_.flowbits.size(), 0);
      flow->tx_alerted.clear();
      flow->generation = generation_;
    }
    if (flow->passed) return;
  }
  collect(in, flow, s);
  std::sort(s.cands.begin(), s.cands.end(), [&](uint32_t a, uint32_t b) { return order_[a] < order_[b]; });
  size_t first_out = out->size();
  for (uint32_t ri : s.cands) {
    const Rule& r = rules_[ri];
    if (!check(r, in, flow, s)) continue;
    if (flow != nullptr) {
      for (const auto& op : r.flowbits) {
        for (int b : op.bits) {
          auto& bit = flow->flowbits[static_cast<size_t>(b)];
          if (op.op == FlowbitOp::kSet) bit = 1;
          if (op.op == FlowbitOp::kUnset) bit = 0;
          if (op.op == FlowbitOp::kToggle) bit = bit != 0 ? 0 : 1;
        }
      }
    }
    if (r.action == Action::kPass) {
      // A pass rule stops inspection of the flow. The alerts ranked before it (action-order) stay and
      // carry its verdict; the rules ranked after it are not evaluated.
      for (size_t i = first_out; i < out->size(); ++i) (*out)[i].pass = true;
      if (flow != nullptr) flow->passed = true;
      return;
    }
    if (r.noalert) continue;
    if (in.kind == Input::kTransaction && flow != nullptr) {
      // Per direction, as Suricata keeps a transaction's detection state per direction.
      uint64_t key = (static_cast<uint64_t>(ri) << 32) ^ in.tx_id ^ (in.to_server ? 0 : uint64_t{1} << 63);
      if (!flow->tx_alerted.insert(key).second) continue;
    }
    if (!thresholds_->decide(r, in.src, in.dst, in.flow_id, in.ts_us, in.sp, in.dp)) continue;
    out->push_back(Hit{ri});
  }
}

int Engine::severity(const Rule& r) const {
  if (r.priority > 0) return r.priority;
  if (const auto* c = classes_.find(r.classtype)) return c->priority;
  return 3;
}

void Engine::fill_alert(const Hit& hit, const Input& in, v1::Alert* a) const {
  const Rule& r = rules_[hit.rule];
  a->set_event_time_us(in.ts_us);
  auto* rr = a->mutable_rule();
  rr->set_engine(v1::ENGINE_SURICATA);
  rr->set_rule_id(std::to_string(r.sid));
  rr->set_sid(r.sid);
  rr->set_gid(r.gid);
  rr->set_rev(r.rev);
  rr->set_title(r.msg);
  rr->set_severity(static_cast<uint32_t>(std::clamp(severity(r), 1, 255)));
  if (const auto* c = classes_.find(r.classtype)) rr->set_category(c->description);
  switch (r.action) {
    case Action::kAlert: rr->set_action(v1::ACTION_ALERT); break;
    case Action::kPass: rr->set_action(v1::ACTION_PASS); break;
    case Action::kDrop: rr->set_action(v1::ACTION_DROP); break;
    case Action::kReject: rr->set_action(v1::ACTION_REJECT); break;
  }
  for (const auto& [k, v] : r.metadata) {
    (*rr->mutable_metadata())[k].add_values(v);
  }
  auto* n = a->mutable_net();
  n->set_src_ip(in.src.to_string());
  n->set_dest_ip(in.dst.to_string());
  n->set_ip_version(in.src.is_v4() ? 4 : 6);
  switch (in.ip_proto) {
    case 6: n->set_proto("TCP"); break;
    case 17: n->set_proto("UDP"); break;
    case 1: n->set_proto("ICMP"); break;
    case 58: n->set_proto("IPv6-ICMP"); break;
    case 132: n->set_proto("SCTP"); break;
    default: n->set_proto(std::to_string(in.ip_proto));
  }
  if (in.ip_proto == 1 || in.ip_proto == 58) {
    n->set_icmp_type(in.icmp_type);
    n->set_icmp_code(in.icmp_code);
  } else {
    n->set_src_port(in.sp);
    n->set_dest_port(in.dp);
  }
  n->set_flow_id(in.flow_id);
  if (in.app_proto != Proto::kIp) n->set_app_proto(std::string(proto_name(in.app_proto)));
  if (in.has_flow) n->set_direction(in.to_server ? "to_server" : "to_client");
  n->set_pcap_cnt(in.pcap_cnt);
  n->set_stream(in.kind == Input::kStream);
  if (in.kind == Input::kTransaction) n->set_tx_id(in.tx_id);
  if (in.has(Buf::kPayload)) {
    auto p = in.get(Buf::kPayload);
    n->set_payload(std::string(reinterpret_cast<const char*>(p.data()), std::min(p.size(), cfg_.payload_excerpt)));
  }
  if (in.has(Buf::kHttpUri) || in.has(Buf::kHttpHost)) {
    auto str = [&](Buf b) {
      auto d = in.get(b);
      return std::string(reinterpret_cast<const char*>(d.data()), d.size());
    };
    auto* h = n->mutable_http();
    if (in.has(Buf::kHttpHost)) h->set_hostname(str(Buf::kHttpHost));
    if (in.has(Buf::kHttpUriRaw)) {
      h->set_url(str(Buf::kHttpUriRaw));
    } else if (in.has(Buf::kHttpUri)) {
      h->set_url(str(Buf::kHttpUri));
    }
    if (in.has(Buf::kHttpMethod)) h->set_http_method(str(Buf::kHttpMethod));
    if (in.has(Buf::kHttpUserAgent)) h->set_http_user_agent(str(Buf::kHttpUserAgent));
    if (in.has(Buf::kHttpProtocol)) h->set_protocol(str(Buf::kHttpProtocol));
    if (in.has(Buf::kHttpContentType)) h->set_http_content_type(str(Buf::kHttpContentType));
    if (in.has(Buf::kHttpReferer)) h->set_http_refer(str(Buf::kHttpReferer));
  }
  if (in.has(Buf::kDnsQuery)) {
    auto d = in.get(Buf::kDnsQuery);
    n->mutable_dns()->set_type("query");
    n->mutable_dns()->set_rrname(std::string(reinterpret_cast<const char*>(d.data()), d.size()));
  }
  if (in.has(Buf::kTlsSni)) {
    auto d = in.get(Buf::kTlsSni);
    n->mutable_tls()->set_sni(std::string(reinterpret_cast<const char*>(d.data()), d.size()));
  }
}

}  // namespace picket::detect
