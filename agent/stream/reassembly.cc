#include "agent/stream/reassembly.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "common/config.h"

namespace picket::stream {

using flow::Direction;
using flow::Flow;

struct Reassembler::Dir {
  struct Seg {
    uint64_t off = 0;
    std::vector<uint8_t> data;
    uint64_t end() const { return off + data.size(); }
  };
  bool init = false;
  bool closed = false;
  bool depth_hit = false;
  bool fin_pending = false;
  bool has_ack = false;
  uint32_t next_seq = 0;
  uint64_t next_off = 0;  // stream offset of the next byte to deliver
  uint64_t ack_off = 0;   // highest offset the peer acknowledged
  uint64_t fin_off = 0;
  std::vector<Seg> q;     // sorted by off, non-overlapping, all > next_off at rest
  uint64_t qbytes = 0;
};

struct Reassembler::Session : flow::FlowSlot {
  Dir dirs[2];
  bool tracked = false;
  bool async = false;  // one-sided (stream.async-oneside pickup): nobody ACKs, data is released at once
  bool reset = false;  // a RST ended the session: no more data; what is held waits for the flow end
  OsPolicy policy[2] = {OsPolicy::kBsd, OsPolicy::kBsd};  // of each direction's receiver
};

decode::Packet flow_end_packet(const Flow& f) {
  decode::Packet p;
  p.ts_us = f.last_ts_us;
  p.ip_version = f.key.client.is_v6() ? 6 : 4;
  p.layers = f.key.client.is_v6() ? decode::kLayerIpv6 : decode::kLayerIpv4;
  if (f.key.proto == decode::kProtoTcp) p.layers |= decode::kLayerTcp;
  p.src = f.key.client;
  p.dst = f.key.server;
  p.sp = f.key.client_port;
  p.dp = f.key.server_port;
  p.proto = f.key.proto;
  p.vlan[0] = f.key.vlan[0];
  p.vlan[1] = f.key.vlan[1];
  p.vlan_count = static_cast<uint8_t>((f.key.vlan[0] != 0 ? 1 : 0) + (f.key.vlan[1] != 0 ? 1 : 0));
  return p;
}

void StreamStats::add(const StreamStats& o) {
  segments += o.segments; bytes += o.bytes; retransmissions += o.retransmissions; overlaps += o.overlaps;
  overlap_diff += o.overlap_diff; out_of_order += o.out_of_order; gaps += o.gaps;
  beyond_window += o.beyond_window; memcap_drops += o.memcap_drops; depth_reached += o.depth_reached;
  untracked += o.untracked; invalid_seq += o.invalid_seq;
}

void add_stream_keys(config::Schema& s) {
  using config::Type;
  s.add({.key = "stream.inline", .type = Type::kBool, .default_value = "false",
         .help = "hand TCP data to the app layer and the rules as soon as it is in order (Suricata's inline "
                 "mode); false (IDS mode): once the receiver acknowledged it, and at flow end what never was"});
  s.add({.key = "stream.midstream", .type = Type::kBool, .default_value = "false",
         .help = "pick up TCP flows whose handshake was not seen (reassemble and parse them)"});
  s.add({.key = "stream.async-oneside", .type = Type::kBool, .default_value = "false",
         .help = "reassemble TCP flows where only one side of the traffic is visible"});
  add_os_policy_keys(s);
  s.add({.key = "stream.reassembly.memcap", .type = Type::kSize, .default_value = "64MB",
         .help = "out-of-order bytes queued, shared by the workers; a segment beyond it is dropped",
         .aliases = {"stream.memcap"}});
  s.add({.key = "stream.reassembly.depth", .type = Type::kSize, .default_value = "1MB",
         .help = "bytes reassembled per direction of a flow (0: unlimited)"});
  s.add({.key = "stream.reassembly.window", .type = Type::kSize, .default_value = "1MB",
         .help = "how far ahead of a hole segments are queued; beyond it the hole is given up"});
}

StreamConfig StreamConfig::from(const config::Settings& s, unsigned workers) {
  StreamConfig c;
  c.inline_mode = s.get_bool("stream.inline");
  c.midstream = s.get_bool("stream.midstream");
  c.async_oneside = s.get_bool("stream.async-oneside");
  c.memcap = s.get_size("stream.reassembly.memcap") / std::max(1u, workers);
  c.depth = s.get_size("stream.reassembly.depth");
  c.window = static_cast<uint32_t>(std::min<uint64_t>(s.get_size("stream.reassembly.window"), 1u << 30));
  if (c.window == 0) c.window = 1;
  if (auto t = OsPolicyTable::from(s); t && !t->empty()) c.os_policies = std::make_shared<const OsPolicyTable>(*t);
  return c;
}

Status check_stream_settings(const config::Settings& s) {
  auto t = OsPolicyTable::from(s);
  if (!t) return t.error();
  return Status::Ok();
}

void Reassembler::free_queue(Dir& dir) {
  mem_ -= dir.qbytes;
  dir.qbytes = 0;
  dir.q.clear();
  dir.q.shrink_to_fit();
}

void Reassembler::deliver(Flow& f, Dir& dir, int d, std::span<const uint8_t> data, const decode::Packet& p,
                          StreamSink& sink) {
  if (data.empty() || dir.depth_hit) return;
  if (cfg_.depth != 0 && dir.next_off + data.size() >= cfg_.depth) {
    data = data.first(cfg_.depth - dir.next_off);
    dir.depth_hit = true;
    ++stats_.depth_reached;
  }
  uint64_t off = dir.next_off;
  dir.next_off += data.size();
  dir.next_seq += static_cast<uint32_t>(data.size());
  stats_.bytes += data.size();
  if (!data.empty()) sink.on_data(f, static_cast<Direction>(d), data, off, p);
}

bool Reassembler::handshake(const Flow& f) {
  // A split (four-way) handshake or a simultaneous open: both sides sent a SYN (SYN, SYN, SYN/ACK,
  // ACK), so both directions have their initial sequence number, as after a three-way handshake.
  bool both_syn = (f.tcp_flags_seen[0] & decode::kTcpSyn) != 0 && (f.tcp_flags_seen[1] & decode::kTcpSyn) != 0;
  return (f.seen_syn && f.seen_synack) || both_syn;
}

bool Reassembler::track_condition(const Flow& f) const {
  // With stream.midstream a flow first seen at its SYN/ACK (the SYN missed) is picked up too, as
  // Suricata's midstream SYN/ACK pickup does.
  return handshake(f) || f.midstream || (cfg_.midstream && f.seen_synack) ||
         (cfg_.async_oneside && (f.seen_syn || f.seen_synack));
}

bool Reassembler::tracks(const Flow& f) const {
  const auto* s = static_cast<const Session*>(f.stream.get());
  return (s != nullptr && s->tracked) || track_condition(f);
}

uint64_t Reassembler::release_limit(const Session& s, const Dir& dir) const {
  if (cfg_.inline_mode || s.async) return UINT64_MAX;
  return dir.has_ack ? dir.ack_off : 0;
}

void Reassembler::drain(Flow& f, Dir& dir, int d, const decode::Packet& p, StreamSink& sink, uint64_t limit) {
  while (!dir.q.empty() && dir.q.front().off <= dir.next_off && !dir.depth_hit && dir.next_off < limit) {
    Dir::Seg& s = dir.q.front();
    if (s.end() > dir.next_off) {
      size_t from = static_cast<size_t>(dir.next_off - s.off);
      size_t to = static_cast<size_t>(std::min(s.end(), limit) - s.off);
      deliver(f, dir, d, std::span<const uint8_t>(s.data).subspan(from, to - from), p, sink);
      if (!dir.depth_hit && dir.next_off < s.end()) break;  // the rest waits for its ACK
    }
    if (dir.q.empty()) break;  // depth reached inside deliver may not clear, but be safe
    mem_ -= dir.q.front().data.size();
    dir.qbytes -= dir.q.front().data.size();
    dir.q.erase(dir.q.begin());
  }
  if (dir.depth_hit) free_queue(dir);
  if (dir.fin_pending && dir.q.empty() && dir.next_off >= dir.fin_off && !dir.closed) {
    dir.closed = true;
    sink.on_close(f, static_cast<Direction>(d));
  }
}

void Reassembler::skip_gap(Flow& f, Dir& dir, int d, const decode::Packet& p, StreamSink& sink, uint64_t limit) {
  if (dir.q.empty() || dir.q.front().off <= dir.next_off) return;
  ++stats_.gaps;
  uint64_t skip = dir.q.front().off - dir.next_off;
  sink.on_gap(f, static_cast<Direction>(d), skip);
  dir.next_seq += static_cast<uint32_t>(skip);
  dir.next_off = dir.q.front().off;
  drain(f, dir, d, p, sink, limit);
}

void Reassembler::add_data(Flow& f, Session& s, int d, uint32_t seq, std::span<const uint8_t> data,
                           const decode::Packet& p, StreamSink& sink) {
  Dir& dir = s.dirs[d];
  ++stats_.segments;
  if (dir.depth_hit || dir.closed || s.reset) return;
  const uint64_t limit = release_limit(s, dir);
  int64_t rel = static_cast<int32_t>(seq - dir.next_seq);
  if (rel < 0) {
    if (static_cast<uint64_t>(-rel) >= data.size()) {
      ++stats_.retransmissions;
      return;
    }
    ++stats_.overlaps;
    data = data.subspan(static_cast<size_t>(-rel));
    rel = 0;
  }
  if (rel == 0 && dir.q.empty() && limit == UINT64_MAX) {  // inline: in order, nothing queued
    deliver(f, dir, d, data, p, sink);
    return;
  }
  if (rel > static_cast<int64_t>(cfg_.window)) {
    ++stats_.beyond_window;
    return;
  }
  // Queue the parts not held yet (first wins), comparing the overlapping parts.
  uint64_t off = dir.next_off + static_cast<uint64_t>(rel);
  uint64_t end = off + data.size();
  // Out of order: it leaves a hole (bytes held for their ACK in IDS mode do not make one).
  if (rel > 0 && (dir.q.empty() || off > dir.q.back().end())) ++stats_.out_of_order;
  std::vector<Dir::Seg> pieces;
  uint64_t pos = off;
  bool covered_any = false;
  const OsPolicy policy = cfg_.inline_mode ? OsPolicy::kFirst : s.policy[d];
  for (auto& q : dir.q) {
    if (q.end() <= pos) continue;
    if (q.off >= end) break;
    if (q.off > pos) {
      pieces.push_back({pos, std::vector<uint8_t>(data.begin() + (pos - off), data.begin() + (q.off - off))});
    }
    uint64_t ob = std::max(q.off, pos), oe = std::min(q.end(), end);
    if (oe > ob) {
      covered_any = true;
      uint8_t* held = q.data.data() + (ob - q.off);
      const uint8_t* fresh = data.data() + (ob - off);
      if (std::memcmp(held, fresh, oe - ob) != 0) {
        ++stats_.overlap_diff;
        if (use_new_data(policy, off, end, q.off, q.end())) std::memcpy(held, fresh, oe - ob);
      }
    }
    pos = std::max(pos, q.end());
    if (pos >= end) break;
  }
  if (pos < end) pieces.push_back({pos, std::vector<uint8_t>(data.begin() + (pos - off), data.end())});
  if (covered_any) ++stats_.overlaps;
  if (pieces.empty()) {
    ++stats_.retransmissions;
  }
  uint64_t add = 0;
  for (const auto& pc : pieces) add += pc.data.size();
  if (mem_ + add > cfg_.memcap) {
    ++stats_.memcap_drops;
    return;
  }
  mem_ += add;
  dir.qbytes += add;
  for (auto& pc : pieces) {
    auto it = std::lower_bound(dir.q.begin(), dir.q.end(), pc.off,
                               [](const Dir::Seg& a, uint64_t o) { return a.off < o; });
    dir.q.insert(it, std::move(pc));
  }
  drain(f, dir, d, p, sink, limit);
  if (!dir.q.empty() && ((dir.has_ack && dir.ack_off >= dir.q.front().off) || dir.qbytes > cfg_.window)) {
    skip_gap(f, dir, d, p, sink, limit);
  }
}

void Reassembler::on_packet(Flow& f, const decode::Packet& p, Direction direction, StreamSink& sink) {
  auto* s = static_cast<Session*>(f.stream.get());
  if (s == nullptr) {
    f.stream = std::make_unique<Session>();
    s = static_cast<Session*>(f.stream.get());
    if (cfg_.os_policies) {  // the receiver of each direction's bytes decides overlaps
      s->policy[0] = cfg_.os_policies->lookup(f.key.server);
      s->policy[1] = cfg_.os_policies->lookup(f.key.client);
    }
  }
  int d = flow::dir_index(direction);
  Dir& me = s->dirs[d];
  Dir& peer = s->dirs[1 - d];
  uint8_t fl = p.tcp_flags;
  uint32_t seq = p.tcp_seq;
  if (fl & decode::kTcpSyn) {
    if (!me.init) {
      me.init = true;
      me.next_seq = seq + 1;
    }
    seq += 1;  // data on a SYN (TCP Fast Open) starts after the SYN's sequence number
  }
  if (!s->tracked) {
    s->tracked = track_condition(f);
    // Picked up one-sided: the receiver's ACKs will never be seen, so data is released as it comes.
    s->async = s->tracked && !handshake(f) && cfg_.async_oneside && (f.seen_syn || f.seen_synack);
  }
  if (!s->tracked) {
    if (!p.payload.empty()) ++stats_.untracked;
    return;
  }
  if ((fl & decode::kTcpAck) && peer.init) {
    int64_t rel = static_cast<int32_t>(p.tcp_ack - peer.next_seq);
    if (rel > 0) {
      uint64_t a = peer.next_off + static_cast<uint64_t>(rel);
      if (!peer.has_ack || a > peer.ack_off) peer.ack_off = a;
      peer.has_ack = true;
      const uint64_t limit = release_limit(*s, peer);
      drain(f, peer, 1 - d, p, sink, limit);  // IDS mode: the ACK releases the peer's data
      if (!peer.q.empty() && peer.ack_off >= peer.q.front().off) skip_gap(f, peer, 1 - d, p, sink, limit);
    }
  }
  if (fl & decode::kTcpRst) {
    s->reset = true;
    for (int i = 0; i < 2; ++i) {
      Dir& x = s->dirs[i];
      // IDS mode: bytes in order but never acknowledged are still released, at flow end (as Suricata
      // inspects them when the flow times out); the direction closes then.
      bool held = !cfg_.inline_mode && !x.q.empty() && !x.depth_hit;
      if (held) continue;
      if (x.init && !x.closed) {
        x.closed = true;
        sink.on_close(f, static_cast<Direction>(i));
      }
      free_queue(x);  // nothing queued after a reset will be delivered: free it now, not at flow end
    }
    return;
  }
  if (!p.payload.empty()) {
    if (!me.init) {  // midstream or one-sided: the first byte seen is offset 0
      me.init = true;
      me.next_seq = seq;
    }
    add_data(f, *s, d, seq, p.payload, p, sink);
  }
  if ((fl & decode::kTcpFin) && me.init && !me.closed) {
    int64_t rel = static_cast<int32_t>(seq + static_cast<uint32_t>(p.payload.size()) - me.next_seq);
    me.fin_off = me.next_off + static_cast<uint64_t>(std::max<int64_t>(0, rel));
    me.fin_pending = true;
    if (me.q.empty() && me.next_off >= me.fin_off) {
      me.closed = true;
      sink.on_close(f, direction);
    }
  }
}

void Reassembler::on_flow_end(Flow& f, const decode::Packet* last, StreamSink& sink) {
  auto* s = static_cast<Session*>(f.stream.get());
  if (s == nullptr) return;
  const decode::Packet pseudo = last != nullptr ? decode::Packet{} : flow_end_packet(f);
  const decode::Packet& p = last != nullptr ? *last : pseudo;
  for (int d = 0; d < 2; ++d) {
    Dir& dir = s->dirs[d];
    if (s->tracked) {
      drain(f, dir, d, p, sink, UINT64_MAX);
      while (!dir.q.empty() && !dir.depth_hit) {
        size_t before = dir.q.size();
        skip_gap(f, dir, d, p, sink, UINT64_MAX);
        if (dir.q.size() == before) break;
      }
    }
    free_queue(dir);
    if (s->tracked && dir.init && !dir.closed) {
      dir.closed = true;
      sink.on_close(f, static_cast<Direction>(d));
    }
  }
}

}  // namespace picket::stream
