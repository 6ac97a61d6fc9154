#pragma once
// Helpers shared by the operator commands that read the collector's store (alerts, incidents, incident)
// and by `picketctl watch`: store location, --since and --severity parsing, one-line renderings coloured
// by severity.
//
//   auto st = open_store_for_query(config_path, store_path);     // read-only
//   int64_t since = 0; parse_since("2h", now_us, &since);
//   std::cout << render_alert_line(alert, "web-01", "org=x", use_colour) << '\n';
//
// Plain functions; any thread.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "collector/store/store.h"
#include "common/result.h"
#include "picket.pb.h"

namespace picket::ctl {

// --store FILE when given, else store.path of the collector configuration (--config FILE, else defaults).
Result<std::unique_ptr<collector::store::Store>> open_store_for_query(const std::string& config_path,
                                                                      const std::string& store_path,
                                                                      bool read_only = true);
// "90s", "10m", "2h", "7d" (before now) or a UTC time "2026-11-30T10:00:00[Z]" / "2026-11-30".
bool parse_since(std::string_view text, int64_t now_us, int64_t* since_us);
// "1".."4" or critical/high (1), medium (2), low (3), informational/info (4): the least severe level shown.
bool parse_severity(std::string_view text, uint32_t* max_severity);

std::string render_alert_line(const v1::Alert& a, std::string_view agent, std::string_view org, bool colour);
std::string render_incident_line(const v1::Incident& inc, bool colour);
// Whether stdout is a terminal (colour by default).
bool stdout_is_tty();

}  // namespace picket::ctl
