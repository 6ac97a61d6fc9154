#include "agent/output/redact.h"

#include <algorithm>

#include "common/config.h"

namespace picket::output {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
         });
}
bool param_sensitive(std::string_view name, const Redaction& r) {
  for (const auto& p : r.uri_params) {
    if (iequals(name, p)) return true;
  }
  return false;
}
}  // namespace

void add_privacy_keys(config::Schema& s) {
  using config::Type;
  s.add({.key = "privacy.redact", .type = Type::kBool, .default_value = "true",
         .help = "redact credentials (sensitive header values, URI passwords) in EVE output and alerts"});
  s.add({.key = "privacy.redact-headers", .type = Type::kStringList,
         .default_value = "[authorization, proxy-authorization, cookie, set-cookie]",
         .help = "HTTP headers whose values are redacted (case-insensitive)"});
  s.add({.key = "privacy.redact-uri-params", .type = Type::kStringList,
         .default_value = "[password, passwd, pwd, pass, token, api_key, apikey, secret]",
         .help = "URI query parameters whose values are redacted (case-insensitive)"});
}

Redaction Redaction::from(const config::Settings& s) {
  Redaction r;
  r.enabled = s.get_bool("privacy.redact");
  r.headers = s.get_list("privacy.redact-headers");
  r.uri_params = s.get_list("privacy.redact-uri-params");
  return r;
}

bool is_sensitive_header(std::string_view name, const Redaction& r) {
  if (!r.enabled) return false;
  for (const auto& h : r.headers) {
    if (iequals(name, h)) return true;
  }
  return false;
}

std::string redact_header_value(std::string_view name, std::string_view value, const Redaction& r) {
  if (is_sensitive_header(name, r) && !value.empty()) return std::string(kRedacted);
  return std::string(value);
}

std::string redact_uri(std::string_view uri, const Redaction& r) {
  if (!r.enabled) return std::string(uri);
  std::string out;
  out.reserve(uri.size());
  // userinfo password: scheme://user:secret@host/...
  size_t scheme = uri.find("://");
  size_t start = 0;
  if (scheme != std::string_view::npos) {
    size_t auth = scheme + 3;
    size_t auth_end = uri.find_first_of("/?#", auth);
    if (auth_end == std::string_view::npos) auth_end = uri.size();
    size_t at = uri.rfind('@', auth_end);
    if (at != std::string_view::npos && at >= auth) {
      size_t colon = uri.find(':', auth);
      if (colon != std::string_view::npos && colon < at) {
        out.append(uri.substr(0, colon + 1));
        out.append(kRedacted);
        start = at;
      }
    }
  }
  size_t q = uri.find('?', start);
  if (q == std::string_view::npos) {
    out.append(uri.substr(start));
    return out;
  }
  out.append(uri.substr(start, q + 1 - start));
  std::string_view query = uri.substr(q + 1);
  size_t frag = query.find('#');
  std::string_view tail = frag == std::string_view::npos ? std::string_view() : query.substr(frag);
  if (frag != std::string_view::npos) query = query.substr(0, frag);
  bool first = true;
  while (true) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    if (!first) out += '&';
    first = false;
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && param_sensitive(part.substr(0, eq), r) && eq + 1 < part.size()) {
      out.append(part.substr(0, eq + 1));
      out.append(kRedacted);
    } else {
      out.append(part);
    }
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  out.append(tail);
  return out;
}

std::string redact_payload(std::span<const uint8_t> payload, const Redaction& r) {
  std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  if (!r.enabled) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    size_t end = eol == std::string_view::npos ? text.size() : eol + 1;
    std::string_view line = text.substr(pos, end - pos);
    std::string_view body = line;
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.remove_suffix(1);
    std::string_view eolbytes = line.substr(body.size());
    size_t colon = body.find(':');
    if (colon != std::string_view::npos && colon > 0 && is_sensitive_header(body.substr(0, colon), r)) {
      out.append(body.substr(0, colon + 1));
      out += ' ';
      out.append(kRedacted);
      out.append(eolbytes);
    } else if (body.size() > 9 && body.rfind(" HTTP/") == body.size() - 9) {  // a request line
      size_t sp1 = body.find(' ');
      size_t sp2 = body.rfind(" HTTP/");
      if (sp1 != std::string_view::npos && sp2 > sp1) {
        out.append(body.substr(0, sp1 + 1));
        out.append(redact_uri(body.substr(sp1 + 1, sp2 - sp1 - 1), r));
        out.append(body.substr(sp2));
        out.append(eolbytes);
      } else {
        out.append(line);
      }
    } else {
      out.append(line);
    }
    pos = end;
  }
  return out;
}

}  // namespace picket::output
