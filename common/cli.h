#pragma once
// Helpers shared by the three programs' command lines.
//
//   auto loaded = load_program_config(schema, config_path, overrides);
//   if (check_config) return report_check(loaded, "picket-agent", std::cout, std::cerr);
#include <iosfwd>
#include <string>
#include <vector>

#include "common/config.h"

namespace picket {

// Exit codes shared by picket-agent, picket-collector and picketctl.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;      // a runtime failure, or --strict with rejected rules
inline constexpr int kExitConfigError = 2;  // bad config, or no rule at all loaded
inline constexpr int kExitUsage = 64;       // bad command line (EX_USAGE)

// Loads `path` (or only the embedded defaults when it is empty) with the --set overrides.
config::Loaded load_program_config(const config::Schema& schema, const std::string& path,
                                   const std::vector<std::string>& overrides);

// Prints each config error on `err` (one line each, FILE:LINE:COLUMN: message) and returns the exit code:
// kExitConfigError on any error, else kExitOk after printing "<program>: configuration OK" on `out`.
int report_config(const config::Loaded& loaded, const std::string& program, std::ostream& out, std::ostream& err,
                  bool quiet_ok = false);

}  // namespace picket
