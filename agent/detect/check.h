#pragma once
// picket-agent --check-config support: loads the Suricata rules named by --rules (files ending in .rules
// and folders) and by detect.rule-files, prints every rejected rule as `FILE:LINE: sid N: message` and a
// one-line summary, and returns the exit code: 2 when Suricata rules were asked for and none loads, 1 with
// `strict` when any was rejected, else 0; -1 when no Suricata rules were asked for at all.
// Control plane; the calling thread only.
#include <ostream>
#include <string>
#include <vector>

#include "common/config.h"

namespace picket::detect {

// The Suricata rule paths among `paths` (folders, *.rules files) plus detect.rule-files.
std::vector<std::string> suricata_rule_paths(const std::vector<std::string>& paths, const config::Settings& settings);
int check_config_rules(const std::vector<std::string>& paths, const config::Settings& settings, bool strict,
                       std::ostream& out);

}  // namespace picket::detect
