#pragma once
// Configuration keys of the YARA/FIM module, and reading them into the module's option structs.
//
//   config::Schema s; picket::yara::add_yara_keys(s);           // agent/cmd/agent_schema.cc
//   auto opt = picket::yara::monitor_options_from(settings);    // any thread (Settings is immutable)
//
//   yara.rules: [/etc/picket/yara, /opt/signature-base/yara]    rule files or folders
//   yara.cache: true                         compiled rules cached in <agent.state-dir>/yara-cache
//   yara.max-match-data: 64                  bytes of each matched string kept in the alert
//   yara.scan-timeout: 30s                   per file or buffer
//   yara.net.enabled / yara.net.max-bytes-per-flow   network content scanning (net_scan.h)
//   files.watch: [/var/www]                  watched folders (recursive) or files
//   files.exclude: ["*.log", "/var/www/cache/*"]   globs on the full path or the base name
//   files.max-size: 32MB                     larger files are not YARA-scanned (FIM still hashes them)
//   files.scan-rate: 200                     files scanned per second at most, 0 = unlimited
//   files.queue-size: 10000                  pending paths; events beyond it are dropped and counted
//   files.scan-threads: 1
//   fim.enabled: true                        baseline and change alerts for the watched paths
//   fim.baseline: ""                         default <agent.state-dir>/fim/baseline.json
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/config.h"

namespace picket::yara {

void add_yara_keys(config::Schema& schema);

struct MonitorOptions {
  std::vector<std::string> rules;          // yara.rules
  std::string rules_cache_dir;             // "" = no cache
  uint32_t max_match_data = 64;
  int scan_timeout_s = 30;
  std::vector<std::string> watch;          // files.watch
  std::vector<std::string> exclude;        // files.exclude
  uint64_t max_file_size = 32ull << 20;    // files.max-size
  uint32_t scan_rate = 200;                // files per second, 0 = unlimited
  uint32_t queue_size = 10000;
  uint32_t scan_threads = 1;
  bool fim = true;
  std::string fim_baseline;                // "" = in memory only
};

MonitorOptions monitor_options_from(const config::Settings& settings);

struct NetScanSettings {
  bool enabled = false;
  uint64_t max_bytes_per_flow = 1ull << 20;
};
NetScanSettings net_scan_settings_from(const config::Settings& settings);

}  // namespace picket::yara
