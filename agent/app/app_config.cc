#include "agent/app/app_config.h"

#include <algorithm>
#include <string>

namespace picket::app {

using config::Type;

bool parse_port_ranges(std::string_view text, std::vector<PortRange>* out) {
  std::vector<PortRange> got;
  auto num = [](std::string_view s, uint16_t* v) {
    if (s.empty() || s.size() > 5) return false;
    uint32_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + static_cast<uint32_t>(c - '0');
    }
    if (n > 65535) return false;
    *v = static_cast<uint16_t>(n);
    return true;
  };
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '[')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == ']')) s.remove_suffix(1);
    return s;
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = trim(text.substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) continue;
    size_t sep = item.find_first_of(":-");
    PortRange r;
    if (sep == std::string_view::npos) {
      if (!num(item, &r.lo)) return false;
      r.hi = r.lo;
    } else if (!num(trim(item.substr(0, sep)), &r.lo) || !num(trim(item.substr(sep + 1)), &r.hi) || r.hi < r.lo) {
      return false;
    }
    got.push_back(r);
  }
  if (got.empty()) return false;
  *out = std::move(got);
  return true;
}

namespace {

// Values were checked by check_app_settings; anything unparsable keeps the default.
std::vector<PortRange> parse_port_list(const std::vector<std::string>& items) {
  std::vector<PortRange> all;
  for (const auto& it : items) {
    std::vector<PortRange> r;
    if (parse_port_ranges(it, &r)) all.insert(all.end(), r.begin(), r.end());
  }
  if (all.empty()) all.push_back(PortRange{53, 53});
  return all;
}

}  // namespace

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
  s.add({.key = "app.dns.detection-ports", .type = Type::kStringList, .default_value = "53",
         .help = "DNS server ports (N, N:M or N-M, a list or [N, M]) where a plausible DNS header picks DNS; "
                 "elsewhere the whole message must parse",
         .aliases = {"app-layer.protocols.dns.detection-ports.dp"}});
  s.add({.key = "app.dns.max-records", .type = Type::kInt, .default_value = "256",
         .help = "DNS records kept per message", .min = 1, .max = 65535});
  s.add({.key = "app.http2.enabled", .type = Type::kBool, .default_value = "true",
         .help = "detect and parse HTTP/2 (client preface); off: such flows stay unknown",
         .aliases = {"app-layer.protocols.http2.enabled"}});
  s.add({.key = "app.http2.max-table-size", .type = Type::kSize, .default_value = "64KB",
         .help = "HPACK dynamic table cap per direction, whatever SETTINGS allow", .min = 0, .max = 16 << 20});
  s.add({.key = "app.http2.max-header-list", .type = Type::kSize, .default_value = "64KB",
         .help = "decoded header fields of one HTTP/2 header block (name + value + 32 each)", .min = 256,
         .max = 16 << 20});
  s.add({.key = "app.http2.max-streams", .type = Type::kInt, .default_value = "512",
         .help = "HTTP/2 streams (transactions) tracked at once per connection", .min = 1, .max = 65536});
  s.add({.key = "app.pgsql.enabled", .type = Type::kBool, .default_value = "true",
         .help = "detect and parse PostgreSQL; off: such flows stay unknown",
         .aliases = {"app-layer.protocols.pgsql.enabled"}});
  s.add({.key = "app.pgsql.max-message", .type = Type::kSize, .default_value = "1MB",
         .help = "largest PostgreSQL message buffered (longer ones are skipped)", .min = 64, .max = 1 << 30});
  s.add({.key = "app.tls.encryption-handling", .type = Type::kString, .default_value = "default",
         .help = "once TLS is encrypted: bypass (stop reassembly, app layer and rules for the flow), default or "
                 "full (keep inspecting)",
         .choices = {"default", "full", "bypass"},
         .aliases = {"app-layer.protocols.tls.encryption-handling"}});
  s.add({.key = "app.tls.max-handshake-message", .type = Type::kSize, .default_value = "256KB",
         .help = "largest TLS handshake message reassembled across records", .min = 1024,
         .max = 16 << 20});
}

Status check_app_settings(const config::Settings& st) {
  const char* key = "app.dns.detection-ports";
  for (const auto& item : st.get_list(key)) {
    std::vector<PortRange> r;
    if (!parse_port_ranges(item, &r)) {
      config::Location at = st.where(key);
      return Error{.file = at.file, .line = at.line, .column = at.column,
                   .message = std::string(key) + ": bad port list '" + item + "' (N, N:M or N-M, comma separated)",
                   .reason = "bad value"};
    }
  }
  return Status::Ok();
}

AppLimits app_limits_from(const config::Settings& st) {
  AppLimits l;
  l.detect_max_bytes = st.get_size("app.detect.max-bytes");
  l.http_request_body_limit = st.get_size("app.http.request-body-limit");
  l.http_response_body_limit = st.get_size("app.http.response-body-limit");
  l.http_max_header_bytes = st.get_size("app.http.max-header-bytes");
  l.http_max_pending_tx = static_cast<size_t>(std::max<int64_t>(1, st.get_int("app.http.max-pending-tx")));
  l.dns_detection_ports = parse_port_list(st.get_list("app.dns.detection-ports"));
  l.dns_max_records = static_cast<size_t>(std::max<int64_t>(1, st.get_int("app.dns.max-records")));
  l.tls_max_handshake_message = st.get_size("app.tls.max-handshake-message");
  const std::string enc = st.get_string("app.tls.encryption-handling");
  l.tls_encryption = enc == "bypass" ? TlsEncryption::kBypass
                     : enc == "full" ? TlsEncryption::kFull
                                     : TlsEncryption::kDefault;
  l.http2_enabled = st.get_bool("app.http2.enabled");
  l.http2_max_table_size = st.get_size("app.http2.max-table-size");
  l.http2_max_header_list = st.get_size("app.http2.max-header-list");
  l.http2_max_header_block = std::max(l.http2_max_header_list, size_t{64 * 1024});
  l.http2_max_streams = static_cast<size_t>(std::max<int64_t>(1, st.get_int("app.http2.max-streams")));
  l.pgsql_enabled = st.get_bool("app.pgsql.enabled");
  l.pgsql_max_message = st.get_size("app.pgsql.max-message");
  return l;
}

}  // namespace picket::app
