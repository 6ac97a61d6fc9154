#pragma once
// What the engine inspects: one packet, one reassembled stream chunk or one application-layer
// transaction, as plain fields and buffer views. The pipeline adapter (inspector.cc) fills it from the
// decoded packet, flow and app-layer transaction; tests build it directly.
//
//   detect::Input in;
//   in.src = detect::IpAddr::v4(0x0a000001); in.dst = ...; in.sp = 1234; in.dp = 80; in.ip_proto = 6;
//   in.set(detect::Buf::kPayload, payload_bytes);
//   engine.match(in, &state, &alerts);
//
// Views must stay valid for the duration of the match() call. One Input per call; not shared.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "agent/detect/address.h"
#include "agent/detect/types.h"

namespace picket::detect {

// Per-flow detection state kept by the caller between calls for one flow: flowbits and which
// (rule, transaction) pairs have alerted already.
struct FlowState {
  std::vector<uint8_t> flowbits;  // indexed by flowbit id
  std::unordered_set<uint64_t> tx_alerted;  // (rule index << 32) ^ tx_id ^ (to_client << 63)
  bool iponly_done[2] = {false, false};     // IP-only rules checked for this direction
  uint64_t generation = 0;                  // engine generation the flowbit ids belong to
  bool passed = false;                      // a pass rule matched: no more inspection of this flow
};

struct Input {
  enum Kind : uint8_t { kPacket, kStream, kTransaction } kind = kPacket;
  // Header.
  IpAddr src, dst;
  uint16_t sp = 0, dp = 0;
  uint8_t ip_proto = 0;  // 6 tcp, 17 udp, 1 icmp, 58 icmpv6
  uint8_t ttl = 0;
  uint16_t ip_id = 0;
  uint8_t frag_bits = 0;  // M=1 D=2 R=4
  uint8_t tcp_flags = 0;
  uint16_t tcp_window = 0;
  uint32_t tcp_seq = 0, tcp_ack = 0;
  uint8_t icmp_type = 0, icmp_code = 0;
  uint16_t icmp_id = 0, icmp_seq = 0;
  uint32_t payload_len = 0;  // dsize: the packet's payload length (kPacket only)

  // Flow.
  bool has_flow = false;
  bool established = false;
  bool to_server = true;   // direction of this packet / side of this transaction data
  Proto app_proto = Proto::kIp;  // detected app protocol (kIp: none yet)
  uint64_t stream_bytes[2] = {0, 0};  // client, server bytes seen so far (stream_size)
  uint64_t flow_id = 0;
  uint64_t tx_id = 0;      // kTransaction
  bool first_in_direction = true;  // first packet of this direction of the flow (IP-only rules)
  // kPacket only: TCP payload of this flow reaches the engine as stream data (kStream) too, so payload
  // rules wait for it unless they are packet-only (dsize, flow:no_stream).
  bool tcp_stream_payload = false;
  // Re-inspection once the flow's app protocol became known (the packet or stream chunk that led to its
  // detection was first inspected without it): only rules that depend on the app protocol are checked.
  bool app_rules_only = false;
  // The opposite: rules that depend on the app protocol are left out. A datagram of an LLMNR or DHCP flow
  // meets them when its message is parsed (so their alerts carry it), the other rules at the packet.
  bool no_app_rules = false;
  // kStream: a window over the boundary of two stream chunks (the end of the previous one and the start of
  // this one); rules anchored to the start of the buffer (offset, depth, startswith) are not checked on it.
  bool boundary = false;

  // Where and when.
  uint64_t pcap_cnt = 0;
  int64_t ts_us = 0;

  // Buffers: kPayload is the packet payload (kPacket) or stream data (kStream).
  std::array<std::span<const uint8_t>, kBufCount> bufs{};
  uint64_t present = 0;  // bit per Buf

  void set(Buf b, std::span<const uint8_t> data) {
    bufs[static_cast<size_t>(b)] = data;
    present |= uint64_t{1} << static_cast<int>(b);
  }
  void set(Buf b, std::string_view s) {
    set(b, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  }
  bool has(Buf b) const { return (present >> static_cast<int>(b)) & 1; }
  std::span<const uint8_t> get(Buf b) const { return bufs[static_cast<size_t>(b)]; }
};
static_assert(kBufCount <= 64, "Input::present is a 64-bit mask");

}  // namespace picket::detect
