#pragma once
// Sticky buffers by name, for the rule engine: resolve a rule's buffer name once at load time, then fetch
// the bytes per transaction without string compares.
//
//   auto b = picket::app::sticky_buffer_from_name("http.uri");       // also legacy "http_uri"
//   if (!b) error("unknown buffer");
//   std::string_view bytes = picket::app::http_buffer(*event.http, *b, event.dir);
//
// Pure functions, any thread. Views point into the transaction/parser objects (see their lifetimes).
#include <cstdint>
#include <optional>
#include <string_view>

#include "agent/app/dns.h"
#include "agent/app/http.h"
#include "agent/app/tls.h"
#include "agent/app/types.h"

namespace picket::app {

enum class StickyBuffer : uint8_t {
  kHttpUri, kHttpUriRaw, kHttpMethod, kHttpHost, kHttpHostRaw, kHttpUserAgent, kHttpHeader, kHttpHeaderRaw,
  kHttpHeaderNames, kHttpCookie, kHttpContentType, kHttpRequestLine, kHttpRequestBody, kHttpStatCode,
  kHttpStatMsg, kHttpResponseLine, kHttpResponseBody, kHttpServer, kHttpReferer, kHttpAccept,
  kHttpContentLen, kHttpProtocol, kHttpStart, kFileData,
  kDnsQuery,
  kTlsSni, kTlsCertSubject, kTlsCertIssuer, kTlsCertSerial, kTlsCertFingerprint, kTlsVersion,
  kJa3Hash, kJa3String, kJa3sHash, kJa3sString,
  kCount
};

// Which stream direction a buffer exists in (a rule's flow:to_server/to_client must agree).
enum class BufferDirs : uint8_t { kToServer = 1, kToClient = 2, kBoth = 3 };

struct StickyBufferInfo {
  std::string_view name;  // Suricata's name, e.g. "http.uri"
  StickyBuffer id;
  AppProto proto;
  BufferDirs dirs;
};

// Accepts the dotted names ("http.uri", "tls.cert_subject", "ja3.hash") and the legacy content-modifier
// spellings ("http_uri", "http_raw_uri", "http_client_body", "http_server_body", "tls_sni", "dns_query",
// "ja3_hash"...). nullopt for anything else.
std::optional<StickyBuffer> sticky_buffer_from_name(std::string_view name);
const StickyBufferInfo& sticky_buffer_info(StickyBuffer b);

// Fetch. Return "" when the buffer does not apply (wrong protocol/direction or absent field).
std::string_view http_buffer(const HttpTx& tx, StickyBuffer b, Direction dir);
std::string_view tls_buffer(const TlsParser& tls, StickyBuffer b);
// dns.query is a multi-buffer: one per question; `index` selects it.
std::string_view dns_buffer(const DnsMessage& msg, StickyBuffer b, size_t index = 0);

}  // namespace picket::app
