#include "agent/yara/rule_check.h"

#include "agent/yara/rules.h"

namespace picket::yara {

std::vector<std::string> claim_yara_paths(std::vector<std::string>* args) {
  std::vector<std::string> mine;
  std::vector<std::string> rest;
  for (auto& a : *args) {
    (is_yara_path(a) ? mine : rest).push_back(std::move(a));
  }
  *args = std::move(rest);
  return mine;
}

YaraCheck check_yara_rules(const std::vector<std::string>& paths) {
  YaraCheck out;
  if (paths.empty()) {
    return out;
  }
  CompileResult r = compile_rules(paths);
  out.rules = r.rules ? r.rules->rule_count() : 0;
  out.files_loaded = r.loaded.size();
  out.files_failed = r.failed.size();
  out.diag = std::move(r.diag);
  return out;
}

int check_config_rules(const std::vector<std::string>& paths, const config::Settings& settings, bool strict,
                       std::ostream& err) {
  std::vector<std::string> all = settings.get_list("yara.rules");
  all.insert(all.end(), paths.begin(), paths.end());
  if (all.empty()) {
    return -1;
  }
  YaraCheck c = check_yara_rules(all);
  for (const auto& e : c.diag.errors()) {
    err << e.format() << '\n';
  }
  err << "picket-agent: YARA: " << c.rules << " rules from " << c.files_loaded << " files (" << c.files_failed
      << " rejected)\n";
  if (c.rules == 0) {
    return 2;
  }
  return strict && (c.files_failed > 0 || !c.diag.ok()) ? 1 : 0;
}

}  // namespace picket::yara
