#pragma once
// The table of picketctl subcommands, in the order `picketctl --help` lists them.
#include <array>

#include "ctl/command.h"

namespace picket::ctl {

void setup_version(CLI::App& app, int* exit_code);
void setup_keygen(CLI::App& app, int* exit_code);
void setup_agents(CLI::App& app, int* exit_code);
void setup_rules(CLI::App& app, int* exit_code);
void setup_alerts(CLI::App& app, int* exit_code);
void setup_incidents(CLI::App& app, int* exit_code);
void setup_incident(CLI::App& app, int* exit_code);
void setup_watch(CLI::App& app, int* exit_code);

inline constexpr std::array kCommands = {
    Command{.name = "version", .setup = setup_version},
    Command{.name = "keygen", .setup = setup_keygen},
    Command{.name = "agents", .setup = setup_agents},
    Command{.name = "rules", .setup = setup_rules},
    Command{.name = "watch", .setup = setup_watch},
    Command{.name = "alerts", .setup = setup_alerts},
    Command{.name = "incidents", .setup = setup_incidents},
    Command{.name = "incident", .setup = setup_incident},
};

}  // namespace picket::ctl
