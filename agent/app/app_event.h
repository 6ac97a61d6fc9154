#pragma once
// Events the application-layer parsers emit while they consume stream data, so that the rule engine can
// inspect as data arrives (headers, each body chunk) and at completion, and the EVE logger can write one
// record per transaction/message.
//
//   struct MySink : picket::app::AppEventSink {
//     void on_app_event(const picket::app::AppEvent& e) override {
//       if (e.kind == AppEventKind::kHttpRequestHeaders) inspect(e.http->http_uri());
//     }
//   };
//
// Events are delivered synchronously from inside AppState/HttpParser/TlsParser/DnsTcpParser calls, on the
// calling (worker) thread. Every pointer and view in an event is valid only during on_app_event(); the
// transaction/message objects themselves stay valid until the next call into the parser (see each
// parser's header). One virtual call per event, never per byte.
#include <cstdint>
#include <string_view>

#include "agent/app/types.h"

namespace picket::app {

struct HttpTx;
struct DnsMessage;
class TlsParser;
struct PgsqlTx;
struct DhcpMessage;

enum class AppEventKind : uint8_t {
  kProtocolDetected,      // proto decided (AppState only); `proto` says which, kUnknown when it gave up
  kHttpRequestHeaders,    // request line + headers complete (to_server); HTTP/2 streams too (proto kHttp2)
  kHttpRequestBody,       // a decoded request body chunk in `data` (only the part kept under the limit)
  kHttpRequestComplete,   // request finished (body included)
  kHttpResponseHeaders,   // status line + headers complete (to_client)
  kHttpResponseBody,      // a dechunked, decompressed response body chunk in `data` (kept part only)
  kHttpResponseComplete,  // response finished: the transaction is complete (log it now)
  kDnsMessage,            // one DNS message parsed (`dns`), query or response per its QR bit
  kTlsClientHello,        // `tls` has client_hello() filled (SNI, JA3)
  kTlsServerHello,        // `tls` has server_hello() filled (JA3S, version)
  kTlsCertificate,        // `tls` has certificate() filled (first certificate of the chain)
  kTlsHandshakeDone,      // both sides switched to encrypted records (log the tls event now)
  kPgsqlRequest,          // a PostgreSQL frontend message parsed (`pgsql`, to_server)
  kPgsqlResponse,         // the backend's answer to `pgsql` is complete (log it now)
  kDhcpMessage,           // one DHCP datagram parsed (`dhcp`); a request (op 1) or a reply (op 2)
};

struct AppEvent {
  AppEventKind kind;
  Direction dir;
  AppProto proto = AppProto::kUnknown;
  const HttpTx* http = nullptr;      // HTTP events
  const DnsMessage* dns = nullptr;   // kDnsMessage
  const TlsParser* tls = nullptr;    // TLS events
  const PgsqlTx* pgsql = nullptr;    // PostgreSQL events
  const DhcpMessage* dhcp = nullptr; // kDhcpMessage
  std::string_view data;             // body chunk events
};

class AppEventSink {
 public:
  virtual ~AppEventSink() = default;
  // Called once per event, in stream order per direction. Must not call back into the emitting parser.
  virtual void on_app_event(const AppEvent& event) = 0;
};

}  // namespace picket::app
