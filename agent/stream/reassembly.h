#pragma once
// TCP stream reassembly, one Reassembler per worker, state per flow in Flow::stream.
//
//   stream::Reassembler r(stream::StreamConfig::from(settings));
//   struct Sink : stream::StreamSink { ... on_data / on_gap / on_close ... } sink;
//   r.on_packet(*flow, packet, dir, sink);   // TCP packets of tracked flows, in capture order
//   r.on_flow_end(*flow, sink);               // before the flow goes: flushes what is queued
//
// Each direction is an ordered byte stream from offset 0 (the byte after the SYN, or the first byte seen
// when a flow is picked up midstream). on_data receives every byte at most once, in order.
//
// WHEN data is released (stream.inline): in IDS mode (the default, as Suricata's stream.inline: false)
// in-order bytes are held until the receiver acknowledges them, and the peer's ACK packet releases them;
// what was never acknowledged is released at flow end (flow timeout, end of input), also after a RST.
// A one-sided flow picked up with stream.async-oneside (nobody will ACK) releases data as it comes. In
// inline mode (stream.inline: true) in-order bytes are released by the packet that completed them.
//
// OVERLAP POLICY: bytes already delivered are final. A segment overlapping bytes still queued (out of
// order, or in IDS mode not acknowledged yet) fills holes, and replaces the queued bytes only where the
// receiver's stack would (host-os-policy, agent/stream/os_policy.h: by the receiving host's address,
// default bsd, as Suricata; inline mode keeps the first bytes). Overlaps whose bytes differ are counted
// (stream.overlap_diff), since that is how overlap evasion looks. Out-of-order segments up to `window` bytes ahead of the next expected byte are queued (within the
// worker's memcap) and delivered when the hole fills. A hole is given up (on_gap, then delivery resumes
// after it) when the receiver ACKs past it (the capture missed it), when the queue of that direction
// exceeds the window, or at flow end. Data past `depth` bytes of a direction is not delivered.
//
// Which flows are reassembled: a full handshake (SYN and SYN/ACK seen), or a SYN from each side (split
// four-way handshake, simultaneous open); a flow picked up midstream (first seen without its SYN, or at
// its SYN/ACK) when stream.midstream is true; with stream.async-oneside, a flow where only one side's SYN or SYN/ACK was
// seen (asymmetric routing). Other flows get packet inspection only.
//
// Not thread-safe: one per worker thread; a flow's state is only touched by its worker.
#include <cstdint>
#include <memory>
#include <span>

#include "agent/decode/packet.h"
#include "agent/flow/flow.h"
#include "agent/stream/os_policy.h"
#include "common/result.h"

namespace picket::config {
class Schema;
class Settings;
}  // namespace picket::config

namespace picket::stream {

struct StreamConfig {
  bool inline_mode = false;  // stream.inline: release in-order data at once, not when acknowledged
  bool midstream = false;
  bool async_oneside = false;
  uint64_t memcap = 64ull << 20;  // bytes queued out of order, per worker
  uint64_t depth = 1ull << 20;    // bytes delivered per direction (0: unlimited)
  uint32_t window = 1u << 20;     // how far ahead of the next expected byte a segment may be queued
  std::shared_ptr<const OsPolicyTable> os_policies;  // host-os-policy; null: bsd for every host

  static StreamConfig from(const config::Settings& s, unsigned workers = 1);
};

// stream.inline, stream.midstream, stream.async-oneside, stream.memcap, stream.reassembly.{memcap,depth,window}.
// Also host-os-policy.* (os_policy.h).
void add_stream_keys(config::Schema& schema);
// Reports an invalid host-os-policy address (StreamConfig::from then ignores the table).
Status check_stream_settings(const config::Settings& s);

class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // New in-order bytes of `dir`; `offset` is the stream offset of data[0]. `packet` released them.
  virtual void on_data(flow::Flow& f, flow::Direction dir, std::span<const uint8_t> data, uint64_t offset,
                       const decode::Packet& packet) = 0;
  // `bytes` bytes were lost before the next on_data of `dir`.
  virtual void on_gap(flow::Flow& f, flow::Direction dir, uint64_t bytes) = 0;
  // `dir` ended (FIN or RST), after its last on_data.
  virtual void on_close(flow::Flow& f, flow::Direction dir) = 0;
};

// A pseudo packet standing for the end of a TCP flow (timeout, shutdown, memcap eviction) when no real
// packet releases the data: the flow's addresses, ports, VLANs and protocol (client -> server), its last
// timestamp, no payload and pcap_cnt 0, as Suricata's flow-end pseudo packets (alerts from them carry no
// pcap_cnt). Any thread.
decode::Packet flow_end_packet(const flow::Flow& f);

struct StreamStats {
  uint64_t segments = 0;          // TCP segments with payload on reassembled flows
  uint64_t bytes = 0;             // bytes delivered
  uint64_t retransmissions = 0;   // segments entirely already delivered/queued
  uint64_t overlaps = 0;          // segments partly covering held bytes
  uint64_t overlap_diff = 0;      // ... with different bytes (first wins)
  uint64_t out_of_order = 0;      // segments queued ahead of a hole
  uint64_t gaps = 0;              // holes given up
  uint64_t beyond_window = 0;     // segments too far ahead: dropped
  uint64_t memcap_drops = 0;      // segments dropped because the worker's memcap was reached
  uint64_t depth_reached = 0;     // directions that hit the depth limit
  uint64_t untracked = 0;         // TCP packets with payload on flows not reassembled (no handshake)
  uint64_t invalid_seq = 0;       // data for a direction not initialised (no SYN seen) on a tracked flow
  void add(const StreamStats& o);
};

class Reassembler {
 public:
  explicit Reassembler(const StreamConfig& cfg) : cfg_(cfg) {}

  void on_packet(flow::Flow& f, const decode::Packet& p, flow::Direction dir, StreamSink& sink);
  // Gives up every hole and delivers what is queued, then closes both directions (if not closed yet).
  void on_flow_end(flow::Flow& f, const decode::Packet* last, StreamSink& sink);
  // Whether the flow's TCP data is (or, from its state after the flow table's update, will be at its
  // next on_packet) reassembled, i.e. its payload is inspected as stream data.
  bool tracks(const flow::Flow& f) const;

  const StreamStats& stats() const { return stats_; }
  uint64_t memory() const { return mem_; }
  const StreamConfig& config() const { return cfg_; }

 private:
  struct Session;
  struct Dir;
  void add_data(flow::Flow& f, Session& s, int d, uint32_t seq, std::span<const uint8_t> data,
                const decode::Packet& p, StreamSink& sink);
  void deliver(flow::Flow& f, Dir& dir, int d, std::span<const uint8_t> data, const decode::Packet& p,
               StreamSink& sink);
  // Delivers queued bytes that are contiguous with the stream, up to `limit` (exclusive stream offset).
  void drain(flow::Flow& f, Dir& dir, int d, const decode::Packet& p, StreamSink& sink, uint64_t limit);
  void skip_gap(flow::Flow& f, Dir& dir, int d, const decode::Packet& p, StreamSink& sink, uint64_t limit);
  // How far `dir` may be delivered now: everything (inline, one-sided async) or what the peer ACKed.
  uint64_t release_limit(const Session& s, const Dir& dir) const;
  static bool handshake(const flow::Flow& f);
  bool track_condition(const flow::Flow& f) const;
  void free_queue(Dir& dir);

  StreamConfig cfg_;
  StreamStats stats_;
  uint64_t mem_ = 0;
};

}  // namespace picket::stream
