// picket-collector: the central service.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "collector/cmd/collector_schema.h"
#include "collector/cmd/daemon.h"
#include "collector/cmd/pipeline_service.h"
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
      "picket-collector: admits enrolled agents, stores their alerts, correlates them into incidents and\n"
      "streams them to operators. Without --config the embedded defaults apply."};
  app.set_version_flag("--version", std::string("picket-collector ") + PICKET_VERSION);
  Options opt;
  app.add_option("-c,--config", opt.config_path, "configuration file (YAML)");
  app.add_option("--set", opt.overrides, "override a configuration key: --set KEY=VALUE (repeatable)")
      ->type_name("KEY=VALUE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--check-config", opt.check_config,
               "validate the configuration and correlation rules, print every error and exit (2 on a config error)");
  app.add_flag("--strict", opt.strict, "with --check-config: any rejected rule is an error (exit 1)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return picket::kExitUsage;
  }

  picket::config::Schema schema = picket::collector::build_collector_schema();
  picket::config::Loaded loaded = picket::load_program_config(schema, opt.config_path, opt.overrides);
  if (opt.check_config) {
    if (!loaded.diag.ok()) return picket::report_config(loaded, "picket-collector", std::cout, std::cerr);
    picket::Diagnostics rules;  // correlation rules: FILE:LINE: message each
    size_t loaded_rules = picket::collector::check_correlation_rules(loaded.settings, &rules);
    std::cerr << rules.format();
    if (loaded_rules == 0 && !rules.ok()) return picket::kExitConfigError;
    if (opt.strict && !rules.ok()) return picket::kExitFailure;
    std::cout << "picket-collector: " << loaded_rules << " correlation rules loaded\n";
    return picket::report_config(loaded, "picket-collector", std::cout, std::cerr);
  }
  if (int rc = picket::report_config(loaded, "picket-collector", std::cout, std::cerr, true); rc != 0) return rc;
  picket::init_logging(loaded.settings, "picket-collector");

  return picket::collector::run_collector(loaded.settings);
}
