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
  s.add({.key = "detect.rule-files", .type = Type::kStringList,
         .help = "Suricata rule files or folders to load (picket-agent --rules adds to them)",
         .aliases = {"rule-files"}});
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
  return c;
}

}  // namespace picket::detect
