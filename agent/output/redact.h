#pragma once
// Privacy: what leaves the agent (EVE lines, alerts sent to the central team) must not carry credentials.
// By default the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie headers, passwords
// in URIs ("user:secret@host") and password-like query parameters (password, passwd, pwd, pass, token,
// api_key, apikey, secret) are replaced by "[redacted]". Detection still sees the real bytes.
//
//   output::Redaction r = output::Redaction::from(settings);   // privacy.* keys
//   std::string url = output::redact_uri("/login?user=a&password=x", r);  // "/login?user=a&password=[redacted]"
//   if (output::is_sensitive_header("Cookie", r)) value = "[redacted]";
//   std::string excerpt = output::redact_payload(bytes, r);     // HTTP header lines inside payloads too
//
// Pure functions; any thread.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace picket::config {
class Schema;
class Settings;
}  // namespace picket::config

namespace picket::output {

inline constexpr std::string_view kRedacted = "[redacted]";

struct Redaction {
  bool enabled = true;
  std::vector<std::string> headers = {"authorization", "proxy-authorization", "cookie", "set-cookie"};
  std::vector<std::string> uri_params = {"password", "passwd", "pwd", "pass", "token", "api_key", "apikey",
                                         "secret"};
  static Redaction from(const config::Settings& s);
};

// privacy.redact, privacy.redact-headers, privacy.redact-uri-params.
void add_privacy_keys(config::Schema& schema);

bool is_sensitive_header(std::string_view name, const Redaction& r);
std::string redact_header_value(std::string_view name, std::string_view value, const Redaction& r);
std::string redact_uri(std::string_view uri, const Redaction& r);
// Payload excerpt: the value of each sensitive "Name: value" line is replaced, URIs on request lines are
// redacted as above; other bytes are kept.
std::string redact_payload(std::span<const uint8_t> payload, const Redaction& r);

}  // namespace picket::output
