#pragma once
// DHCP (RFC 2131, BOOTP layout of RFC 951) messages carried in one UDP datagram (ports 67/68).
//
//   picket::app::DhcpMessage m;
//   if (picket::app::parse_dhcp(udp_payload, counters, m)) {
//     m.is_request();          // op 1 (BOOTREQUEST), as EVE dhcp.type "request"; op 2 is "reply"
//     m.message_type;          // option 53: 1 discover, 3 request, 5 ack, ... (0 when absent)
//   }
//
// Pure parsing, no I/O and no allocation beyond the message's strings; reentrant.
#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "agent/app/types.h"

namespace picket::app {

struct DhcpMessage {
  uint8_t op = 0;        // 1 BOOTREQUEST, 2 BOOTREPLY
  uint32_t xid = 0;      // transaction id, host order
  std::array<uint8_t, 6> client_mac{};  // chaddr when htype is Ethernet (1) and hlen 6, else zeros
  uint32_t ciaddr = 0, yiaddr = 0;      // client / assigned ("your") address, host order
  uint8_t message_type = 0;             // option 53, 0 when absent
  std::string hostname;                 // option 12
  bool is_request() const { return op == 1; }
  void clear();
};

// Whether `payload` looks like a BOOTP/DHCP message: op 1 or 2, hlen <= 16, and the DHCP magic cookie
// 99.130.83.99 at offset 236. Used for detection (with ports 67/68).
bool dhcp_shape(std::span<const uint8_t> payload);

// Parses the fixed header and the options (pad, end, and TLVs that must stay inside the datagram).
// False (app.dhcp.bad_message) when the shape is wrong; options cut short keep what came before.
bool parse_dhcp(std::span<const uint8_t> payload, AppCounters& counters, DhcpMessage& out);

// Option 53's name as EVE dhcp.dhcp_type writes it ("discover", "offer", "request", "decline", "ack",
// "nak", "release", "inform"); "unknown" otherwise.
const char* dhcp_message_type_name(uint8_t t);

}  // namespace picket::app
