#include "agent/app/detect.h"

#include "agent/app/dhcp.h"
#include "agent/app/http2.h"
#include "agent/app/pgsql.h"

#include <array>
#include <string>
#include <string_view>

namespace picket::app {
namespace {

std::string_view as_sv(std::span<const uint8_t> d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

enum class Match { kNo, kPrefix, kYes };

// Does `data` start with `pat` (ASCII case-insensitive when `nocase`)? kPrefix: data is shorter and
// agrees so far.
Match starts(std::string_view data, std::string_view pat, bool nocase = false) {
  size_t n = data.size() < pat.size() ? data.size() : pat.size();
  for (size_t i = 0; i < n; ++i) {
    char a = data[i], b = pat[i];
    if (nocase) { a = lower(a); b = lower(b); }
    if (a != b) return Match::kNo;
  }
  return data.size() >= pat.size() ? Match::kYes : Match::kPrefix;
}

constexpr std::array<std::string_view, 24> kMethods = {
    "GET ",    "POST ",     "HEAD ",     "PUT ",   "DELETE ", "OPTIONS ", "CONNECT ", "TRACE ",
    "PATCH ",  "PROPFIND ", "PROPPATCH ", "MKCOL ", "COPY ",   "MOVE ",    "LOCK ",    "UNLOCK ",
    "SEARCH ", "REPORT ",   "CHECKOUT ", "MERGE ", "NOTIFY ", "SUBSCRIBE ", "UNSUBSCRIBE ", "MKACTIVITY "};

bool is_token_char(char c) { return (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || (c >= '0' && c <= '9'); }

// A request line with an unlisted method: TOKEN SP target SP "HTTP/1." on one line.
Match generic_request_line(std::string_view d) {
  size_t i = 0;
  while (i < d.size() && is_token_char(d[i])) ++i;
  if (i == 0) return Match::kNo;
  if (i == d.size()) return i < 32 ? Match::kPrefix : Match::kNo;
  if (d[i] != ' ' || i > 32) return Match::kNo;
  size_t eol = d.find('\n', i);
  std::string_view line = d.substr(0, eol == std::string_view::npos ? d.size() : eol);
  if (line.find(" HTTP/1.") != std::string_view::npos) return Match::kYes;
  return eol == std::string_view::npos ? Match::kPrefix : Match::kNo;
}

Match tls_record(std::string_view d, uint8_t want_hs_type, bool allow_alert) {
  if (d.empty()) return Match::kPrefix;
  auto b = [&](size_t i) { return static_cast<uint8_t>(d[i]); };
  bool hs = b(0) == 0x16;
  bool alert = allow_alert && b(0) == 0x15;
  if (!hs && !alert) return Match::kNo;
  if (d.size() < 2) return Match::kPrefix;
  if (b(1) != 0x03) return Match::kNo;
  if (d.size() < 3) return Match::kPrefix;
  if (b(2) > 0x04) return Match::kNo;
  if (d.size() < 5) return Match::kPrefix;
  size_t len = (size_t{b(3)} << 8) | b(4);
  if (len == 0 || len > 16384 + 2048) return Match::kNo;
  if (alert) return len == 2 ? Match::kYes : Match::kNo;
  if (d.size() < 6) return Match::kPrefix;
  return b(5) == want_hs_type ? Match::kYes : Match::kNo;
}

// DNS header sanity (12 bytes): opcode 0..6, qdcount small, counts not absurd.
bool plausible_dns_header(std::span<const uint8_t> h, bool want_query) {
  if (h.size() < 12) return false;
  uint16_t flags = static_cast<uint16_t>((h[2] << 8) | h[3]);
  bool qr = (flags & 0x8000) != 0;
  if (want_query && qr) return false;
  if (((flags >> 11) & 0xF) > 6) return false;
  uint16_t qd = static_cast<uint16_t>((h[4] << 8) | h[5]);
  uint16_t an = static_cast<uint16_t>((h[6] << 8) | h[7]);
  if (qd > 16) return false;
  if (!qr && an > 16) return false;
  return qd > 0 || qr;
}

// One domain name at `pos` (labels, or a compression pointer strictly backwards into the message after
// the header). Advances pos past the name. `first_label` receives the first label's bytes (if any).
bool skip_dns_name(std::span<const uint8_t> m, size_t& pos, std::string_view* first_label) {
  size_t start = pos, total = 0;
  bool first = true;
  while (pos < m.size()) {
    uint8_t len = m[pos];
    if (len == 0) {
      ++pos;
      return true;
    }
    if ((len & 0xC0) == 0xC0) {
      if (pos + 2 > m.size()) return false;
      size_t target = (size_t{len & 0x3Fu} << 8) | m[pos + 1];
      pos += 2;
      return target >= 12 && target < start;
    }
    if ((len & 0xC0) != 0) return false;  // 0x40/0x80: obsolete/reserved label types
    if (pos + 1 + len > m.size()) return false;
    total += len + 1;
    if (total > 255) return false;
    if (first && first_label != nullptr) {
      *first_label = std::string_view(reinterpret_cast<const char*>(m.data()) + pos + 1, len);
    }
    first = false;
    pos += 1 + len;
  }
  return false;
}

bool known_dns_class(uint16_t c) {
  c &= 0x7FFF;  // mDNS: top bit is unicast-response (questions) / cache-flush (records)
  return c == 1 || c == 3 || c == 4 || c == 254 || c == 255;
}

// A NetBIOS name (NBNS, UDP 137) is one 32-byte label of the letters A-P: same wire format as DNS but
// another protocol (tshark: nbns), so it is not taken for DNS.
bool netbios_name(std::string_view label) {
  if (label.size() != 32) return false;
  for (char c : label) {
    if (c < 'A' || c > 'P') return false;
  }
  return true;
}

}  // namespace

bool dns_message_shape(std::span<const uint8_t> m) {
  if (!plausible_dns_header(m, false)) return false;
  auto u16 = [&](size_t i) { return static_cast<uint16_t>((m[i] << 8) | m[i + 1]); };
  uint16_t qd = u16(4);
  uint32_t records = uint32_t{u16(6)} + u16(8) + u16(10);
  if (qd == 0 || records > 512) return false;
  size_t pos = 12;
  for (uint16_t i = 0; i < qd; ++i) {
    std::string_view label;
    if (!skip_dns_name(m, pos, i == 0 ? &label : nullptr)) return false;
    if (i == 0 && netbios_name(label)) return false;
    if (pos + 4 > m.size()) return false;
    if (u16(pos) == 0 || !known_dns_class(u16(pos + 2))) return false;
    pos += 4;
  }
  for (uint32_t i = 0; i < records; ++i) {
    if (!skip_dns_name(m, pos, nullptr)) return false;
    if (pos + 10 > m.size()) return false;
    uint16_t type = u16(pos);
    if (type == 0 || (type != 41 /* OPT: class is the UDP size */ && !known_dns_class(u16(pos + 2)))) return false;
    size_t rdlen = u16(pos + 8);
    pos += 10;
    if (pos + rdlen > m.size()) return false;
    pos += rdlen;
  }
  return pos == m.size();  // every byte accounted for
}

namespace {

Match banner_220(std::string_view d, uint16_t port, AppProto* out) {
  Match m = starts(d, "220");
  if (m != Match::kYes) return m;
  if (d.size() < 4) return Match::kPrefix;
  if (d[3] != ' ' && d[3] != '-') return Match::kNo;
  size_t eol = d.find('\n');
  std::string_view line = d.substr(0, eol == std::string_view::npos ? d.size() : eol);
  std::string low;
  low.reserve(line.size());
  for (char c : line) low.push_back(lower(c));
  if (low.find("smtp") != std::string::npos) { *out = AppProto::kSmtp; return Match::kYes; }
  if (low.find("ftp") != std::string::npos) { *out = AppProto::kFtp; return Match::kYes; }
  if (eol == std::string_view::npos) return Match::kPrefix;
  if (port == 25 || port == 465 || port == 587) { *out = AppProto::kSmtp; return Match::kYes; }
  if (port == 21) { *out = AppProto::kFtp; return Match::kYes; }
  return Match::kNo;
}

// DNS over TCP: a 2-byte length, then the message. On a DNS detection port (53 by default) a plausible
// header is enough; elsewhere the whole first message must parse exactly (dns_message_shape), so we wait
// for all of it.
Match dns_over_tcp(std::span<const uint8_t> data, bool to_server, uint16_t server_port,
                  std::span<const PortRange> dns_ports) {
  if (data.size() < 14) {  // a prefix only while the bytes so far could start a DNS message
    if (data.size() >= 2 && ((size_t{data[0]} << 8) | data[1]) < 12) return Match::kNo;
    if (data.size() >= 6) {  // [2..3] id, [4..5] flags, [6..7] qdcount
      bool qr = (data[4] & 0x80) != 0;
      if ((to_server && qr) || ((data[4] >> 3) & 0xF) > 6) return Match::kNo;
    }
    if (data.size() >= 8) {
      size_t qd = (size_t{data[6]} << 8) | data[7];
      if (qd > 16 || (to_server && qd == 0)) return Match::kNo;
    }
    return Match::kPrefix;
  }
  size_t len = (size_t{data[0]} << 8) | data[1];
  if (len < 12 || !plausible_dns_header(data.subspan(2), to_server)) return Match::kNo;
  if (port_in(dns_ports, server_port)) return Match::kYes;
  if (data.size() < 2 + len) return Match::kPrefix;
  return dns_message_shape(data.subspan(2, len)) ? Match::kYes : Match::kNo;
}

}  // namespace

bool port_in(std::span<const PortRange> ranges, uint16_t port) {
  for (const auto& r : ranges) {
    if (r.contains(port)) return true;
  }
  return false;
}

Probe probe_tcp(Direction dir, std::span<const uint8_t> data, uint16_t server_port,
                std::span<const PortRange> dns_ports) {
  std::string_view d = as_sv(data);
  Probe p;
  if (d.empty()) {
    p.need_more = true;
    return p;
  }
  bool prefix = false;
  auto consider = [&](Match m, AppProto proto) {
    if (m == Match::kYes && p.proto == AppProto::kUnknown) p.proto = proto;
    if (m == Match::kPrefix) prefix = true;
  };
  consider(starts(d, "SSH-"), AppProto::kSsh);
  if (dir == Direction::kToServer) {
    for (std::string_view m : kMethods) consider(starts(d, m), AppProto::kHttp);
    consider(tls_record(d, 0x01, false), AppProto::kTls);
    consider(starts(d, "EHLO ", true), AppProto::kSmtp);
    consider(starts(d, "HELO ", true), AppProto::kSmtp);
    consider(starts(d, "USER ", true), AppProto::kFtp);
    consider(starts(d, kHttp2Preface), AppProto::kHttp2);
    if (p.proto == AppProto::kUnknown) consider(generic_request_line(d), AppProto::kHttp);
    if (p.proto == AppProto::kUnknown) {
      bool more = false;
      if (pgsql_probe_to_server(data, &more)) consider(Match::kYes, AppProto::kPgsql);
      if (more) prefix = true;
    }
    if (p.proto == AppProto::kUnknown) consider(dns_over_tcp(data, true, server_port, dns_ports), AppProto::kDns);
  } else {
    consider(starts(d, "HTTP/1."), AppProto::kHttp);
    consider(tls_record(d, 0x02, true), AppProto::kTls);
    AppProto banner = AppProto::kUnknown;
    Match bm = banner_220(d, server_port, &banner);
    consider(bm, banner);
    if (p.proto == AppProto::kUnknown) consider(dns_over_tcp(data, false, server_port, dns_ports), AppProto::kDns);
  }
  if (p.proto == AppProto::kUnknown) p.need_more = prefix;
  return p;
}

Probe probe_udp(std::span<const uint8_t> payload, uint16_t src_port, uint16_t dst_port,
                std::span<const PortRange> dns_ports) {
  Probe p;
  bool dns_port = port_in(dns_ports, src_port) || port_in(dns_ports, dst_port) || src_port == 5353 ||
                  dst_port == 5353;
  if ((src_port == 5355 || dst_port == 5355) && payload.size() >= 12 && plausible_dns_header(payload, false)) {
    p.proto = AppProto::kLlmnr;  // RFC 4795: DNS messages on port 5355
    return p;
  }
  if ((src_port == 67 || src_port == 68) && (dst_port == 67 || dst_port == 68) && dhcp_shape(payload)) {
    p.proto = AppProto::kDhcp;
    return p;
  }
  if (dns_port && payload.size() >= 12 && plausible_dns_header(payload, false)) {
    p.proto = AppProto::kDns;  // the well-known ports: a plausible header is enough (truncated messages too)
  } else if (dns_message_shape(payload)) {
    p.proto = AppProto::kDns;  // any other port: the whole datagram must be one well-formed DNS message
  }
  return p;
}

}  // namespace picket::app
