#include "ctl/query_util.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "collector/cmd/collector_schema.h"
#include "collector/store/sqlite_store.h"
#include "collector/store/store_config.h"
#include "common/cli.h"
#include "common/eve/eve.h"
#include "common/rule_id.h"

namespace picket::ctl {

Result<std::unique_ptr<collector::store::Store>> open_store_for_query(const std::string& config_path,
                                                                      const std::string& store_path,
                                                                      bool read_only) {
  std::string path = store_path;
  if (path.empty()) {
    config::Schema schema = collector::build_collector_schema();
    config::Loaded loaded = load_program_config(schema, config_path, {});
    if (!loaded.diag.ok()) return loaded.diag.errors().front();
    path = collector::store::store_options(loaded.settings).path;
  }
  if (::access(path.c_str(), R_OK) != 0) {
    return Error{.file = path, .message = "no collector store here (give --store FILE or --config FILE)"};
  }
  return collector::store::open_sqlite({.path = path, .read_only = read_only});
}

bool parse_since(std::string_view text, int64_t now_us, int64_t* since_us) {
  std::chrono::milliseconds ms{};
  if (!text.empty() && text.find('-') == std::string_view::npos && config::parse_duration(text, &ms)) {
    *since_us = now_us - ms.count() * 1000;
    return true;
  }
  std::string s(text);
  struct tm tm {};
  int n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &n) == 6 &&
      (static_cast<size_t>(n) == s.size() || (static_cast<size_t>(n) + 1 == s.size() && s.back() == 'Z'))) {
  } else if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) == 3 &&
             static_cast<size_t>(n) == s.size()) {
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  } else {
    return false;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  time_t t = timegm(&tm);
  if (t == static_cast<time_t>(-1)) return false;
  *since_us = static_cast<int64_t>(t) * 1'000'000;
  return true;
}

bool parse_severity(std::string_view t, uint32_t* max_severity) {
  if (t == "1" || t == "critical" || t == "high") *max_severity = 1;
  else if (t == "2" || t == "medium") *max_severity = 2;
  else if (t == "3" || t == "low") *max_severity = 3;
  else if (t == "4" || t == "informational" || t == "info") *max_severity = 4;
  else return false;
  return true;
}

namespace {

const char* colour_of(uint32_t severity) {
  switch (severity) {
    case 1: return "\033[1;31m";  // bold red
    case 2: return "\033[33m";    // yellow
    case 3: return "\033[36m";    // cyan
    default: return "\033[2m";    // dim
  }
}

std::string endpoint(const std::string& ip, uint32_t port) {
  if (ip.empty()) return {};
  bool v6 = ip.find(':') != std::string::npos;
  std::string out = v6 ? "[" + ip + "]" : ip;
  if (port) out += ":" + std::to_string(port);
  return out;
}

}  // namespace

std::string render_alert_line(const v1::Alert& a, std::string_view agent, std::string_view org, bool colour) {
  uint32_t sev = a.rule().severity() ? a.rule().severity() : 3;
  std::string out;
  if (colour) out += colour_of(sev);
  out += eve::format_timestamp(a.event_time_us());
  out += " sev" + std::to_string(sev) + " ";
  out += agent.empty() ? std::string_view("-") : agent;
  if (!org.empty()) {
    out += " (";
    out += org;
    out += ")";
  }
  out += " " + qualified_rule_id(a.rule()) + " " + a.rule().title();
  if (a.has_net()) {
    out += "  " + endpoint(a.net().src_ip(), a.net().src_port()) + " -> " +
           endpoint(a.net().dest_ip(), a.net().dest_port());
  }
  if (a.has_file() && !a.file().path().empty()) out += "  " + a.file().path();
  if (a.has_log() && !a.log().line().empty()) out += "  \"" + a.log().line().substr(0, 160) + "\"";
  if (colour) out += "\033[0m";
  return out;
}

std::string render_incident_line(const v1::Incident& inc, bool colour) {
  uint32_t sev = inc.severity() ? inc.severity() : 3;
  std::string out;
  if (colour) out += colour_of(sev);
  out += "INCIDENT " + inc.id() + " sev" + std::to_string(sev) + " [" + inc.status() + "] " + inc.title();
  out += "  " + eve::format_timestamp(inc.first_seen_us()) + " .. " + eve::format_timestamp(inc.last_seen_us());
  std::string agents;
  for (const auto& a : inc.agents()) agents += (agents.empty() ? "" : ",") + a;
  // The lists name at most the collector's correlate.max-listed; the counts say how many there are.
  auto more = [](int listed, uint32_t count) {
    return count > static_cast<uint32_t>(listed) ? " (+" + std::to_string(count - static_cast<uint32_t>(listed)) + " more)"
                                                  : std::string();
  };
  if (!agents.empty()) out += "  agents=" + agents + more(inc.agents_size(), inc.agent_count());
  std::string orgs;
  for (const auto& o : inc.orgs()) orgs += (orgs.empty() ? "" : ";") + o;
  if (!orgs.empty()) out += "  orgs=" + orgs + more(inc.orgs_size(), inc.org_count());
  if (inc.members_size()) out += "  members=" + std::to_string(inc.members_size());
  if (colour) out += "\033[0m";
  return out;
}

bool stdout_is_tty() { return ::isatty(STDOUT_FILENO) == 1; }

}  // namespace picket::ctl
