#include "common/cli.h"

#include <ostream>

namespace picket {

config::Loaded load_program_config(const config::Schema& schema, const std::string& path,
                                   const std::vector<std::string>& overrides) {
  if (path.empty()) return config::load_text(schema, "", "<defaults>", overrides);
  return config::load_file(schema, path, overrides);
}

int report_config(const config::Loaded& loaded, const std::string& program, std::ostream& out, std::ostream& err,
                  bool quiet_ok) {
  if (!loaded.diag.ok()) {
    err << loaded.diag.format();
    err.flush();
    return kExitConfigError;
  }
  if (!quiet_ok) out << program << ": configuration OK (" << loaded.settings.source() << ")\n";
  return kExitOk;
}

}  // namespace picket
