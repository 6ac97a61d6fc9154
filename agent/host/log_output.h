#pragma once
// How host log events leave the agent: Sigma matches become picket::v1::Alert (engine sigma), and with
// --emit-events every parsed event is an EVE `event_type: log` line.
//
//   v1::Alert a = picket::host::make_sigma_alert(rule, ev, "/var/log/auth.log", "auth");
//   std::string line = picket::host::render_log_event(ev, "/var/log/auth.log", "auth");
//
// Pure functions; any thread.
#include <string>
#include <string_view>

#include "agent/host/log_event.h"
#include "agent/host/sigma/sigma.h"
#include "picket.pb.h"

namespace picket::host {

// rule: engine sigma, rule_id = the rule's id (uuid), derived sid, title, severity from level, category =
// the log source category (or service), tags; log: source, format, raw line, parsed fields, offset.
v1::Alert make_sigma_alert(const SigmaRule& rule, const LogEvent& ev, std::string_view source,
                           std::string_view format);

// One EVE line (no newline): timestamp, event_type "log", log.{source,format,line,offset,fields}.
std::string render_log_event(const LogEvent& ev, std::string_view source, std::string_view format);

}  // namespace picket::host
