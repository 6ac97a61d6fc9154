#include "agent/detect/config.h"

namespace picket::detect {

void add_detect_keys(config::Schema& s) {
  using config::Type;
  s.add({.key = "vars.address-groups.*", .type = Type::kString,
         .help = "rule address variable, e.g. vars.address-groups.HOME_NET: \"[10.0.0.0/8]\" (Suricata defaults apply)"});
  s.add({.key = "vars.port-groups.*", .type = Type::kString,
         .help = "rule port variable, e.g. vars.port-groups.HTTP_PORTS: \"[80,8080]\" (Suricata defaults apply)"});
  s.add({.key = "classification-file", .type = Type::kString,
         .help = "classification.config mapping classtypes to category and severity (default: built-in table)",
         .aliases = {"detect.classification-file"}});
  s.add({.key = "detect.cache-dir", .type = config::Type::kString,
         .help = "folder for compiled Hyperscan databases, reused while the rules' fast patterns are unchanged "
                 "(start-up and reload without recompiling; empty: no cache)"});
  s.add({.key = "action-order", .type = Type::kStringList, .default_value = "[pass, drop, reject, alert]",
         .help = "order in which rule actions are evaluated (the four actions, each once); a pass rule keeps "
                 "the alerts of the actions before it (their verdict is pass) and drops the later ones"});
  s.add({.key = "packet-alert-max", .type = Type::kInt, .default_value = "15",
         .help = "at most this many alerts per packet (the first in evaluation order are kept)",
         .min = 1, .max = 65535});
  s.add({.key = "detect.rule-files", .type = Type::kStringList,
         .help = "Suricata rule files or folders to load (picket-agent --rules adds to them)",
         .aliases = {"rule-files"}});
}

Result<std::array<uint8_t, 4>> parse_action_order(const std::vector<std::string>& order) {
  std::array<uint8_t, 4> rank{};
  std::array<bool, 4> seen{};
  auto bad = [](std::string m) {
    return Error{.message = "action-order: " + std::move(m) + " (expected pass, drop, reject and alert, each once)",
                 .reason = "bad value"};
  };
  if (order.size() != 4) return bad("has " + std::to_string(order.size()) + " actions");
  for (size_t i = 0; i < order.size(); ++i) {
    Action a;
    if (order[i] == "pass") {
      a = Action::kPass;
    } else if (order[i] == "drop") {
      a = Action::kDrop;
    } else if (order[i] == "reject") {
      a = Action::kReject;
    } else if (order[i] == "alert") {
      a = Action::kAlert;
    } else {
      return bad("unknown action '" + order[i] + "'");
    }
    auto ai = static_cast<size_t>(a);
    if (seen[ai]) return bad("'" + order[i] + "' given twice");
    seen[ai] = true;
    rank[ai] = static_cast<uint8_t>(i);
  }
  return rank;
}

Vars vars_from(const config::Settings& s) {
  Vars v = default_vars();
  constexpr std::string_view kAddr = "vars.address-groups.";
  constexpr std::string_view kPort = "vars.port-groups.";
  for (const auto& k : s.keys_with_prefix(kAddr)) v.addresses[k.substr(kAddr.size())] = s.get_string(k);
  for (const auto& k : s.keys_with_prefix(kPort)) v.ports[k.substr(kPort.size())] = s.get_string(k);
  return v;
}

EngineConfig engine_config_from(const config::Settings& s) {
  EngineConfig c;
  c.vars = vars_from(s);
  // Read only keys that are present: picketctl builds a smaller schema than picket-agent.
  for (const auto& k : s.keys_with_prefix("classification-file")) {
    if (k == "classification-file") c.classification_file = s.get_string(k);
  }
  for (const auto& k : s.keys_with_prefix("detect.cache-dir")) {
    if (k == "detect.cache-dir") c.cache_dir = s.get_string(k);
  }
  for (const auto& k : s.keys_with_prefix("threshold-file")) {
    if (k == "threshold-file") c.threshold_file = s.get_string(k);
  }
  for (const auto& k : s.keys_with_prefix("packet-alert-max")) {
    if (k == "packet-alert-max") c.packet_alert_max = static_cast<uint32_t>(s.get_int(k));
  }
  for (const auto& k : s.keys_with_prefix("action-order")) {
    if (k != "action-order") continue;
    auto rank = parse_action_order(s.get_list(k));
    if (rank) {
      c.action_rank = *rank;
    } else {
      Error e = rank.error();
      config::Location at = s.where(k);
      e.file = at.file;
      e.line = at.line;
      e.column = at.column;
      c.error = std::move(e);
    }
  }
  return c;
}

}  // namespace picket::detect
