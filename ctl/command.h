#pragma once
// picketctl subcommands. Each command lives in its own file and is listed in ctl/main.cc's table:
//
//   {.name = "keygen", .setup = setup_keygen}
//
// `setup` adds the subcommand (options and its callback) to the CLI11 app. A callback sets `*exit_code`.
#include <CLI/CLI.hpp>

#include <string_view>

namespace picket::ctl {

struct Command {
  std::string_view name;
  void (*setup)(CLI::App& app, int* exit_code);
};

}  // namespace picket::ctl
