#pragma once
// The table of picketctl subcommands, in the order `picketctl --help` lists them.
#include <array>

#include "ctl/command.h"

namespace picket::ctl {

void setup_version(CLI::App& app, int* exit_code);

inline constexpr std::array kCommands = {
    Command{.name = "version", .setup = setup_version},
};

}  // namespace picket::ctl
