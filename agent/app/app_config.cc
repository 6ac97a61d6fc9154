#include "agent/app/app_config.h"

#include <algorithm>

namespace picket::app {

using config::Type;

void add_app_keys(config::Schema& s) {
  s.add({.key = "app.detect.max-bytes", .type = Type::kSize, .default_value = "512",
         .help = "bytes per direction inspected before protocol detection gives up", .min = 16,
         .max = 65536});
  s.add({.key = "app.http.request-body-limit", .type = Type::kSize, .default_value = "100KB",
         .help = "HTTP request body bytes kept for inspection per transaction", .min = 0,
         .max = int64_t{1} << 30,
         .aliases = {"app-layer.protocols.http.libhtp.default-config.request-body-limit"}});
  s.add({.key = "app.http.response-body-limit", .type = Type::kSize, .default_value = "100KB",
         .help = "decoded HTTP response body bytes kept for inspection per transaction", .min = 0,
         .max = int64_t{1} << 30,
         .aliases = {"app-layer.protocols.http.libhtp.default-config.response-body-limit"}});
  s.add({.key = "app.http.max-header-bytes", .type = Type::kSize, .default_value = "64KB",
         .help = "largest HTTP start line + header block accepted", .min = 256, .max = 16 << 20});
  s.add({.key = "app.http.max-pending-tx", .type = Type::kInt, .default_value = "64",
         .help = "pipelined HTTP requests waiting for their response", .min = 1, .max = 4096});
  s.add({.key = "app.dns.max-records", .type = Type::kInt, .default_value = "256",
         .help = "DNS records kept per message", .min = 1, .max = 65535});
  s.add({.key = "app.tls.max-handshake-message", .type = Type::kSize, .default_value = "256KB",
         .help = "largest TLS handshake message reassembled across records", .min = 1024,
         .max = 16 << 20});
}

AppLimits app_limits_from(const config::Settings& st) {
  AppLimits l;
  l.detect_max_bytes = st.get_size("app.detect.max-bytes");
  l.http_request_body_limit = st.get_size("app.http.request-body-limit");
  l.http_response_body_limit = st.get_size("app.http.response-body-limit");
  l.http_max_header_bytes = st.get_size("app.http.max-header-bytes");
  l.http_max_pending_tx = static_cast<size_t>(std::max<int64_t>(1, st.get_int("app.http.max-pending-tx")));
  l.dns_max_records = static_cast<size_t>(std::max<int64_t>(1, st.get_int("app.dns.max-records")));
  l.tls_max_handshake_message = st.get_size("app.tls.max-handshake-message");
  return l;
}

}  // namespace picket::app
