#pragma once
// Shared vocabulary of the application layer: protocols, directions, limits and anomaly counters.
//
//   picket::app::AppLimits limits;            // defaults are safe; override from config (app_config.h)
//   picket::app::AppCounters counters;        // one per worker thread, never shared between threads
//   counters.for_each([](std::string_view name, uint64_t v) { print(name, v); });
//
// Plain data; a worker thread owns its AppCounters and reads/writes it without locks. Merge workers'
// counters with `operator+=` on the reporting thread after a worker hands over a snapshot.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace picket::app {

// Application protocol of a flow, decided by content (ports only break ties, see detect.h).
// kLlmnr (RFC 4795: DNS messages on port 5355) and kDhcp are UDP only.
enum class AppProto : uint8_t { kUnknown = 0, kHttp, kTls, kDns, kSsh, kSmtp, kFtp, kHttp2, kPgsql, kLlmnr, kDhcp };

// Suricata's spelling of the protocol as EVE `app_proto` and rules' `alert http ...` use it:
// "http", "tls", "dns", "ssh", "smtp", "ftp", "http2", "pgsql", "llmnr", "dhcp"; "failed" is never returned,
// unknown is "".
std::string_view app_proto_name(AppProto p);

// Direction of stream data relative to the flow: the client (initiator) sends to_server.
enum class Direction : uint8_t { kToServer = 0, kToClient = 1 };
inline constexpr int dir_index(Direction d) { return static_cast<int>(d); }

// An inclusive port range of a detection-ports list.
struct PortRange {
  uint16_t lo = 0, hi = 0;
  bool contains(uint16_t p) const { return p >= lo && p <= hi; }
};

// app.tls.encryption-handling: what happens once both sides of a TLS flow send encrypted records.
// kBypass: nothing more for the flow (no reassembly, app layer or rules; EVE flow.state "bypassed").
// kDefault / kFull: inspection goes on (Picket does not yet skip plain content rules on encrypted data
// as Suricata's "default" does).
enum class TlsEncryption : uint8_t { kDefault, kFull, kBypass };

// Bounded memory: every buffer the parsers keep is capped by one of these. Defaults follow Suricata's
// defaults where it has one (request/response body 100 KiB inspected).
struct AppLimits {
  size_t detect_max_bytes = 512;              // bytes per direction looked at before giving up detection
  // HTTP
  size_t http_max_header_bytes = 64 * 1024;   // request/status line + headers of one message
  size_t http_max_headers = 256;              // header lines per message
  size_t http_request_body_limit = 100 * 1024;   // request body bytes kept (more is counted, not kept)
  size_t http_response_body_limit = 100 * 1024;  // decoded response body bytes kept
  size_t http_max_pending_tx = 64;            // pipelined requests waiting for their response
  size_t http_max_chunk_line = 1024;          // chunk-size line incl. extensions
  size_t http_decompress_max_ratio = 2000;    // stop inflating beyond ratio*compressed (bomb guard)
  // false: bodies are still framed, dechunked, decompressed and counted (body_bytes) but not kept in
  // HttpMessage::body. Not a config key: the pipeline sets it when no inspector (rule engine) is loaded,
  // since only rules read bodies.
  bool http_keep_bodies = true;
  // DNS
  // app.dns.detection-ports (Suricata's app-layer.protocols.dns.detection-ports.dp): server ports where a
  // plausible DNS header is enough to pick DNS; elsewhere the whole message must parse (detect.h).
  std::vector<PortRange> dns_detection_ports{PortRange{53, 53}};
  size_t dns_max_records = 256;               // questions + answers + authorities + additionals kept
  size_t dns_max_name_length = 255;           // dotted name length (RFC 1035)
  size_t dns_max_pointer_hops = 32;           // compression pointers followed per name
  size_t dns_tcp_max_message = 65535 + 2;     // one framed message buffered over TCP
  // TLS
  size_t tls_max_record = 16384 + 2048;       // ciphertext record cap (RFC 8446: 2^14 + 256 for TLS 1.3)
  size_t tls_max_handshake_message = 256 * 1024;  // one handshake message reassembled across records
  size_t tls_max_extensions = 128;
  size_t tls_max_ciphers = 512;
  TlsEncryption tls_encryption = TlsEncryption::kDefault;
  // Protocols that may be detected (app.<proto>.enabled); a disabled one is never picked.
  bool http2_enabled = true;
  bool pgsql_enabled = true;
  // HTTP/2 (http2.h). Transactions use the HTTP limits above for bodies.
  size_t http2_max_frame = 1 << 20;            // non-DATA frame payload buffered (larger ones skipped)
  size_t http2_max_header_block = 64 * 1024;   // HEADERS + CONTINUATION fragments of one block
  size_t http2_max_header_list = 64 * 1024;    // decoded names + values of one block (RFC 7541 sizes)
  size_t http2_max_table_size = 64 * 1024;     // HPACK dynamic table cap, whatever SETTINGS say
  size_t http2_max_streams = 512;              // streams (transactions) tracked at once per connection
  // PostgreSQL (pgsql.h).
  size_t pgsql_max_message = 1 << 20;          // one protocol message buffered (larger ones skipped)
  size_t pgsql_max_pending_tx = 64;            // requests waiting for their response
};

// Named anomaly and activity counters. The name of each counter is "app.<proto>.<field>", e.g.
// "app.http.header_too_long". Incremented only by the owning worker thread.
#define PICKET_APP_COUNTERS(X)          \
  X(detect, http)                       \
  X(detect, tls)                        \
  X(detect, dns)                        \
  X(detect, ssh)                        \
  X(detect, smtp)                       \
  X(detect, ftp)                        \
  X(detect, http2)                      \
  X(detect, pgsql)                      \
  X(detect, llmnr)                      \
  X(detect, dhcp)                       \
  X(detect, unknown)                    \
  X(detect, reversed)                   \
  X(http, requests)                     \
  X(http, responses)                    \
  X(http, bad_request_line)             \
  X(http, bad_status_line)              \
  X(http, header_too_long)              \
  X(http, too_many_headers)             \
  X(http, bad_header_line)              \
  X(http, folded_header)                \
  X(http, bad_content_length)           \
  X(http, duplicate_content_length)     \
  X(http, bad_chunk)                    \
  X(http, request_body_truncated)       \
  X(http, response_body_truncated)      \
  X(http, response_without_request)     \
  X(http, too_many_pending)             \
  X(http, decompress_error)             \
  X(http, decompress_ratio_exceeded)    \
  X(http, bad_percent_encoding)         \
  X(http, bare_lf)                      \
  X(http, data_after_error)             \
  X(http, gap)                          \
  X(http, head_cut_by_close)            \
  X(dns, messages)                      \
  X(dns, truncated)                     \
  X(dns, bad_header)                    \
  X(dns, bad_name)                      \
  X(dns, name_too_long)                 \
  X(dns, pointer_loop)                  \
  X(dns, bad_label)                     \
  X(dns, bad_rdata)                     \
  X(dns, too_many_records)              \
  X(dns, tcp_bad_length)                \
  X(tls, records)                       \
  X(tls, bad_record)                    \
  X(tls, record_too_long)               \
  X(tls, bad_handshake)                 \
  X(tls, handshake_too_long)            \
  X(tls, bad_client_hello)              \
  X(tls, bad_server_hello)              \
  X(tls, bad_certificate)               \
  X(tls, too_many_extensions)           \
  X(tls, sslv2)                         \
  X(tls, data_after_error)              \
  X(http2, frames)                      \
  X(http2, streams)                     \
  X(http2, bad_preface)                 \
  X(http2, long_frame_data)             \
  X(http2, frame_too_long)              \
  X(http2, bad_frame)                   \
  X(http2, invalid_stream_id)           \
  X(http2, header_block_too_long)       \
  X(http2, hpack_error)                 \
  X(http2, hpack_table_size_update)     \
  X(http2, header_list_too_long)        \
  X(http2, missing_pseudo_header)       \
  X(http2, too_many_streams)            \
  X(http2, continuation_expected)       \
  X(http2, bad_settings)                \
  X(http2, rst_stream)                  \
  X(http2, goaway)                      \
  X(http2, gap)                         \
  X(pgsql, messages)                    \
  X(pgsql, transactions)                \
  X(pgsql, bad_message)                 \
  X(pgsql, message_too_long)            \
  X(pgsql, too_many_pending)            \
  X(pgsql, response_without_request)    \
  X(pgsql, tls_accepted)                \
  X(pgsql, gap)                         \
  X(dhcp, messages)                     \
  X(dhcp, bad_message)

struct AppCounters {
#define PICKET_APP_COUNTER_FIELD(proto, name) uint64_t proto##_##name = 0;
  PICKET_APP_COUNTERS(PICKET_APP_COUNTER_FIELD)
#undef PICKET_APP_COUNTER_FIELD

  // Calls fn(std::string_view name, uint64_t value) for every counter, names as "app.http.bad_chunk".
  template <typename Fn>
  void for_each(Fn&& fn) const {
#define PICKET_APP_COUNTER_VISIT(proto, name) fn(std::string_view("app." #proto "." #name), proto##_##name);
    PICKET_APP_COUNTERS(PICKET_APP_COUNTER_VISIT)
#undef PICKET_APP_COUNTER_VISIT
  }

  AppCounters& operator+=(const AppCounters& o) {
#define PICKET_APP_COUNTER_ADD(proto, name) proto##_##name += o.proto##_##name;
    PICKET_APP_COUNTERS(PICKET_APP_COUNTER_ADD)
#undef PICKET_APP_COUNTER_ADD
    return *this;
  }
};

}  // namespace picket::app
