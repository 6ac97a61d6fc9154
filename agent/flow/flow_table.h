#pragma once
// The flow table of one worker: finds or creates the Flow of a packet, keeps it up to date (counters,
// TCP state), expires idle flows and evicts the least recently used one when the memory cap is reached.
//
//   flow::FlowTable table(flow::FlowConfig::from(settings), [&](flow::Flow& f) { log_flow(f); });
//   flow::Direction dir;
//   if (flow::Flow* f = table.get(packet, &dir)) { ... }   // counters/state already updated
//   table.expire(packet.ts_us);                             // now and then (cheap when nothing is due)
//   table.flush();                                          // end of input: ends every flow
//
// The end callback runs once per flow (timeout, eviction or flush) just before the flow is recycled; it
// may read the flow and its slots. Lookups are O(1) on a flat power-of-two bucket array with intrusive
// chains; flows come from a free list, so steady state allocates nothing.
//
// Not thread-safe: one table per worker thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "agent/decode/packet.h"
#include "agent/flow/flow.h"
#include "common/result.h"

namespace picket::config {
class Schema;
class Settings;
}  // namespace picket::config

namespace picket::flow {

struct FlowConfig {
  uint64_t memcap = 64ull << 20;  // bytes of Flow objects (per worker share)
  uint32_t hash_size = 65536;     // buckets (rounded up to a power of two)
  bool midstream = false;         // TCP: a flow first seen without its SYN is tracked as established
  // What to do with a TCP flow first seen without its SYN (stream.midstream-policy, or the exception-policy
  // master switch), as Suricata's IDS mode does: ignore (track it when `midstream`, else only inspect its
  // packets), pass-flow (no rule inspection; with `midstream` the session and app layer still run),
  // bypass (nothing more: no session, no app layer, no rules), reject (no session; Picket only watches,
  // so nothing is sent).
  ExceptionPolicy midstream_policy = ExceptionPolicy::kIgnore;
  bool vlan_tracking = true;      // VLAN ids are part of the flow key (vlan.use-for-tracking)
  // Timeouts in seconds per state and protocol family.
  uint32_t tcp_new = 60, tcp_established = 600, tcp_closed = 60;
  uint32_t udp_new = 30, udp_established = 300;
  uint32_t other_new = 30, other_established = 300;

  static FlowConfig from(const config::Settings& s, unsigned workers = 1);
};

// flow.* keys, stream.midstream-policy and the exception-policy master switch (stream.midstream is
// registered by agent/stream).
void add_flow_keys(config::Schema& schema);

// The midstream exception policy in effect (IDS mode, as Suricata resolves it): stream.midstream-policy
// when set ("auto" is ignore), else the exception-policy master switch (drop-flow/drop-packet/auto are
// ignore in IDS mode), else ignore. An error (with the key's place) for the combinations Suricata refuses
// to start with: anything but ignore/pass-flow set for stream.midstream-policy while stream.midstream is
// true, drop-flow (an IPS action), drop-packet and pass-packet (a midstream policy acts on the flow).
Result<ExceptionPolicy> midstream_policy_from(const config::Settings& s);
// The flow settings the schema cannot check alone (the midstream policy above). Call before running.
Status check_flow_settings(const config::Settings& s);

struct FlowStats {
  uint64_t created = 0, tcp = 0, udp = 0, icmp = 0, other = 0;
  uint64_t timed_out = 0, evicted = 0, flushed = 0;
  uint64_t midstream_policy = 0;  // TCP flows the midstream exception policy (not ignore) was applied to
  uint64_t icmp_errors_joined = 0;  // ICMP errors counted in the TCP/UDP/SCTP flow they quote
  uint64_t active = 0, max_active = 0;
  void add(const FlowStats& o);
};

class FlowTable {
 public:
  using EndFn = std::function<void(Flow&)>;
  FlowTable(const FlowConfig& cfg, EndFn on_end);
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // The packet's flow (created when new), with its counters and state updated for this packet. nullptr
  // for packets without an IP 5-tuple worth tracking (no IP, or IP fragments not yet reassembled).
  Flow* get(const decode::Packet& p, Direction* dir);

  // Ends flows idle past their timeout (capture clock). Runs a scan at most once per capture second.
  void expire(int64_t now_us);
  // Ends every flow (end of input), oldest first.
  void flush();

  const FlowStats& stats() const { return stats_; }
  const FlowConfig& config() const { return cfg_; }
  size_t max_flows() const { return max_flows_; }

 private:
  Flow* alloc();
  // The tracked flow an ICMP error's quoted tuple (Packet::icmp_quoted) names, and the error's direction in it.
  Flow* quoted_flow(const decode::Packet& p, uint16_t v0, uint16_t v1, Direction* dir);
  void release(Flow* f, EndReason why);
  void lru_unlink(Flow* f);
  void lru_push_back(Flow* f);
  void hash_unlink(Flow* f);
  uint32_t timeout_for(const Flow& f) const;
  void update(Flow& f, const decode::Packet& p, Direction dir);
  // A TCP flow whose first packet is not a SYN: applies cfg_.midstream_policy; true when the session may
  // be picked up midstream (policy ignore or pass-flow).
  bool apply_midstream_policy(Flow& f);

  FlowConfig cfg_;
  EndFn on_end_;
  std::vector<Flow*> buckets_;
  uint64_t mask_ = 0;
  std::vector<std::unique_ptr<Flow[]>> chunks_;
  Flow* free_ = nullptr;
  Flow* lru_head_ = nullptr;  // least recently used
  Flow* lru_tail_ = nullptr;
  size_t max_flows_ = 0;
  size_t allocated_ = 0;
  int64_t next_expire_us_ = 0;
  FlowStats stats_;
};

}  // namespace picket::flow
