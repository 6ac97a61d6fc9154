// picketctl: the admin and operator command line (keys and enrollment, live watch, queries, rule checks).
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/cli.h"
#include "common/transport/keys.h"
#include "ctl/command.h"
#include "ctl/commands.h"

namespace {

// A Z85 public key may start with '-' (1 key in 85), which the option parser would take for an option:
// `picketctl agents add NAME -KEY...` (as picket-agent-enroll prints it). Such a key given to `agents add`
// (not as the value of an option) is moved behind `--`, where it can only be the PUBKEY positional.
std::vector<std::string> key_safe_args(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (args.size() < 5 || args[1] != "agents" || args[2] != "add") return args;
  std::vector<std::string> out(args.begin(), args.begin() + 3), keys;
  bool after_dashes = false;
  for (size_t i = 3; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool option_value = !out.empty() && out.back().rfind("--", 0) == 0 && out.back() != "--" &&
                              out.back().find('=') == std::string::npos;
    if (!after_dashes && !option_value && a.size() == 40 && a[0] == '-' && picket::transport::is_z85_key(a)) {
      keys.push_back(a);
      continue;
    }
    if (a == "--") after_dashes = true;
    out.push_back(a);
  }
  if (keys.empty()) return args;
  if (!after_dashes) out.push_back("--");
  out.insert(out.end(), keys.begin(), keys.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"picketctl: administer and operate Picket (keys, enrollment, live watch, queries, rule checks)."};
  app.set_version_flag("--version", std::string("picketctl ") + PICKET_VERSION);
  app.require_subcommand(1);
  int exit_code = picket::kExitOk;
  for (const picket::ctl::Command& cmd : picket::ctl::kCommands) cmd.setup(app, &exit_code);
  try {
    std::vector<std::string> args = key_safe_args(argc, argv);
    std::vector<char*> ptrs;
    for (std::string& a : args) ptrs.push_back(a.data());
    app.parse(static_cast<int>(ptrs.size()), ptrs.data());
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return picket::kExitUsage;
  }
  return exit_code;
}
