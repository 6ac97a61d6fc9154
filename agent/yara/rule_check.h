#pragma once
// Checking YARA rules for `picket-agent --check-config` and `picketctl rules check` (the `yara` entry).
//
//   std::vector<std::string> rest = opt.rules;
//   auto yara_paths = picket::yara::claim_yara_paths(&rest);      // *.yar / *.yara files and their folders
//   auto check = picket::yara::check_yara_rules(yara_paths);
//   for (const auto& e : check.diag.errors()) std::cerr << e.format() << '\n';   // FILE:LINE: message
//   // check.rules, check.files_loaded, check.files_failed
//
// Compiles without the cache, so what is printed is what the files say now. Any thread.
#include <cstdint>
#include <string>
#include <vector>

#include <ostream>

#include "common/config.h"
#include "common/error.h"

namespace picket::yara {

struct YaraCheck {
  uint32_t rules = 0;
  size_t files_loaded = 0;
  size_t files_failed = 0;
  Diagnostics diag;
};

// Moves the arguments the YARA engine takes (is_yara_path) out of `args` and returns them.
std::vector<std::string> claim_yara_paths(std::vector<std::string>* args);
YaraCheck check_yara_rules(const std::vector<std::string>& paths);

// --check-config: checks `paths` plus yara.rules, prints each error and a summary line on `err`, and
// returns 2 when YARA rules were asked for and none loads, 1 with `strict` when a file was rejected, 0
// otherwise, and -1 when no YARA rules were asked for.
int check_config_rules(const std::vector<std::string>& paths, const config::Settings& settings, bool strict,
                       std::ostream& err);

}  // namespace picket::yara
