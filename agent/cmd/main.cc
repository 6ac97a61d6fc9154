// picket-agent: the per-server daemon, and the offline analysis modes (--read-pcap, --read-log, --scan-path).
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "agent/cmd/agent_schema.h"
#include "agent/cmd/modes.h"
#include "common/cli.h"
#include "common/logging.h"

int main(int argc, char** argv) {
  CLI::App app{
      "picket-agent: watches this server's traffic, logs and files with Suricata, Sigma and YARA rules and sends\n"
      "alerts to the Picket collector. Without --config the embedded defaults apply."};
  app.set_version_flag("--version", std::string("picket-agent ") + PICKET_VERSION);
  picket::agent::AgentOptions opt;
  app.add_option("-c,--config", opt.config_path, "configuration file (YAML)");
  app.add_option("--set", opt.overrides, "override a configuration key: --set KEY=VALUE (repeatable)")
      ->type_name("KEY=VALUE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--check-config", opt.check_config,
               "validate the configuration and rules, print every error and exit (2 on a config error or when "
               "no rule loads)");
  app.add_flag("--strict", opt.strict, "with --check-config: any rejected rule is an error (exit 1)");
  app.add_option("--rules", opt.rules, "rule file or folder (repeatable; .rules, .yml/.yaml, .yar/.yara)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--eve-log", opt.eve_log, "write EVE JSON lines to FILE (offline modes)");
  app.add_option("--eve-types", opt.eve_types, "event types to write: alert,flow,http,dns,tls,log");
  app.add_option("--read-pcap", opt.read_pcap, "offline: process a pcap or pcapng file and exit");
  std::string checksum_checks;  // Suricata's -k: same as --set decoder.checksum-checks=VALUE
  app.add_option("-k", checksum_checks, "checksum validation: auto, all or none (as Suricata's -k)")
      ->check(CLI::IsMember({"auto", "all", "none"}));
  app.add_option("--read-log", opt.read_log, "offline: process a log file and exit");
  app.add_option("--log-format", opt.log_format, "format of --read-log: syslog, auth, auditd, nginx, apache, json");
  app.add_flag("--emit-events", opt.emit_events, "write every parsed log event as EVE event_type log");
  app.add_flag("--follow", opt.follow,
               "with --read-log: keep following FILE across rotations until SIGTERM/SIGINT, saving read offsets "
               "in host.offsets-dir so a restart neither loses nor repeats a line");
  app.add_option("--scan-path", opt.scan_path, "offline: YARA-scan a folder and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return picket::kExitUsage;
  }
  if (!checksum_checks.empty()) opt.overrides.push_back("decoder.checksum-checks=" + checksum_checks);

  picket::config::Schema schema = picket::agent::build_agent_schema();
  picket::config::Loaded loaded = picket::load_program_config(schema, opt.config_path, opt.overrides);
  if (opt.check_config) {
    if (int rc = picket::report_config(loaded, "picket-agent", std::cout, std::cerr, true); rc != 0) return rc;
    return picket::agent::run_check_config(opt, loaded.settings);
  }
  if (int rc = picket::report_config(loaded, "picket-agent", std::cout, std::cerr, true); rc != 0) return rc;
  picket::init_logging(loaded.settings, "picket-agent");

  if (!opt.read_pcap.empty()) return picket::agent::run_read_pcap(opt, loaded.settings);
  if (!opt.read_log.empty()) return picket::agent::run_read_log(opt, loaded.settings);
  if (!opt.scan_path.empty()) return picket::agent::run_scan_path(opt, loaded.settings);
  return picket::agent::run_daemon(opt, loaded.settings);
}
