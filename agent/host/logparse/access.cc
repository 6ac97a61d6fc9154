// nginx and Apache access logs in the combined (or common) format:
//   1.2.3.4 - alice [10/Oct/2026:13:55:36 +0200] "GET /a.php?x=1 HTTP/1.1" 200 2326 "http://ref/" "curl/8.0"
// Fields use the names of Sigma's webserver and proxy log sources: c-ip, cs-username, cs-method,
// cs-uri-query (path and query, as the SigmaHQ web rules expect), cs-uri-stem (path), c-uri (the request
// target), c-uri-query (query only), c-uri-extension, cs-uri, cs-version, sc-status, sc-bytes, cs-referer,
// cs-user-agent and c-useragent, and cs-host when the request target is an absolute URL (a forward proxy).
#include "agent/host/logparse/parser.h"
#include "agent/host/logparse/text.h"

namespace picket::host {
namespace {

// A double-quoted field starting at s[p] == '"', with \" and \\ unescaped. Returns false if unterminated.
bool quoted(std::string_view s, size_t& p, std::string& out) {
  out.clear();
  if (p >= s.size() || s[p] != '"') return false;
  ++p;
  while (p < s.size()) {
    // Copy the run up to the next quote or backslash at once.
    size_t e = p;
    while (e < s.size() && s[e] != '"' && s[e] != '\\') ++e;
    out.append(s.substr(p, e - p));
    p = e;
    if (p >= s.size()) break;
    if (s[p] == '"') {
      ++p;
      return true;
    }
    if (p + 1 < s.size() && (s[p + 1] == '"' || s[p + 1] == '\\')) {
      out += s[p + 1];
      p += 2;
    } else {
      out += s[p++];
    }
  }
  return false;
}

// [10/Oct/2026:13:55:36 +0200]
bool clf_time(std::string_view t, int64_t* utc_us) {
  if (t.size() < 26) return false;
  int day = 0, year = 0, h = 0, mi = 0, se = 0;
  auto num = [&](size_t pos, size_t n, int* out) {
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!is_digit(t[pos + i])) return false;
      v = v * 10 + (t[pos + i] - '0');
    }
    *out = v;
    return true;
  };
  const int mon = month_from_abbrev(t.substr(3, 3));
  if (!num(0, 2, &day) || mon == 0 || !num(7, 4, &year) || !num(12, 2, &h) || !num(15, 2, &mi) ||
      !num(18, 2, &se) || t[2] != '/' || t[6] != '/' || t[11] != ':' || t[20] != ' ') {
    return false;
  }
  int oh = 0, om = 0;
  if ((t[21] != '+' && t[21] != '-') || !num(22, 2, &oh) || !num(24, 2, &om)) return false;
  const int64_t off = (t[21] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  const int64_t secs =
      days_from_civil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day)) * 86400 + h * 3600 +
      mi * 60 + se - off;
  *utc_us = secs * 1000000;
  return true;
}

class AccessParser final : public LogParser {
 public:
  AccessParser(ParseOptions opt, std::string_view service) : opt_(std::move(opt)), service_(service) {}

  void parse(std::string_view line, uint64_t offset, const EventSink& sink) override {
    ++stats_.lines;
    if (line.size() > kMaxLineBytes) {
      line = line.substr(0, kMaxLineBytes);
      ++stats_.too_long;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ev_.clear();
    ev_.offset = offset;
    ev_.set_raw(line);
    ev_.set_category("webserver");
    ev_.add_service(service_);
    ev_.parsed = fill(line);
    if (!ev_.parsed) ++stats_.unparsed;
    ++stats_.events;
    sink(ev_);
  }

 private:
  bool fill(std::string_view line) {
    std::string_view s = line;
    std::string_view host = next_token(s);
    std::string_view ident = next_token(s);
    std::string_view user = next_token(s);
    if (host.empty() || ident.empty() || user.empty()) return false;
    while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
    if (s.empty() || s[0] != '[') return false;
    size_t close = s.find(']');
    if (close == std::string_view::npos) return false;
    int64_t t = 0;
    if (clf_time(s.substr(1, close - 1), &t)) ev_.time_us = t;
    s.remove_prefix(close + 1);
    while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
    size_t p = 0;
    if (!quoted(s, p, buf_)) return false;
    ev_.set("c-ip", host);
    if (user != "-") ev_.set("cs-username", user);
    request(buf_);
    s.remove_prefix(p);
    std::string_view status = next_token(s);
    std::string_view bytes = next_token(s);
    if (status.empty()) return false;
    ev_.set("sc-status", status);
    if (!bytes.empty()) ev_.set("sc-bytes", bytes == "-" ? "0" : bytes);
    while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
    p = 0;
    if (quoted(s, p, buf_)) {
      if (buf_ != "-") ev_.set("cs-referer", buf_);
      while (p < s.size() && s[p] == ' ') ++p;
      if (quoted(s, p, buf_) && buf_ != "-") {
        ev_.set("cs-user-agent", buf_);
        ev_.set("c-useragent", buf_);
      }
    }
    return true;
  }

  void request(std::string_view r) {
    ev_.set("cs-request", r);
    std::string_view method = next_token(r);
    if (method.empty()) return;
    ev_.set("cs-method", method);
    // The target may contain spaces in hostile requests: the version is the last token if it looks like one.
    std::string_view target = r;
    size_t sp = r.rfind(' ');
    if (sp != std::string_view::npos && starts_with(r.substr(sp + 1), "HTTP/")) {
      ev_.set("cs-version", r.substr(sp + 1));
      target = r.substr(0, sp);
    }
    ev_.set("cs-uri-query", target);
    ev_.set("c-uri", target);
    ev_.set("cs-uri", target);
    std::string_view path = target;
    if (starts_with(target, "http://") || starts_with(target, "https://")) {
      std::string_view rest = target.substr(target.find("//") + 2);
      size_t slash = rest.find_first_of("/?");
      std::string_view authority = rest.substr(0, slash);
      if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
      size_t colon = authority.rfind(':');
      if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
        authority = authority.substr(0, colon);
      }
      ev_.set("cs-host", authority);
      path = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    } else if (method == "CONNECT") {
      std::string_view a = target.substr(0, target.rfind(':'));
      ev_.set("cs-host", a);
    }
    size_t q = path.find('?');
    std::string_view stem = path.substr(0, q);
    ev_.set("cs-uri-stem", stem);
    if (q != std::string_view::npos) ev_.set("c-uri-query", path.substr(q + 1));
    size_t slash = stem.rfind('/');
    size_t dot = stem.rfind('.');
    if (dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash)) {
      ev_.set("c-uri-extension", stem.substr(dot + 1));
    }
  }

  ParseOptions opt_;
  std::string service_;
  LogEvent ev_;
  std::string buf_;
};

}  // namespace

std::unique_ptr<LogParser> make_access_parser(const ParseOptions& options, std::string_view service) {
  return std::make_unique<AccessParser>(options, service);
}

}  // namespace picket::host
