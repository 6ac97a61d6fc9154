#include "agent/detect/check.h"

#include <filesystem>

#include "agent/detect/config.h"
#include "agent/detect/engine.h"

namespace picket::detect {

std::vector<std::string> suricata_rule_paths(const std::vector<std::string>& paths, const config::Settings& settings) {
  std::vector<std::string> out;
  std::vector<std::string> all = paths;
  for (const auto& k : settings.keys_with_prefix("detect.rule-files")) {
    if (k == "detect.rule-files") {
      for (const auto& p : settings.get_list(k)) all.push_back(p);
    }
  }
  for (const auto& p : all) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec) || p.ends_with(".rules")) out.push_back(p);
  }
  return out;
}

int check_config_rules(const std::vector<std::string>& paths, const config::Settings& settings, bool strict,
                       std::ostream& out) {
  auto rule_paths = suricata_rule_paths(paths, settings);
  if (rule_paths.empty()) return -1;
  EngineConfig cfg = engine_config_from(settings);
  if (cfg.error) {
    out << cfg.error->format() << '\n';
    return 2;
  }
  RuleSet set = load_rules(rule_paths, cfg.vars);
  Diagnostics diag;
  diag.merge(set.diag);
  auto engine = Engine::build(std::move(set), cfg, &diag);
  for (const auto& e : diag.errors()) out << e.format() << '\n';
  size_t rejected = 0;
  for (const auto& e : diag.errors()) rejected += e.sid.has_value() ? 1 : 0;
  out << "picket-agent: suricata rules: " << engine->rules().size() << " loaded, " << rejected << " rejected\n";
  if (engine->rules().empty()) return 2;
  if (strict && !diag.errors().empty()) return 1;
  return 0;
}

}  // namespace picket::detect
