#include "agent/host/sigma_check.h"

#include <filesystem>

#include "agent/host/sigma/sigma.h"
#include "common/cli.h"

namespace picket::host {
namespace fs = std::filesystem;

namespace {

bool yaml_name(const std::string& p) { return p.ends_with(".yml") || p.ends_with(".yaml"); }

bool folder_has_yaml(const std::string& dir) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && yaml_name(it->path().string())) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> sigma_rule_paths(const std::vector<std::string>& paths, const config::Settings& settings) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec) ? folder_has_yaml(p) : yaml_name(p)) out.push_back(p);
  }
  for (const auto& p : settings.get_list("host.sigma-rules")) out.push_back(p);
  return out;
}

int check_config_sigma(const std::vector<std::string>& paths, const config::Settings& settings, bool strict,
                       std::ostream& out) {
  const std::vector<std::string> mine = sigma_rule_paths(paths, settings);
  if (mine.empty()) return -1;
  SigmaLoad load = load_sigma_paths(mine);
  for (const auto& e : load.diag.errors()) out << e.format() << '\n';
  for (const auto& w : load.diag.warnings()) out << w.format() << '\n';
  size_t active = 0;
  for (const auto& r : load.rules) active += logsource_feedable(r.logsource) ? 1 : 0;
  out << "picket-agent: sigma: " << load.rules.size() << " rules loaded (" << active << " active), " << load.failed
      << " failed, " << load.correlations << " correlation documents skipped\n";
  if (load.rules.empty()) return kExitConfigError;
  if (strict && load.failed > 0) return kExitFailure;
  return kExitOk;
}

}  // namespace picket::host
