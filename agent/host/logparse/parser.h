#pragma once
// Pure log-line parsers: bytes in, LogEvents (fields under Sigma's names) out. No I/O.
//
//   auto p = picket::host::make_parser("auth", {});          // syslog, auth, auditd, nginx, apache, json
//   p->parse(line, offset, [&](const picket::host::LogEvent& ev) { match(ev); });
//   p->flush(sink);                                           // end of input: auditd emits what it holds
//
// A line may give zero events (auditd buffers the records of one event until it is complete) or several.
// Hostile input never throws: a line that does not fit the format still gives an event with `parsed=false`
// (raw line and log source only, so keyword rules still see it) and bumps `stats().unparsed`.
// One parser per thread; parsers keep per-stream state (auditd grouping, year inference).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/host/log_event.h"
#include "agent/host/logparse/clock.h"

namespace picket::host {

using EventSink = std::function<void(const LogEvent&)>;

struct ParseOptions {
  LocalClock clock;     // zone of year-less and zone-less stamps
  int64_t now_us = 0;   // reference "now" for year inference; 0: the wall clock at each line
};

struct ParseStats {
  uint64_t lines = 0;
  uint64_t events = 0;
  uint64_t unparsed = 0;   // lines that did not fit the format
  uint64_t too_long = 0;   // lines cut at kMaxLineBytes
};

class LogParser {
 public:
  static constexpr size_t kMaxLineBytes = 64 * 1024;
  virtual ~LogParser() = default;
  virtual void parse(std::string_view line, uint64_t offset, const EventSink& sink) = 0;
  // Emits buffered events (auditd); call at end of input or when the source goes idle.
  virtual void flush(const EventSink&) {}
  const ParseStats& stats() const { return stats_; }

 protected:
  ParseStats stats_;
};

// The --log-format values: syslog, auth, auditd, nginx, apache, json. nullptr for an unknown name.
std::unique_ptr<LogParser> make_parser(std::string_view format, const ParseOptions& options);
const std::vector<std::string>& log_formats();

// ---- building blocks shared by the parsers (exposed for tests) ----

// Parses an RFC 3164 / RFC 5424 / "ISO-stamp host prog[pid]: msg" header into `ev` (fields host, program,
// pid, message; msgid, facility, severity for 5424). Returns false when the line has no syslog header.
bool parse_syslog_line(std::string_view line, const ParseOptions& opt, LogEvent& ev, std::string& program,
                       std::string_view* message);

// Program name as a Sigma service: "sshd(pam_unix)" -> "sshd", "CRON" -> "cron", "sshd-session" -> "sshd".
std::string_view normalize_program(std::string_view program, std::string& buf);

// Adds auth.log-specific fields (sshd, sudo, su, useradd/groupadd/usermod, passwd, pam) from the message.
void extract_auth_fields(std::string_view service, std::string_view message, LogEvent& ev);

}  // namespace picket::host
