#pragma once
// picket-agent's modes. main.cc parses the command line into AgentOptions, loads the configuration and calls
// exactly one mode. Each mode lives in its own file (read_pcap.cc, read_log.cc, scan_path.cc, daemon.cc,
// check_config.cc) and returns the process exit code (common/cli.h).
#include <string>
#include <vector>

#include "common/config.h"

namespace picket::agent {

struct AgentOptions {
  std::string config_path;             // -c/--config
  std::vector<std::string> overrides;  // --set KEY=VALUE
  bool check_config = false;           // --check-config
  bool strict = false;                 // --strict
  std::vector<std::string> rules;      // --rules PATH (repeatable; file or folder; any rule language)
  std::string eve_log;                 // --eve-log FILE
  std::string eve_types;               // --eve-types alert,flow,http,dns,tls,log
  std::string read_pcap;               // --read-pcap FILE
  std::string read_log;                // --read-log FILE
  std::string log_format;              // --log-format FORMAT
  bool emit_events = false;            // --emit-events
  bool follow = false;                 // --follow (with --read-log: keep tailing, durable offsets)
  std::string scan_path;               // --scan-path DIR
};

// --check-config: config errors exit 2; rules are loaded and checked too.
int run_check_config(const AgentOptions& opt, const config::Settings& settings);
// --read-pcap FILE: offline network analysis.
int run_read_pcap(const AgentOptions& opt, const config::Settings& settings);
// --read-log FILE --log-format FORMAT: offline log analysis.
int run_read_log(const AgentOptions& opt, const config::Settings& settings);
// --scan-path DIR: offline YARA scan.
int run_scan_path(const AgentOptions& opt, const config::Settings& settings);
// No offline mode: the daemon.
int run_daemon(const AgentOptions& opt, const config::Settings& settings);

}  // namespace picket::agent
