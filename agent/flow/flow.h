#pragma once
// A flow: one bidirectional conversation (5-tuple + VLAN), as seen by one worker thread.
//
//   flow::FlowTable table(flow::FlowConfig::from(settings));   // agent/flow/flow_table.h
//   flow::Direction dir;
//   flow::Flow* f = table.lookup_or_create(packet, &dir);        // nullptr: not flow-tracked or no memory
//   f->pkts[dir_index(dir)]  ...
//
// The client is the side that sent the first packet (or the SYN, when the first packet seen is a
// SYN/ACK); `to_server` is the direction client -> server. A Flow belongs to exactly one worker (packets
// are spread by a symmetric flow hash), so nothing in it is locked: only that worker's thread touches it.
//
// Downstream modules keep their per-flow state in the typed-erased slots below (`stream`, `app`,
// `detect`): the flow module owns and destroys them without knowing their types. The rule engine puts
// its flowbits/flowints/thresholds-per-flow state in `detect`.
#include <cstdint>
#include <memory>

#include "agent/decode/packet.h"

namespace picket::flow {

enum class Direction : uint8_t { kToServer = 0, kToClient = 1 };
inline constexpr int dir_index(Direction d) { return static_cast<int>(d); }
inline constexpr Direction opposite(Direction d) {
  return d == Direction::kToServer ? Direction::kToClient : Direction::kToServer;
}
inline constexpr const char* direction_name(Direction d) {
  return d == Direction::kToServer ? "to_server" : "to_client";
}

enum class FlowState : uint8_t {
  kNew,          // packets seen, TCP handshake not complete (or UDP/ICMP with one direction only)
  kEstablished,  // TCP: three-way handshake seen (or midstream pickup); UDP/ICMP: both directions seen
  kClosed,       // TCP: FIN from both sides or RST
};
const char* flow_state_name(FlowState s);  // "new", "established", "closed"

// Application protocol detected on the flow (by content; agent/app). Same values as app::AppProto
// (agent/app/types.h), plus kFailed when detection gave up on a flow with data.
// Same values as app::AppProto (the pipeline converts with static_cast).
enum class AppProto : uint8_t {
  kUnknown = 0, kHttp, kTls, kDns, kSsh, kSmtp, kFtp, kHttp2, kPgsql, kLlmnr, kDhcp, kFailed = 255
};
// EVE app_proto: "", "http", "tls", "dns", "ssh", "smtp", "ftp", "http2", "pgsql", "llmnr", "dhcp", "failed".
const char* app_proto_name(AppProto p);

// What an exception policy does when its condition is met (Suricata's exception-policy values; Picket
// runs as an IDS, so no packet is ever dropped). Names: "ignore", "pass-flow", "bypass", "reject",
// "drop-flow", "drop-packet", "pass-packet".
enum class ExceptionPolicy : uint8_t { kIgnore, kPassFlow, kBypass, kReject, kDropFlow, kDropPacket, kPassPacket };
const char* exception_policy_name(ExceptionPolicy p);
// The exception condition a policy was applied for (bit values of Flow::exception_targets).
enum ExceptionTarget : uint8_t { kTargetMidstream = 1 };

// The flow's verdict (EVE flow.action): pass after a pass rule or a pass-flow/bypass policy.
enum class FlowAction : uint8_t { kNone, kPass, kDrop };
const char* flow_action_name(FlowAction a);  // "", "pass", "drop"

// Why a flow ended (EVE flow.reason).
enum class EndReason : uint8_t { kNone, kTimeout, kForced /* memcap eviction */, kShutdown /* end of input */ };
const char* end_reason_name(EndReason r);  // "", "timeout", "forced", "shutdown"

// Base class for per-flow state owned by a downstream module. Virtual destructor only.
struct FlowSlot {
  virtual ~FlowSlot() = default;
};

struct FlowKey {
  decode::IpAddr client, server;
  uint16_t client_port = 0, server_port = 0;
  uint16_t vlan[2] = {0, 0};
  uint8_t proto = 0;
  // Same key for both directions of one conversation.
  uint64_t hash() const;  // symmetric: also equal for the swapped tuple

  static FlowKey of_tuple(const decode::IpAddr& client, const decode::IpAddr& server, uint16_t client_port,
                          uint16_t server_port, uint8_t proto, uint16_t vlan0, uint16_t vlan1) {
    FlowKey k;
    k.client = client;
    k.server = server;
    k.client_port = client_port;
    k.server_port = server_port;
    k.vlan[0] = vlan0;
    k.vlan[1] = vlan1;
    k.proto = proto;
    return k;
  }
};

struct Flow {
  FlowKey key;
  uint64_t flow_id = 0;  // stable, non-zero, unique within this process run (EVE flow_id)
  FlowState state = FlowState::kNew;
  AppProto app_proto = AppProto::kUnknown;
  EndReason end_reason = EndReason::kNone;
  int64_t first_ts_us = 0, last_ts_us = 0;
  uint64_t pkts[2] = {0, 0};   // per Direction (dir_index)
  uint64_t bytes[2] = {0, 0};  // captured bytes (link header included) per Direction, as Suricata counts
  uint8_t tcp_flags_seen[2] = {0, 0};  // OR of TCP flags per direction
  bool midstream = false;      // TCP flow picked up without its handshake
  bool seen_syn = false, seen_synack = false;
  uint8_t fin_seen = 0;        // bit per direction
  bool rst_seen = false;
  // Set when the pipeline decides a flow is not interesting any more (e.g. app layer + detection done),
  // or by an exception policy that stops tracking the session: no reassembly, no app layer.
  bool no_inspection = false;
  // No rule inspection of this flow's packets, stream data or transactions any more (exception policy
  // pass-flow or bypass, or a pass rule). Inspectors honour it; the app layer still runs.
  bool no_detection = false;
  bool bypassed = false;       // exception policy bypass: EVE flow.state "bypassed"
  FlowAction action = FlowAction::kNone;  // EVE flow.action
  uint8_t exception_targets = 0;  // bits of ExceptionTarget an exception policy was applied for
  ExceptionPolicy midstream_policy_applied = ExceptionPolicy::kIgnore;
  bool alerted = false;        // an alert fired on this flow (EVE flow.alerted)

  std::unique_ptr<FlowSlot> stream;  // agent/stream TCP reassembly state
  std::unique_ptr<FlowSlot> app;     // agent/app parser state
  std::unique_ptr<FlowSlot> detect;  // agent/detect per-flow state (flowbits, ...)

  // Intrusive links for the flow table (hash chain and LRU list); owned by FlowTable.
  Flow* hnext = nullptr;
  Flow* lru_prev = nullptr;
  Flow* lru_next = nullptr;
  uint64_t hash = 0;
  uint32_t timeout_s = 0;

  bool established() const { return state == FlowState::kEstablished; }
  uint64_t total_pkts() const { return pkts[0] + pkts[1]; }
};

}  // namespace picket::flow
