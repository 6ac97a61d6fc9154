#include "agent/flow/flow_table.h"

#include <algorithm>
#include <bit>

#include "common/config.h"

namespace picket::flow {

namespace {
constexpr size_t kChunk = 1024;
// What one flow costs besides its own struct: bucket share and allocator overhead (estimate).
constexpr size_t kFlowCost = sizeof(Flow) + 64;

inline bool key_matches(const Flow& f, const decode::Packet& p, uint16_t v0, uint16_t v1, Direction* dir) {
  const FlowKey& k = f.key;
  if (k.proto != p.proto || k.vlan[0] != v0 || k.vlan[1] != v1) return false;
  if (k.client_port == p.sp && k.server_port == p.dp && k.client == p.src && k.server == p.dst) {
    *dir = Direction::kToServer;
    return true;
  }
  if (k.client_port == p.dp && k.server_port == p.sp && k.client == p.dst && k.server == p.src) {
    *dir = Direction::kToClient;
    return true;
  }
  return false;
}
}  // namespace

void FlowStats::add(const FlowStats& o) {
  created += o.created; tcp += o.tcp; udp += o.udp; icmp += o.icmp; other += o.other;
  timed_out += o.timed_out; evicted += o.evicted; flushed += o.flushed;
  midstream_policy += o.midstream_policy;
  icmp_errors_joined += o.icmp_errors_joined;
  active += o.active;
  max_active += o.max_active;
}

void add_flow_keys(config::Schema& s) {
  using config::Type;
  s.add({.key = "flow.memcap", .type = Type::kSize, .default_value = "64MB",
         .help = "memory for flow records, shared by the workers; at the cap the least recently used flow "
                 "is ended (flow reason 'forced')"});
  s.add({.key = "flow.hash-size", .type = Type::kInt, .default_value = "65536",
         .help = "flow hash buckets per worker (rounded up to a power of two; small values only for tests)",
         .min = 1, .max = 1 << 24});
  s.add({.key = "flow.timeouts.tcp.new", .type = Type::kDuration, .default_value = "60s",
         .help = "TCP flow without a completed handshake, idle time before it ends"});
  s.add({.key = "flow.timeouts.tcp.established", .type = Type::kDuration, .default_value = "600s",
         .help = "established TCP flow idle time before it ends"});
  s.add({.key = "flow.timeouts.tcp.closed", .type = Type::kDuration, .default_value = "60s",
         .help = "closed (FIN/RST) TCP flow kept this long for late packets"});
  s.add({.key = "vlan.use-for-tracking", .type = Type::kBool, .default_value = "true",
         .help = "VLAN ids are part of the flow key (false: the same conversation on two VLANs is one flow)"});
  s.add({.key = "flow.timeouts.udp.new", .type = Type::kDuration, .default_value = "30s",
         .help = "one-sided UDP flow idle time before it ends"});
  s.add({.key = "flow.timeouts.udp.established", .type = Type::kDuration, .default_value = "300s",
         .help = "two-sided UDP flow idle time before it ends"});
  s.add({.key = "flow.timeouts.default.new", .type = Type::kDuration, .default_value = "30s",
         .help = "ICMP and other IP protocols, one-sided"});
  const std::vector<std::string> policies = {"auto", "ignore", "pass-flow", "bypass", "reject",
                                              "drop-flow", "drop-packet", "pass-packet"};
  s.add({.key = "stream.midstream-policy", .type = Type::kString,
         .help = "TCP flow first seen without its SYN: auto/ignore (track it when stream.midstream, else "
                 "inspect its packets only), pass-flow (no rule inspection; the app layer still runs when "
                 "stream.midstream), bypass (no session, app layer or rules), reject (no session; nothing is "
                 "sent: Picket only watches). Unset: the exception-policy master switch",
         .choices = policies});
  s.add({.key = "exception-policy", .type = Type::kString,
         .help = "master switch for the exception policies not set one by one (here: stream.midstream-policy); "
                 "drop-flow, drop-packet and auto mean ignore, as in Suricata's IDS mode",
         .choices = policies});
  s.add({.key = "flow.timeouts.default.established", .type = Type::kDuration, .default_value = "300s",
         .help = "ICMP and other IP protocols, two-sided"});
}

namespace {
ExceptionPolicy parse_policy(const std::string& v) {
  if (v == "pass-flow") return ExceptionPolicy::kPassFlow;
  if (v == "bypass") return ExceptionPolicy::kBypass;
  if (v == "reject") return ExceptionPolicy::kReject;
  if (v == "drop-flow") return ExceptionPolicy::kDropFlow;
  if (v == "drop-packet") return ExceptionPolicy::kDropPacket;
  if (v == "pass-packet") return ExceptionPolicy::kPassPacket;
  return ExceptionPolicy::kIgnore;  // ignore, auto (IDS mode)
}

Error policy_error(const config::Settings& s, const char* key, const std::string& message) {
  config::Location at = s.where(key);
  return Error{.file = at.file, .line = at.line, .column = at.column,
               .message = std::string(key) + ": " + message, .reason = "bad value"};
}
}  // namespace

Result<ExceptionPolicy> midstream_policy_from(const config::Settings& s) {
  const bool midstream = s.get_bool("stream.midstream");
  ExceptionPolicy p = ExceptionPolicy::kIgnore;
  const char* key = "stream.midstream-policy";
  if (s.is_set(key)) {
    std::string v = s.get_string(key);
    p = parse_policy(v);
    if (midstream && p != ExceptionPolicy::kIgnore && p != ExceptionPolicy::kPassFlow) {
      return policy_error(s, key, "'" + v + "' is not valid while stream.midstream is true (valid: pass-flow, ignore)");
    }
    if (p == ExceptionPolicy::kDropFlow) {
      return policy_error(s, key, "'drop-flow' is an IPS action; Picket only watches (IDS mode)");
    }
  } else if (s.is_set("exception-policy")) {
    key = "exception-policy";
    p = parse_policy(s.get_string(key));
    // IDS mode: the master switch's drop actions mean ignore.
    if (p == ExceptionPolicy::kDropFlow || p == ExceptionPolicy::kDropPacket) p = ExceptionPolicy::kIgnore;
  }
  if (p == ExceptionPolicy::kDropPacket || p == ExceptionPolicy::kPassPacket) {
    return policy_error(s, key, std::string("'") + exception_policy_name(p) +
                                    "' is not valid for the midstream policy, which acts on the whole flow");
  }
  return p;
}

Status check_flow_settings(const config::Settings& s) {
  auto p = midstream_policy_from(s);
  if (!p) return p.error();
  return Status::Ok();
}

FlowConfig FlowConfig::from(const config::Settings& s, unsigned workers) {
  FlowConfig c;
  auto secs = [&s](const char* k) {
    return static_cast<uint32_t>(std::max<int64_t>(1, s.get_duration(k).count() / 1000));
  };
  c.memcap = s.get_size("flow.memcap") / std::max(1u, workers);
  c.hash_size = static_cast<uint32_t>(s.get_int("flow.hash-size"));
  c.midstream = s.get_bool("stream.midstream");
  // An invalid combination is reported by check_flow_settings before the pipeline runs.
  if (auto p = midstream_policy_from(s)) c.midstream_policy = *p;
  c.vlan_tracking = s.get_bool("vlan.use-for-tracking");
  c.tcp_new = secs("flow.timeouts.tcp.new");
  c.tcp_established = secs("flow.timeouts.tcp.established");
  c.tcp_closed = secs("flow.timeouts.tcp.closed");
  c.udp_new = secs("flow.timeouts.udp.new");
  c.udp_established = secs("flow.timeouts.udp.established");
  c.other_new = secs("flow.timeouts.default.new");
  c.other_established = secs("flow.timeouts.default.established");
  return c;
}

FlowTable::FlowTable(const FlowConfig& cfg, EndFn on_end) : cfg_(cfg), on_end_(std::move(on_end)) {
  size_t n = std::bit_ceil(std::max<uint32_t>(cfg.hash_size, 1));
  buckets_.assign(n, nullptr);
  mask_ = n - 1;
  max_flows_ = std::max<size_t>(16, cfg.memcap / kFlowCost);
}

FlowTable::~FlowTable() = default;

Flow* FlowTable::alloc() {
  if (free_ == nullptr) {
    if (allocated_ >= max_flows_) {
      if (lru_head_ == nullptr) return nullptr;
      ++stats_.evicted;
      release(lru_head_, EndReason::kForced);
    } else {
      size_t n = std::min(kChunk, max_flows_ - allocated_);
      chunks_.push_back(std::make_unique<Flow[]>(n));
      Flow* c = chunks_.back().get();
      for (size_t i = 0; i < n; ++i) {
        c[i].hnext = free_;
        free_ = &c[i];
      }
      allocated_ += n;
    }
  }
  Flow* f = free_;
  free_ = f->hnext;
  f->hnext = nullptr;
  return f;
}

void FlowTable::lru_unlink(Flow* f) {
  (f->lru_prev ? f->lru_prev->lru_next : lru_head_) = f->lru_next;
  (f->lru_next ? f->lru_next->lru_prev : lru_tail_) = f->lru_prev;
  f->lru_prev = f->lru_next = nullptr;
}

void FlowTable::lru_push_back(Flow* f) {
  f->lru_prev = lru_tail_;
  f->lru_next = nullptr;
  (lru_tail_ ? lru_tail_->lru_next : lru_head_) = f;
  lru_tail_ = f;
}

void FlowTable::hash_unlink(Flow* f) {
  Flow** pp = &buckets_[f->hash & mask_];
  while (*pp != nullptr && *pp != f) pp = &(*pp)->hnext;
  if (*pp == f) *pp = f->hnext;
  f->hnext = nullptr;
}

void FlowTable::release(Flow* f, EndReason why) {
  f->end_reason = why;
  if (on_end_) on_end_(*f);
  hash_unlink(f);
  lru_unlink(f);
  *f = Flow{};  // destroys the slots
  f->hnext = free_;
  free_ = f;
  --stats_.active;
}

uint32_t FlowTable::timeout_for(const Flow& f) const {
  switch (f.key.proto) {
    case decode::kProtoTcp:
      return f.state == FlowState::kNew ? cfg_.tcp_new
             : f.state == FlowState::kEstablished ? cfg_.tcp_established : cfg_.tcp_closed;
    case decode::kProtoUdp:
      return f.state == FlowState::kNew ? cfg_.udp_new : cfg_.udp_established;
    default:
      return f.state == FlowState::kNew ? cfg_.other_new : cfg_.other_established;
  }
}

Flow* FlowTable::quoted_flow(const decode::Packet& p, uint16_t v0, uint16_t v1, Direction* dir) {
  const decode::Packet::IcmpQuoted& q = p.icmp_quoted;
  const uint64_t h = FlowKey::of_tuple(q.src, q.dst, q.sp, q.dp, q.proto, v0, v1).hash();
  for (Flow* f = buckets_[h & mask_]; f != nullptr; f = f->hnext) {
    if (f->hash != h) continue;
    const FlowKey& k = f->key;
    if (k.proto != q.proto || k.vlan[0] != v0 || k.vlan[1] != v1) continue;
    const bool same = k.client == q.src && k.server == q.dst && k.client_port == q.sp && k.server_port == q.dp;
    const bool swapped = k.client == q.dst && k.server == q.src && k.client_port == q.dp && k.server_port == q.sp;
    if (!same && !swapped) continue;
    // As Suricata orients a packet of another protocol in a flow: from the flow's client is to server.
    *dir = p.src == k.client ? Direction::kToServer : Direction::kToClient;
    return f;
  }
  return nullptr;
}

Flow* FlowTable::get(const decode::Packet& p, Direction* dir) {
  if (p.ip_version == 0 || (p.layers & decode::kLayerFragment) != 0) return nullptr;
  uint16_t v0 = cfg_.vlan_tracking ? p.vlan[0] : 0, v1 = cfg_.vlan_tracking ? p.vlan[1] : 0;
  if (p.icmp_quoted.valid) {
    // An ICMP error about a tracked TCP/UDP/SCTP session belongs to that session's flow.
    if (Flow* f = quoted_flow(p, v0, v1, dir)) {
      ++stats_.icmp_errors_joined;
      if (f != lru_tail_) {
        lru_unlink(f);
        lru_push_back(f);
      }
      update(*f, p, *dir);
      return f;
    }
  }
  FlowKey probe = FlowKey::of_tuple(p.src, p.dst, p.sp, p.dp, p.proto, v0, v1);
  uint64_t h = probe.hash();
  Flow* f = buckets_[h & mask_];
  for (; f != nullptr; f = f->hnext) {
    if (f->hash == h && key_matches(*f, p, v0, v1, dir)) break;
  }
  if (f == nullptr) {
    f = alloc();
    if (f == nullptr) return nullptr;
    // A SYN/ACK first: its sender is the server.
    if (p.proto == decode::kProtoTcp && (p.tcp_flags & (decode::kTcpSyn | decode::kTcpAck)) ==
                                            (decode::kTcpSyn | decode::kTcpAck)) {
      std::swap(probe.client, probe.server);
      std::swap(probe.client_port, probe.server_port);
      *dir = Direction::kToClient;
    } else {
      *dir = Direction::kToServer;
    }
    f->key = probe;
    f->hash = h;
    f->first_ts_us = p.ts_us;
    f->flow_id = (h ^ (static_cast<uint64_t>(p.ts_us) * 0x9e3779b97f4a7c15ull)) & ((uint64_t{1} << 51) - 1);
    if (f->flow_id == 0) f->flow_id = 1;
    f->hnext = buckets_[h & mask_];
    buckets_[h & mask_] = f;
    ++stats_.created;
    switch (p.proto) {
      case decode::kProtoTcp: ++stats_.tcp; break;
      case decode::kProtoUdp: ++stats_.udp; break;
      case decode::kProtoIcmp:
      case decode::kProtoIcmpv6: ++stats_.icmp; break;
      default: ++stats_.other; break;
    }
    if (++stats_.active > stats_.max_active) stats_.max_active = stats_.active;
    lru_push_back(f);
  } else if (f != lru_tail_) {
    lru_unlink(f);
    lru_push_back(f);
  }
  update(*f, p, *dir);
  return f;
}

void FlowTable::update(Flow& f, const decode::Packet& p, Direction dir) {
  int d = dir_index(dir);
  f.last_ts_us = std::max(f.last_ts_us, p.ts_us);
  ++f.pkts[d];
  // Captured bytes from the link header on, as Suricata counts them (a rebuilt datagram with the link
  // prefix of its last fragment).
  f.bytes[d] += p.raw.size() + p.link_prefix.size();
  if (p.proto == decode::kProtoTcp) {
    uint8_t fl = p.tcp_flags;
    f.tcp_flags_seen[d] |= fl;
    if (fl & decode::kTcpRst) {
      f.rst_seen = true;
      f.state = FlowState::kClosed;
      return;
    }
    if ((fl & decode::kTcpSyn) && !(fl & decode::kTcpAck) && dir == Direction::kToServer) f.seen_syn = true;
    if ((fl & decode::kTcpSyn) && (fl & decode::kTcpAck) && dir == Direction::kToClient) f.seen_synack = true;
    if (fl & decode::kTcpFin) f.fin_seen |= static_cast<uint8_t>(1u << d);
    if (f.state == FlowState::kNew) {
      // First packet not a SYN (an ACK, a FIN or a SYN/ACK): the session is picked up midstream, if at all.
      const bool pickup = f.total_pkts() == 1 && !((fl & decode::kTcpSyn) && !(fl & decode::kTcpAck)) &&
                          apply_midstream_policy(f);
      if (pickup && !(fl & decode::kTcpSyn) && cfg_.midstream) {
        f.midstream = true;
        f.state = FlowState::kEstablished;
      } else if (f.seen_syn && f.seen_synack && dir == Direction::kToServer && (fl & decode::kTcpAck) &&
                 !(fl & decode::kTcpSyn)) {
        f.state = FlowState::kEstablished;
      }
    }
    if (f.fin_seen == 3) f.state = FlowState::kClosed;
  } else if (f.state == FlowState::kNew && f.pkts[0] > 0 && f.pkts[1] > 0) {
    f.state = FlowState::kEstablished;
  }
}

bool FlowTable::apply_midstream_policy(Flow& f) {
  const ExceptionPolicy p = cfg_.midstream_policy;
  if (p == ExceptionPolicy::kIgnore) return true;
  ++stats_.midstream_policy;
  f.exception_targets |= kTargetMidstream;
  f.midstream_policy_applied = p;
  switch (p) {
    case ExceptionPolicy::kPassFlow:
      // No rule inspection; the session (and its app layer) is tracked only with midstream pickup.
      f.action = FlowAction::kPass;
      f.no_detection = true;
      if (!cfg_.midstream) f.no_inspection = true;
      return true;
    case ExceptionPolicy::kBypass:
      f.bypassed = true;
      f.action = FlowAction::kPass;
      f.no_detection = true;
      f.no_inspection = true;
      return false;
    default:
      // reject (IDS: the flow is not dropped and nothing is sent) and the IPS-only actions: the session
      // is not tracked; its packets are still inspected one by one.
      f.no_inspection = true;
      return false;
  }
}

void FlowTable::expire(int64_t now_us) {
  if (now_us < next_expire_us_) return;
  next_expire_us_ = now_us + 1'000'000;
  uint32_t min_timeout = std::min({cfg_.tcp_new, cfg_.tcp_established, cfg_.tcp_closed, cfg_.udp_new,
                                   cfg_.udp_established, cfg_.other_new, cfg_.other_established});
  Flow* f = lru_head_;
  while (f != nullptr) {
    Flow* next = f->lru_next;
    int64_t idle = now_us - f->last_ts_us;
    if (idle < int64_t{min_timeout} * 1'000'000) break;  // LRU order: the rest are younger
    if (idle >= int64_t{timeout_for(*f)} * 1'000'000) {
      ++stats_.timed_out;
      release(f, EndReason::kTimeout);
    }
    f = next;
  }
}

void FlowTable::flush() {
  while (lru_head_ != nullptr) {
    ++stats_.flushed;
    release(lru_head_, EndReason::kShutdown);
  }
}

}  // namespace picket::flow
