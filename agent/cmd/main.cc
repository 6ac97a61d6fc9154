// picket-agent: the per-server daemon, and the offline analysis modes (--read-pcap, --read-log, --scan-path).
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "agent/cmd/agent_schema.h"
#include "common/cli.h"
#include "common/logging.h"

namespace {

struct Options {
  std::string config_path;
  std::vector<std::string> overrides;
  bool check_config = false;
  bool strict = false;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "picket-agent: watches this server's traffic, logs and files with Suricata, Sigma and YARA rules and sends\n"
      "alerts to the Picket collector. Without --config the embedded defaults apply."};
  app.set_version_flag("--version", std::string("picket-agent ") + PICKET_VERSION);
  Options opt;
  app.add_option("-c,--config", opt.config_path, "configuration file (YAML)");
  app.add_option("--set", opt.overrides, "override a configuration key: --set KEY=VALUE (repeatable)")
      ->type_name("KEY=VALUE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--check-config", opt.check_config,
               "validate the configuration and rules, print every error and exit (2 on a config error)");
  app.add_flag("--strict", opt.strict, "with --check-config: any rejected rule is an error (exit 1)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return picket::kExitUsage;
  }

  picket::config::Schema schema = picket::agent::build_agent_schema();
  picket::config::Loaded loaded = picket::load_program_config(schema, opt.config_path, opt.overrides);
  if (opt.check_config) return picket::report_config(loaded, "picket-agent", std::cout, std::cerr);
  if (int rc = picket::report_config(loaded, "picket-agent", std::cout, std::cerr, true); rc != 0) return rc;
  picket::init_logging(loaded.settings, "picket-agent");

  std::cerr << "picket-agent: nothing to do: no capture, log or file inputs are configured\n";
  return picket::kExitConfigError;
}
