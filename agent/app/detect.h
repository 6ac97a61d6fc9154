#pragma once
// Application protocol detection by content (ports only break ties and pick a protocol for server
// banners that say nothing, e.g. a bare "220 ready").
//
//   using picket::app::Probe;
//   Probe p = picket::app::probe_tcp(Direction::kToServer, first_bytes, /*server_port=*/8080);
//   if (p.need_more) { wait for more bytes (up to AppLimits::detect_max_bytes) }
//   else if (p.proto != AppProto::kUnknown) { create the parser }
//
// AppState (app_state.h) calls these itself; they are public for the pipeline's UDP path and for tests.
// Pure functions, any thread.
#include <cstdint>
#include <span>

#include "agent/app/types.h"

namespace picket::app {

struct Probe {
  AppProto proto = AppProto::kUnknown;
  bool need_more = false;  // the bytes so far are a prefix of something we recognise: call again
};

// First bytes of one direction of a TCP stream (from the stream's start). Recognises:
//   to_server: HTTP request line (known method + ' '), the HTTP/2 client preface ("PRI * HTTP/2.0..."),
//              a PostgreSQL SSLRequest/GSSENCRequest/CancelRequest/StartupMessage (pgsql.h),
//              TLS ClientHello record (16 03 0x .. .. 01),
//              SSH "SSH-", SMTP "EHLO "/"HELO ", FTP "USER "/"AUTH TLS", DNS over TCP (2-byte length +
//              message: on port 53 a plausible header; on any other port the whole first message must
//              pass dns_message_shape)
//   to_client: "HTTP/1.", TLS ServerHello/alert record, "SSH-", "220" banners (SMTP/FTP by banner text,
//              else by port 25/465/587 -> smtp, 21 -> ftp), DNS over TCP as to_server
// server_port is the flow's server-side port (0 if unknown). `dns_ports` are the DNS detection ports
// (AppLimits::dns_detection_ports; "port 53" above means these).
inline constexpr PortRange kDefaultDnsPorts[] = {PortRange{53, 53}};
Probe probe_tcp(Direction dir, std::span<const uint8_t> data, uint16_t server_port,
                std::span<const PortRange> dns_ports = kDefaultDnsPorts);

// One UDP payload. LLMNR when one port is 5355 and the payload has a plausible DNS header; DHCP when both
// ports are 67/68 and the payload has the BOOTP shape with DHCP's magic cookie (dhcp.h); DNS when one
// port is a DNS detection port (`dns_ports`, 53 by default) or 5353 (mDNS) and the payload has a plausible
// DNS header, or, on any port, when the payload passes dns_message_shape.
Probe probe_udp(std::span<const uint8_t> payload, uint16_t src_port, uint16_t dst_port,
                std::span<const PortRange> dns_ports = kDefaultDnsPorts);

// Is `port` in one of `ranges`?
bool port_in(std::span<const PortRange> ranges, uint16_t port);

// Is `msg` exactly one well-formed DNS message? Header sane (opcode <= 6, 1..16 questions), every
// question and record parses (names: labels <= 63 bytes, <= 255 in all, compression pointers strictly
// backwards; known classes IN/CH/HS/NONE/ANY, mDNS top bit allowed; rdata inside the message) and the
// records end exactly at the end of `msg`. A first question that is a NetBIOS-encoded name (NBNS) is
// refused. No allocation; used to detect DNS by content on any port.
bool dns_message_shape(std::span<const uint8_t> msg);

}  // namespace picket::app
