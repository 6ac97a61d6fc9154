#pragma once
// picket-agent --check-config support for Sigma: loads the Sigma rules named by --rules (.yml/.yaml files,
// and folders that hold such files) and by host.sigma-rules, prints every rejected rule as FILE:LINE: message
// and a summary (loaded, failed, active, correlation documents skipped), and returns the exit code: 2 when
// Sigma rules were asked for and none loads, 1 with `strict` when any was rejected, else 0; -1 when no Sigma
// rules were asked for at all.
// Control plane; the calling thread only.
#include <ostream>
#include <string>
#include <vector>

#include "common/config.h"

namespace picket::host {

// The Sigma rule paths among `paths` plus host.sigma-rules.
std::vector<std::string> sigma_rule_paths(const std::vector<std::string>& paths, const config::Settings& settings);
int check_config_sigma(const std::vector<std::string>& paths, const config::Settings& settings, bool strict,
                       std::ostream& out);

}  // namespace picket::host
