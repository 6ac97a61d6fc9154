#pragma once
// Syslog (RFC 5424) export with a CEF payload, so that existing SIEMs take Picket's alerts and incidents:
//
//   <PRI>1 2026-11-30T10:00:00.123456Z collector-01 picket - alert - CEF:0|Picket|picket|0.1.0|2010935|ET SCAN ...|8|src=...
//
// Over UDP (one datagram per message, cut at `max_message`) or TCP (octet-counting framing, RFC 6587;
// reconnects on the next message after a failure). Messages that cannot be sent are counted as failed,
// never queued without bound.
//
//   auto sink = make_syslog_cef_sink({.target = "udp://siem.example:514"});
//
// format_cef_alert/format_cef_incident/format_syslog are pure and public for tests.
//
// Threads: one thread.
#include <memory>
#include <string>
#include <string_view>

#include "collector/publish/sink.h"
#include "common/result.h"

namespace picket::collector::publish {

struct SyslogOptions {
  std::string target;            // udp://HOST:PORT or tcp://HOST:PORT
  std::string hostname;          // HOSTNAME field; empty: this machine's name
  int facility = 16;             // local0
  size_t max_message = 8192;
};

Result<std::unique_ptr<Sink>> make_syslog_cef_sink(const SyslogOptions& options);

std::string format_cef_alert(const v1::Alert& a, std::string_view agent, std::string_view org);
std::string format_cef_incident(const v1::Incident& inc);
// RFC 5424 line around `msg`; `severity` is Suricata's 1..4.
std::string format_syslog(int facility, uint32_t severity, int64_t time_us, std::string_view hostname,
                          std::string_view msgid, std::string_view msg);

}  // namespace picket::collector::publish
