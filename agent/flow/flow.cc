#include "agent/flow/flow.h"

#include <algorithm>
#include <cstring>

namespace picket::flow {

const char* flow_state_name(FlowState s) {
  switch (s) {
    case FlowState::kNew: return "new";
    case FlowState::kEstablished: return "established";
    case FlowState::kClosed: return "closed";
  }
  return "new";
}

const char* app_proto_name(AppProto p) {
  switch (p) {
    case AppProto::kUnknown: return "";
    case AppProto::kHttp: return "http";
    case AppProto::kTls: return "tls";
    case AppProto::kDns: return "dns";
    case AppProto::kSsh: return "ssh";
    case AppProto::kSmtp: return "smtp";
    case AppProto::kFtp: return "ftp";
    case AppProto::kHttp2: return "http2";
    case AppProto::kPgsql: return "pgsql";
    case AppProto::kLlmnr: return "llmnr";
    case AppProto::kDhcp: return "dhcp";
    case AppProto::kFailed: return "failed";
  }
  return "";
}

const char* end_reason_name(EndReason r) {
  switch (r) {
    case EndReason::kNone: return "";
    case EndReason::kTimeout: return "timeout";
    case EndReason::kForced: return "forced";
    case EndReason::kShutdown: return "shutdown";
  }
  return "";
}

const char* exception_policy_name(ExceptionPolicy p) {
  switch (p) {
    case ExceptionPolicy::kIgnore: return "ignore";
    case ExceptionPolicy::kPassFlow: return "pass-flow";
    case ExceptionPolicy::kBypass: return "bypass";
    case ExceptionPolicy::kReject: return "reject";
    case ExceptionPolicy::kDropFlow: return "drop-flow";
    case ExceptionPolicy::kDropPacket: return "drop-packet";
    case ExceptionPolicy::kPassPacket: return "pass-packet";
  }
  return "ignore";
}

const char* flow_action_name(FlowAction a) {
  switch (a) {
    case FlowAction::kNone: return "";
    case FlowAction::kPass: return "pass";
    case FlowAction::kDrop: return "drop";
  }
  return "";
}

namespace {
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}
inline uint64_t addr_hash(const decode::IpAddr& a) {
  uint64_t w0, w1;
  std::memcpy(&w0, a.bytes, 8);
  std::memcpy(&w1, a.bytes + 8, 8);
  return mix64(w0 ^ mix64(w1 + a.family));
}
}  // namespace

uint64_t FlowKey::hash() const {
  // Symmetric: each endpoint hashed alone, then combined with a commutative operation.
  uint64_t a = addr_hash(client) + client_port * 0x9e3779b97f4a7c15ull;
  uint64_t b = addr_hash(server) + server_port * 0x9e3779b97f4a7c15ull;
  uint64_t h = (a + b) ^ mix64(a ^ b);
  h ^= (uint64_t{proto} << 48) ^ (uint64_t{vlan[0]} << 16) ^ vlan[1];
  return mix64(h);
}

}  // namespace picket::flow
