#pragma once
// IPv4 and IPv6 fragment reassembly with memory, count and time limits. Internal to the Decoder.
//
// Overlap policy: FIRST WINS. Bytes already received for an offset are kept; a later fragment only fills
// the holes it covers. An overlap whose bytes differ from what is held is flagged (defrag.overlap), since
// that is how fragment-overlap evasion looks.
//
// One per Decoder; single-threaded.
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "agent/decode/packet.h"

namespace picket::decode {

struct DefragLimits {
  uint64_t memcap = 32ull << 20;
  unsigned max_frags = 64;
  unsigned max_trackers = 4096;
  int64_t timeout_us = 60'000'000;
};

class Defragmenter {
 public:
  explicit Defragmenter(const DefragLimits& limits) : limits_(limits) {}

  enum class Result { kHeld, kComplete, kDropped };

  // Adds one fragment. `unfrag_header` is the IP header to use for the rebuilt datagram (IPv4 header
  // with options, or the 40-byte IPv6 header); `next_proto` is the transport protocol; `offset` in bytes;
  // `data` the fragment payload. On kComplete, datagram() holds the rebuilt IP datagram. On kDropped,
  // *why is set.
  Result add(const IpAddr& src, const IpAddr& dst, uint32_t id, uint8_t next_proto, bool more, uint32_t offset,
             std::span<const uint8_t> unfrag_header, std::span<const uint8_t> data, int64_t ts_us, Anomaly* why,
             bool* overlap);

  std::span<const uint8_t> datagram() const { return out_; }
  // Drops trackers idle for longer than the timeout; returns how many were dropped.
  unsigned expire(int64_t now_us);
  uint64_t memory() const { return mem_; }

 private:
  struct Key {
    IpAddr src, dst;
    uint32_t id = 0;
    uint8_t proto = 0;
    bool operator==(const Key& o) const { return src == o.src && dst == o.dst && id == o.id && proto == o.proto; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  struct Tracker {
    std::vector<uint8_t> header;
    std::vector<uint8_t> data;
    std::vector<std::pair<uint32_t, uint32_t>> have;  // sorted [begin, end) ranges received
    uint32_t total = 0;                              // payload length once the last fragment is seen
    bool seen_last = false;
    unsigned frags = 0;
    int64_t last_us = 0;
    uint8_t family = 4;
  };

  void release(Tracker& t);
  bool build(const Tracker& t, uint8_t proto);

  DefragLimits limits_;
  std::unordered_map<Key, Tracker, KeyHash> trackers_;
  uint64_t mem_ = 0;
  std::vector<uint8_t> out_;
};

}  // namespace picket::decode
