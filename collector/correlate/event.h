#pragma once
// What correlation sees of an alert: the alert itself plus the agent it came from, and the one set of
// normalised field names used across engines in group-by, value and alias fields:
//
//   src_ip, dest_ip, src_port, dest_port, proto, app_proto, agent, org, host, user, rule, engine,
//   severity, signature (the rule title), plus any parsed field: log fields by their Sigma names,
//   alert metadata, http.hostname, http.url, file.path, file.sha256.
//
//   Event ev = Event::from_alert(alert, agent_key, epoch, "web-01", "org=finance");
//   std::optional<std::string> ip = field_value(ev, "src_ip");
//
// Plain values; no threads.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "picket.pb.h"

namespace picket::collector::correlate {

// The identity of one stored alert (as in Incident.members).
struct Member {
  std::string agent_key;
  std::string epoch;
  uint64_t seq = 0;
  bool operator==(const Member&) const = default;
};

// A member alert as the engine keeps it: its stream (agent key + spool epoch) interned by the engine, and seq.
struct MemberId {
  uint32_t stream = 0;
  uint64_t seq = 0;
  bool operator==(const MemberId&) const = default;
};

// Views, not copies: what an Event names (the alert, the agent's key, epoch, name and organisation) must
// outlive the Engine::process() call it is passed to.
struct Event {
  int64_t time_us = 0;
  int64_t first_time_us = 0;  // earliest member's event time (chained matches); 0: time_us
  std::string rule;           // qualified id: "suricata:2010935", "correlation:<id>"
  std::string_view bare_rule;  // the engine's rule id alone ("2010935", the Sigma uuid)
  std::string_view name;       // the rule's title, or its Sigma `name` from metadata
  std::string_view agent;
  std::string_view org;
  uint32_t severity = 3;
  const v1::Alert* alert = nullptr;                           // alerts
  const std::map<std::string, std::string>* group = nullptr;  // chained correlations: their group values
  // Alerts: the alert's own identity.
  std::string_view agent_key;
  std::string_view epoch;
  uint64_t seq = 0;
  // Chained correlations: their members (ids of the engine that made the match), shared with its windows.
  std::shared_ptr<const std::vector<MemberId>> members;

  static Event from_alert(const v1::Alert& alert, std::string_view agent_key, std::string_view epoch,
                          std::string_view agent, std::string_view org);
};

// The value of a field as a view into the event, or into `*scratch` for values made on the fly (ports,
// severity); nullopt when the event has none.
std::optional<std::string_view> field_view(const Event& ev, std::string_view field, std::string* scratch);

// The value of a normalised or parsed field, or nullopt when the event has none.
std::optional<std::string> field_value(const Event& ev, std::string_view field);

}  // namespace picket::collector::correlate
