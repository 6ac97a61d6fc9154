// picketctl version: the program's version and the wire schema version it speaks.
#include <iostream>

#include "ctl/commands.h"
#include "picket.pb.h"

namespace picket::ctl {

void setup_version(CLI::App& app, int* exit_code) {
  CLI::App* sub = app.add_subcommand("version", "print picketctl's version and wire schema version");
  sub->callback([exit_code] {
    std::cout << "picketctl " << PICKET_VERSION << " (wire schema v" << v1::SCHEMA_VERSION_1 << ")\n";
    *exit_code = 0;
  });
}

}  // namespace picket::ctl
