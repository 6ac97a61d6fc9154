// picket-agent --scan-path DIR [--rules PATH]... [--eve-log FILE]: offline YARA scan of files and folders.
// Rules come from --rules (repeatable; files or folders) or else from yara.rules in the configuration.
// Each match is one EVE alert (engine yara) in --eve-log (stdout when absent); rule errors and a summary go
// to stderr. Exit: 0 scanned (matches or not), 2 when no rule loads, 1 with --strict when a rule file was
// rejected or a file could not be read.
#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>

#include "agent/cmd/modes.h"
#include "agent/yara/alerts.h"
#include "agent/yara/keys.h"
#include "agent/yara/rule_cache.h"
#include "agent/yara/tree_scan.h"
#include "common/cli.h"
#include "common/eve/eve.h"

namespace picket::agent {

int run_scan_path(const AgentOptions& opt, const config::Settings& settings) {
  yara::MonitorOptions mo = yara::monitor_options_from(settings);
  std::vector<std::string> rule_paths = opt.rules.empty() ? mo.rules : opt.rules;
  if (rule_paths.empty()) {
    std::cerr << "picket-agent: --scan-path needs YARA rules: --rules PATH or yara.rules in the configuration\n";
    return kExitUsage;
  }
  // Only cache rules named by the configuration: ad-hoc --rules sets would just fill the state folder.
  yara::LoadedRules loaded = yara::load_rules(rule_paths, opt.rules.empty() ? mo.rules_cache_dir : "");
  for (const auto& e : loaded.diag.errors()) {
    std::cerr << e.format() << '\n';
  }
  if (!loaded.rules) {
    std::cerr << "picket-agent: no YARA rule loaded\n";
    return kExitConfigError;
  }
  std::cerr << "picket-agent: " << loaded.rules->rule_count() << " YARA rules from " << loaded.loaded.size()
            << " files (" << loaded.failed.size() << " rejected)\n";

  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!opt.eve_log.empty()) {
    file.open(opt.eve_log, std::ios::out | std::ios::app);
    if (!file) {
      std::cerr << "picket-agent: cannot open " << opt.eve_log << " for writing\n";
      return kExitFailure;
    }
    out = &file;
  }
  std::mutex out_mu;
  yara::TreeScanOptions to{.threads = mo.scan_threads,
                           .max_file_size = mo.max_file_size,
                           .exclude = mo.exclude,
                           .limits = {.max_match_data = mo.max_match_data, .timeout_s = mo.scan_timeout_s}};
  auto t0 = std::chrono::steady_clock::now();
  yara::TreeScanStats stats =
      yara::scan_tree({opt.scan_path}, loaded.rules, to, [&](const yara::FileFacts& f, const yara::RuleMatch& m) {
        std::string line = eve::render_alert(yara::yara_file_alert(m, f));
        std::lock_guard lock(out_mu);
        *out << line << '\n';
      });
  out->flush();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cerr << "picket-agent: scanned " << stats.files << " files (" << stats.bytes / (1024 * 1024) << " MiB) in "
            << secs << " s: " << stats.matches << " matches, " << stats.skipped << " skipped, " << stats.errors
            << " errors\n";
  if (!*out) {
    std::cerr << "picket-agent: write error on " << (opt.eve_log.empty() ? "stdout" : opt.eve_log) << '\n';
    return kExitFailure;
  }
  if (opt.strict && (!loaded.failed.empty() || stats.errors > 0)) {
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace picket::agent
