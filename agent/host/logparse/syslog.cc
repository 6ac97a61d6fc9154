// syslog (RFC 3164, RFC 5424, and the "ISO-stamp host prog[pid]: msg" layout rsyslog writes) and Debian's
// auth.log, which is RFC 3164 lines from sshd, sudo, su, useradd, passwd, cron and PAM.
#include <chrono>

#include "agent/host/logparse/parser.h"
#include "agent/host/logparse/text.h"

namespace picket::host {
namespace {

int64_t wall_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "Dec 10 06:55:46" or "Dec  1 06:55:46"; returns characters used or 0.
size_t parse_bsd_stamp(std::string_view s, const ParseOptions& opt, int64_t* utc_us) {
  if (s.size() < 15) return 0;
  const int mon = month_from_abbrev(s.substr(0, 3));
  if (mon == 0 || s[3] != ' ') return 0;
  size_t p = 4;
  if (s[p] == ' ') ++p;
  int day = 0;
  while (p < s.size() && is_digit(s[p]) && day < 100) day = day * 10 + (s[p++] - '0');
  if (day < 1 || day > 31 || p + 9 > s.size() || s[p] != ' ') return 0;
  ++p;
  int hms[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    if (!is_digit(s[p]) || !is_digit(s[p + 1])) return 0;
    hms[i] = (s[p] - '0') * 10 + (s[p + 1] - '0');
    p += 2;
    if (i < 2) {
      if (s[p] != ':') return 0;
      ++p;
    }
  }
  if (hms[0] > 23 || hms[1] > 59 || hms[2] > 60) return 0;
  int64_t usec = 0;
  if (p < s.size() && s[p] == '.') {  // rsyslog high-precision BSD stamps
    ++p;
    int64_t scale = 100000;
    while (p < s.size() && is_digit(s[p])) {
      usec += (s[p++] - '0') * scale;
      scale /= 10;
    }
  }
  *utc_us = opt.clock.year_less_to_utc_us(mon, day, hms[0], hms[1], hms[2], usec,
                                          opt.now_us != 0 ? opt.now_us : wall_now_us());
  return p;
}

std::string_view nil_or(std::string_view v) { return v == "-" ? std::string_view() : v; }

bool parse_5424(std::string_view rest, int pri, const ParseOptions& opt, LogEvent& ev, std::string& program,
                std::string_view* message) {
  // rest starts after "<PRI>1 ".
  std::string_view stamp = next_token(rest);
  std::string_view host = next_token(rest);
  std::string_view app = next_token(rest);
  std::string_view procid = next_token(rest);
  std::string_view msgid = next_token(rest);
  if (msgid.empty()) return false;
  if (stamp != "-") {
    int64_t t = 0;
    size_t used = 0;
    if (!parse_iso8601(stamp, opt.clock, &t, &used) || used != stamp.size()) return false;
    ev.time_us = t;
  }
  if (!nil_or(host).empty()) ev.set("host", host);
  program.assign(nil_or(app));
  if (!program.empty()) ev.set("program", program);
  if (!nil_or(procid).empty()) ev.set("pid", procid);
  if (!nil_or(msgid).empty()) ev.set("msgid", msgid);
  ev.set("facility", std::to_string(pri / 8));
  ev.set("severity", std::to_string(pri % 8));
  // Structured data: "-" or [id name="value" ...]...
  if (!rest.empty() && rest[0] == '-') {
    rest.remove_prefix(1);
  } else {
    std::string key;
    std::string value;
    while (!rest.empty() && rest[0] == '[') {
      size_t p = 1;
      size_t id_end = rest.find_first_of(" ]", p);
      if (id_end == std::string_view::npos) return false;
      std::string_view id = rest.substr(p, id_end - p);
      p = id_end;
      while (p < rest.size() && rest[p] == ' ') {
        ++p;
        size_t eq = rest.find('=', p);
        if (eq == std::string_view::npos || eq + 1 >= rest.size() || rest[eq + 1] != '"') return false;
        std::string_view name = rest.substr(p, eq - p);
        p = eq + 2;
        value.clear();
        while (p < rest.size() && rest[p] != '"') {
          if (rest[p] == '\\' && p + 1 < rest.size()) ++p;
          value += rest[p++];
        }
        if (p >= rest.size()) return false;
        ++p;
        key.assign(id);
        key += '.';
        key.append(name);
        ev.set(key, value);
      }
      if (p >= rest.size() || rest[p] != ']') return false;
      rest.remove_prefix(p + 1);
    }
  }
  if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);
  *message = rest;
  ev.set("message", rest);
  return true;
}

class SyslogParser final : public LogParser {
 public:
  SyslogParser(ParseOptions opt, bool auth) : opt_(std::move(opt)), auth_(auth) {}

  void parse(std::string_view line, uint64_t offset, const EventSink& sink) override {
    ++stats_.lines;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF files
    if (line.size() > kMaxLineBytes) {
      line = line.substr(0, kMaxLineBytes);
      ++stats_.too_long;
    }
    ev_.clear();
    ev_.offset = offset;
    ev_.set_raw(line);
    ev_.set_product("linux");
    ev_.add_service(auth_ ? "auth" : "syslog");
    std::string_view message;
    if (parse_syslog_line(line, opt_, ev_, program_, &message)) {
      ev_.parsed = true;
      std::string_view service = normalize_program(program_, service_buf_);
      ev_.add_service(service);
      extract_auth_fields(service, message, ev_);
    } else {
      ++stats_.unparsed;
    }
    ++stats_.events;
    sink(ev_);
  }

 private:
  ParseOptions opt_;
  bool auth_;
  LogEvent ev_;
  std::string program_;
  std::string service_buf_;
};

}  // namespace

bool parse_syslog_line(std::string_view line, const ParseOptions& opt, LogEvent& ev, std::string& program,
                       std::string_view* message) {
  program.clear();
  std::string_view s = line;
  int pri = -1;
  if (!s.empty() && s[0] == '<') {
    size_t close = s.find('>');
    if (close == std::string_view::npos || close < 2 || close > 4) return false;
    pri = 0;
    for (size_t i = 1; i < close; ++i) {
      if (!is_digit(s[i])) return false;
      pri = pri * 10 + (s[i] - '0');
    }
    if (pri > 191) return false;
    s.remove_prefix(close + 1);
    if (s.size() > 2 && s[0] == '1' && s[1] == ' ') {
      s.remove_prefix(2);
      return parse_5424(s, pri, opt, ev, program, message);
    }
  }
  int64_t t = 0;
  size_t used = parse_bsd_stamp(s, opt, &t);
  if (used == 0 && !parse_iso8601(s, opt.clock, &t, &used)) return false;
  ev.time_us = t;
  s.remove_prefix(used);
  if (s.empty() || s[0] != ' ') return false;
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  std::string_view host = next_token(s);
  if (host.empty()) return false;
  ev.set("host", host);
  if (pri >= 0) {
    ev.set("facility", std::to_string(pri / 8));
    ev.set("severity", std::to_string(pri % 8));
  }
  // TAG[PID]: message   (the tag ends at '[', ':' or a space; some old programs put spaces in the tag,
  // "-- root[2421]: ROOT LOGIN ON tty2", which is accepted when "[PID]:" follows soon)
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  size_t p = 0;
  while (p < s.size() && s[p] != '[' && s[p] != ':' && s[p] != ' ') ++p;
  if (p < s.size() && s[p] == ' ') {
    const size_t br = s.substr(0, 64).find('[');
    const size_t end = br == std::string_view::npos ? br : s.find("]: ", br);
    if (end != std::string_view::npos && end < 72) {
      bool digits_only = end > br + 1;
      for (size_t i = br + 1; i < end; ++i) digits_only &= is_digit(s[i]);
      if (digits_only) p = br;
    }
  }
  std::string_view tag = s.substr(0, p);
  std::string_view pid;
  if (p < s.size() && s[p] == '[') {
    size_t close = s.find(']', p);
    if (close != std::string_view::npos) {
      pid = s.substr(p + 1, close - p - 1);
      p = close + 1;
    }
  }
  if (p < s.size() && s[p] == ':') {
    program.assign(tag);
    ev.set("program", tag);
    if (!pid.empty()) ev.set("pid", pid);
    ++p;
    if (p < s.size() && s[p] == ' ') ++p;
    *message = s.substr(p);
  } else {
    *message = s;  // no tag: the whole rest is the message
  }
  ev.set("message", *message);
  return true;
}

std::string_view normalize_program(std::string_view program, std::string& buf) {
  size_t paren = program.find('(');
  if (paren != std::string_view::npos) program = program.substr(0, paren);
  size_t slash = program.rfind('/');
  if (slash != std::string_view::npos) program = program.substr(slash + 1);
  ascii_lower(program, buf);
  if (buf == "sshd-session" || buf == "sshd-auth") buf = "sshd";
  return buf;
}

std::unique_ptr<LogParser> make_syslog_parser(const ParseOptions& options, bool auth) {
  return std::make_unique<SyslogParser>(options, auth);
}

}  // namespace picket::host
