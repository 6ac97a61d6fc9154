// picketctl: the admin and operator command line (keys and enrollment, live watch, queries, rule checks).
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "common/cli.h"
#include "ctl/command.h"
#include "ctl/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"picketctl: administer and operate Picket (keys, enrollment, live watch, queries, rule checks)."};
  app.set_version_flag("--version", std::string("picketctl ") + PICKET_VERSION);
  app.require_subcommand(1);
  int exit_code = picket::kExitOk;
  for (const picket::ctl::Command& cmd : picket::ctl::kCommands) cmd.setup(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return picket::kExitUsage;
  }
  return exit_code;
}
