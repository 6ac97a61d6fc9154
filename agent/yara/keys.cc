#include "agent/yara/keys.h"

namespace picket::yara {

using config::Type;

void add_yara_keys(config::Schema& s) {
  s.add({.key = "yara.rules", .type = Type::kStringList,
         .help = "YARA rule files or folders (*.yar, *.yara below a folder); each file compiles on its own"});
  s.add({.key = "yara.cache", .type = Type::kBool, .default_value = "true",
         .help = "cache compiled YARA rules in <agent.state-dir>/yara-cache"});
  s.add({.key = "yara.max-match-data", .type = Type::kSize, .default_value = "64",
         .help = "bytes of each matched string kept in an alert", .min = 0, .max = 512});
  s.add({.key = "yara.scan-timeout", .type = Type::kDuration, .default_value = "30s",
         .help = "abandon a YARA scan of one file or buffer after this long"});
  s.add({.key = "yara.net.enabled", .type = Type::kBool, .default_value = "false",
         .help = "scan HTTP bodies and reassembled stream data with the YARA rules"});
  s.add({.key = "yara.net.max-bytes-per-flow", .type = Type::kSize, .default_value = "1MB",
         .help = "bytes of one flow scanned with YARA at most"});
  s.add({.key = "files.watch", .type = Type::kStringList,
         .help = "folders (recursive) or files watched with inotify: YARA-scanned and under FIM"});
  s.add({.key = "files.exclude", .type = Type::kStringList,
         .help = "glob patterns (full path or base name) of watched files to ignore"});
  s.add({.key = "files.max-size", .type = Type::kSize, .default_value = "32MB",
         .help = "larger files are not YARA-scanned (FIM still hashes them)"});
  s.add({.key = "files.scan-rate", .type = Type::kInt, .default_value = "200",
         .help = "watched files scanned per second at most (0: unlimited)", .min = 0, .max = 1000000});
  s.add({.key = "files.queue-size", .type = Type::kInt, .default_value = "10000",
         .help = "pending file events; beyond it events are dropped and counted", .min = 16, .max = 10000000});
  s.add({.key = "files.scan-threads", .type = Type::kInt, .default_value = "1",
         .help = "threads scanning watched files", .min = 1, .max = 64});
  s.add({.key = "fim.enabled", .type = Type::kBool, .default_value = "true",
         .help = "keep a baseline of the watched files and alert on create, modify, delete, mode, owner"});
  s.add({.key = "fim.baseline", .type = Type::kString,
         .help = "FIM baseline file (default <agent.state-dir>/fim/baseline.json)"});
}

MonitorOptions monitor_options_from(const config::Settings& s) {
  MonitorOptions o;
  std::string state = s.get_string("agent.state-dir");
  o.rules = s.get_list("yara.rules");
  o.rules_cache_dir = s.get_bool("yara.cache") && !state.empty() ? state + "/yara-cache" : "";
  o.max_match_data = static_cast<uint32_t>(s.get_size("yara.max-match-data"));
  o.scan_timeout_s = static_cast<int>(std::max<int64_t>(1, s.get_duration("yara.scan-timeout").count() / 1000));
  o.watch = s.get_list("files.watch");
  o.exclude = s.get_list("files.exclude");
  o.max_file_size = s.get_size("files.max-size");
  o.scan_rate = static_cast<uint32_t>(s.get_int("files.scan-rate"));
  o.queue_size = static_cast<uint32_t>(s.get_int("files.queue-size"));
  o.scan_threads = static_cast<uint32_t>(s.get_int("files.scan-threads"));
  o.fim = s.get_bool("fim.enabled");
  o.fim_baseline = s.get_string("fim.baseline");
  if (o.fim_baseline.empty() && !state.empty()) {
    o.fim_baseline = state + "/fim/baseline.json";
  }
  return o;
}

NetScanSettings net_scan_settings_from(const config::Settings& s) {
  return {.enabled = s.get_bool("yara.net.enabled"), .max_bytes_per_flow = s.get_size("yara.net.max-bytes-per-flow")};
}

}  // namespace picket::yara
