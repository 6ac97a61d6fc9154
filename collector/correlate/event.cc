#include "collector/correlate/event.h"

#include <array>

#include "common/rule_id.h"

namespace picket::collector::correlate {

Event Event::from_alert(const v1::Alert& alert, std::string_view agent_key, std::string_view epoch,
                        std::string_view agent, std::string_view org) {
  Event ev;
  ev.time_us = alert.event_time_us();
  ev.rule = qualified_rule_id(alert.rule());
  ev.bare_rule = alert.rule().rule_id();
  if (auto it = alert.rule().metadata().find("name"); it != alert.rule().metadata().end() && it->second.values_size()) {
    ev.name = it->second.values(0);
  } else {
    ev.name = alert.rule().title();
  }
  ev.agent = agent;
  ev.org = org;
  ev.severity = alert.rule().severity() ? alert.rule().severity() : 3;
  ev.alert = &alert;
  ev.agent_key = agent_key;
  ev.epoch = epoch;
  ev.seq = alert.seq();
  return ev;
}

namespace {

// Log field names that other tools use for the normalised names.
constexpr std::array<std::string_view, 8> kSrcIpNames = {"src_ip", "source_ip", "SourceIp", "IpAddress",
                                                          "source.ip", "rhost", "client_ip", "ip"};
constexpr std::array<std::string_view, 4> kDestIpNames = {"dest_ip", "DestinationIp", "destination.ip", "dst_ip"};
constexpr std::array<std::string_view, 7> kUserNames = {"user", "User", "TargetUserName", "username",
                                                         "user.name", "USER", "ruser"};
constexpr std::array<std::string_view, 3> kDestPortNames = {"dest_port", "DestinationPort", "destination.port"};

using View = std::optional<std::string_view>;

template <size_t N>
View from_maps(const v1::Alert& a, const std::array<std::string_view, N>& names, std::string* scratch) {
  for (std::string_view n : names) {
    scratch->assign(n);
    if (a.has_log()) {
      if (auto it = a.log().fields().find(*scratch); it != a.log().fields().end() && !it->second.empty()) {
        return it->second;
      }
    }
    if (auto it = a.metadata().find(*scratch); it != a.metadata().end() && !it->second.empty()) return it->second;
  }
  return std::nullopt;
}

View nonempty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

View number(uint64_t v, std::string* scratch) {
  *scratch = std::to_string(v);
  return *scratch;
}

}  // namespace

View field_view(const Event& ev, std::string_view field, std::string* scratch) {
  if (field == "agent") return ev.agent;
  if (field == "org") return ev.org;
  if (field == "rule") return std::string_view(ev.rule);
  if (ev.group) {
    scratch->assign(field);
    if (auto it = ev.group->find(*scratch); it != ev.group->end()) return it->second;
  }
  if (ev.alert == nullptr) return std::nullopt;
  const v1::Alert& a = *ev.alert;
  const bool net = a.has_net();
  if (field == "src_ip") {
    if (net && !a.net().src_ip().empty()) return a.net().src_ip();
    return from_maps(a, kSrcIpNames, scratch);
  }
  if (field == "dest_ip") {
    if (net && !a.net().dest_ip().empty()) return a.net().dest_ip();
    return from_maps(a, kDestIpNames, scratch);
  }
  if (field == "src_port") {
    if (net && a.net().src_port()) return number(a.net().src_port(), scratch);
    return std::nullopt;
  }
  if (field == "dest_port") {
    if (net && a.net().dest_port()) return number(a.net().dest_port(), scratch);
    return from_maps(a, kDestPortNames, scratch);
  }
  if (field == "proto") return net ? nonempty(a.net().proto()) : std::nullopt;
  if (field == "app_proto") return net ? nonempty(a.net().app_proto()) : std::nullopt;
  if (field == "host") return a.host().empty() ? ev.agent : std::string_view(a.host());
  if (field == "user") return from_maps(a, kUserNames, scratch);
  if (field == "engine") return engine_name(a.rule().engine());
  if (field == "severity") return number(ev.severity, scratch);
  if (field == "signature") return a.rule().title();
  if (field == "http.hostname") return net && a.net().has_http() ? nonempty(a.net().http().hostname()) : std::nullopt;
  if (field == "http.url") return net && a.net().has_http() ? nonempty(a.net().http().url()) : std::nullopt;
  if (field == "file.path") return a.has_file() ? nonempty(a.file().path()) : std::nullopt;
  if (field == "file.sha256") return a.has_file() ? nonempty(a.file().sha256()) : std::nullopt;
  scratch->assign(field);
  if (a.has_log()) {
    if (auto it = a.log().fields().find(*scratch); it != a.log().fields().end()) return it->second;
  }
  if (auto it = a.metadata().find(*scratch); it != a.metadata().end()) return it->second;
  return std::nullopt;
}

std::optional<std::string> field_value(const Event& ev, std::string_view field) {
  std::string scratch;
  View v = field_view(ev, field, &scratch);
  if (!v) return std::nullopt;
  return std::string(*v);
}

}  // namespace picket::collector::correlate
