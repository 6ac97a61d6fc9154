#pragma once
// Packet sources: a pcap/pcapng file (pcap_file.cc) and a live interface (live.cc), two implementations
// of one interface, both through libpcap (a classic pcap file is then read from a memory mapping).
//
//   auto src = capture::open_file("traffic.pcapng");             // Result<std::unique_ptr<PacketSource>>
//   if (!src) { std::cerr << src.error().format() << '\n'; return 1; }
//   capture::Frame f;
//   while ((*src)->next(&f) == capture::NextResult::kPacket) { decode(f.data, f.wire_len, f.ts_us, ...); }
//
//   capture::LiveOptions o{.interface = "eth0", .bpf = "not port 22", .immediate = true};
//   auto live = capture::open_live(o);
//   (*live)->next(&f);   // kTimeout when nothing arrived within o.timeout_ms; break_loop() from another thread
//   (*live)->stats();    // received / dropped (pcap_stats): drops are reported in heartbeats
//
// A source is used by one thread (the reader); break_loop() and stats() may be called from another.
// Frame bytes are valid until the next call to next().
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "common/result.h"

namespace picket::config {
class Schema;
class Settings;
}  // namespace picket::config

namespace picket::capture {

struct Frame {
  std::span<const uint8_t> data;  // captured bytes (caplen)
  uint32_t wire_len = 0;          // length on the wire
  int64_t ts_us = 0;              // microseconds since the epoch (nanosecond files are rounded down)
};

enum class NextResult { kPacket, kTimeout, kEnd, kError };

struct CaptureStats {
  uint64_t packets = 0;      // frames returned by next()
  uint64_t bytes = 0;        // captured bytes returned
  uint64_t received = 0;     // pcap_stats ps_recv (live only)
  uint64_t dropped = 0;      // pcap_stats ps_drop: the kernel buffer was full (live only)
  uint64_t if_dropped = 0;   // pcap_stats ps_ifdrop (live only)
};

class PacketSource {
 public:
  virtual ~PacketSource() = default;
  virtual NextResult next(Frame* out) = 0;
  virtual int linktype() const = 0;          // DLT_* of the frames
  virtual CaptureStats stats() = 0;          // cumulative
  virtual void break_loop() = 0;             // makes a blocked next() return kEnd soon; any thread
  virtual std::string last_error() const = 0;  // after kError
  virtual std::string name() const = 0;      // file path or interface name
};

Result<std::unique_ptr<PacketSource>> open_file(const std::string& path);

struct LiveOptions {
  std::string interface;        // "eth0"; "any" for all interfaces (Linux cooked SLL)
  std::string bpf;              // BPF filter expression; empty: everything
  int snaplen = 65535;
  bool promisc = true;
  int buffer_size = 32 << 20;   // kernel ring/buffer bytes
  bool immediate = false;       // deliver each packet at once instead of batching
  int timeout_ms = 100;         // next() returns kTimeout after this long without packets

  static LiveOptions from(const config::Settings& s);
};

Result<std::unique_ptr<PacketSource>> open_live(const LiveOptions& options);

// capture.interface, capture.bpf, capture.snaplen, capture.promisc, capture.buffer-size, capture.immediate.
void add_capture_keys(config::Schema& schema);

}  // namespace picket::capture
