#include "agent/detect/reload.h"

namespace picket::detect {

bool EngineHolder::reload(const std::vector<std::string>& paths, const EngineConfig& cfg, Diagnostics* diag) {
  std::lock_guard lock(reload_mu_);
  if (cfg.error) {  // a bad engine setting (action-order): keep the previous rule set
    if (diag != nullptr) diag->add(*cfg.error);
    return false;
  }
  RuleSet rules = load_rules(paths, cfg.vars);
  Diagnostics local;
  local.merge(rules.diag);
  auto engine = Engine::build(std::move(rules), cfg, &local);
  if (engine->rules().empty()) {
    local.add(Error{.message = "no rule loaded; keeping the previous rule set", .reason = "no rules"});
    if (diag != nullptr) diag->merge(local);
    return false;
  }
  if (diag != nullptr) diag->merge(local);
  set(std::move(engine));
  return true;
}

}  // namespace picket::detect
