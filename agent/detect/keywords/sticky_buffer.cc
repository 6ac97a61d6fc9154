// Sticky buffers (http.uri, dns.query, tls.sni, file.data, ja3.hash, pkt_data ... and their legacy sticky
// spellings): every following content/pcre/byte_*/bsize inspects that buffer.
#include <array>
#include <utility>

#include "agent/detect/keywords/keyword.h"

namespace picket::detect {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 29> kAliases = {{
    {"file_data", "file.data"},
    {"dns_query", "dns.query"},
    {"tls_sni", "tls.sni"},
    {"tls_cert_subject", "tls.cert_subject"},
    {"tls_cert_issuer", "tls.cert_issuer"},
    {"tls_cert_serial", "tls.cert_serial"},
    {"tls_cert_fingerprint", "tls.cert_fingerprint"},
    {"ja3_hash", "ja3.hash"},
    {"ja3_string", "ja3.string"},
    {"ja3s_hash", "ja3s.hash"},
    {"ssh_proto", "ssh.proto"},
    {"ssh_software", "ssh.software"},
    {"http_request_line", "http.request_line"},
    {"http_response_line", "http.response_line"},
    {"http_header_names", "http.header_names"},
    {"http_content_type", "http.content_type"},
    {"http_content_len", "http.content_len"},
    {"http_start", "http.start"},
    {"http_referer", "http.referer"},
    {"http_accept", "http.accept"},
    {"http_accept_enc", "http.accept_enc"},
    {"http_accept_lang", "http.accept_lang"},
    {"http_connection", "http.connection"},
    {"http_protocol", "http.protocol"},
    {"http_location", "http.location"},
    {"http_server", "http.server"},
    {"http_user_agent_sticky", "http.user_agent"},
    {"http_host_sticky", "http.host"},
    {"http_uri_sticky", "http.uri"},
}};

}  // namespace

bool parse_sticky_buffer(ParseCtx& ctx, std::string_view) {
  std::string_view name = ctx.keyword;
  for (auto [alias, canon] : kAliases) {
    if (alias == name) name = canon;
  }
  Buf b;
  if (!buffer_by_name(name, &b)) return ctx.fail("unknown buffer '" + std::string(ctx.keyword) + "'");
  ctx.sticky = b;
  return true;
}

}  // namespace picket::detect
