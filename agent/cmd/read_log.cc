// picket-agent --read-log FILE --log-format FORMAT [--rules PATH]... [--eve-log FILE] [--emit-events] [--follow]
//
// Reads FILE in FORMAT, runs the Sigma rules given by --rules (.yml/.yaml files or folders) and writes EVE
// lines (alerts; with --emit-events also every parsed event as event_type log) to --eve-log (appending) or
// stdout. Without --follow the file is read once from its start. With --follow the file is tailed across
// rotations until SIGTERM/SIGINT, and read offsets are saved in host.offsets-dir after each batch is
// written and fsynced, so stopping and starting again neither loses nor repeats a line.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string_view>
#include <thread>

#include "agent/cmd/modes.h"
#include "agent/host/host_config.h"
#include "agent/host/log_input.h"
#include "agent/host/log_output.h"
#include "agent/host/sigma_check.h"
#include "agent/transport/forwarder.h"
#include "common/cli.h"
#include "common/eve/eve.h"

namespace picket::agent {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }

}  // namespace

int run_read_log(const AgentOptions& opt, const config::Settings& settings) {
  const auto& formats = host::input_formats();
  if (std::find(formats.begin(), formats.end(), opt.log_format) == formats.end()) {
    std::cerr << "picket-agent: --log-format must be one of syslog, auth, auditd, nginx, apache, json, journald (got '"
              << opt.log_format << "')\n";
    return kExitUsage;
  }
  host::LogInputOptions o;
  Diagnostics diag;
  if (!host::read_log_input_options(settings, &o, &diag)) {
    std::cerr << diag.format();
    return kExitConfigError;
  }
  o.inputs.clear();  // offline: only FILE
  o.inputs.push_back({.name = opt.read_log, .path = opt.read_log, .format = opt.log_format, .from_start = true});
  if (!opt.follow) o.offsets_dir.clear();

  std::shared_ptr<host::SigmaRuleSet> rules;
  std::vector<std::string> sigma_paths;
  for (const auto& p : host::sigma_rule_paths(opt.rules, settings)) sigma_paths.push_back(p);
  if (!sigma_paths.empty()) {
    host::SigmaLoad load = host::load_sigma_paths(sigma_paths);
    for (const auto& e : load.diag.errors()) std::cerr << e.format() << '\n';
    for (const auto& w : load.diag.warnings()) std::cerr << w.format() << '\n';
    std::cerr << "picket-agent: sigma: " << load.rules.size() << " rules loaded, " << load.failed << " failed\n";
    if (load.rules.empty()) {
      std::cerr << "picket-agent: no Sigma rule loaded\n";
      return kExitConfigError;
    }
    rules = std::make_shared<host::SigmaRuleSet>(std::move(load.rules));
  }

  FILE* out = stdout;
  if (!opt.eve_log.empty()) {
    out = std::fopen(opt.eve_log.c_str(), "a");
    if (out == nullptr) {
      std::cerr << "picket-agent: cannot open --eve-log " << opt.eve_log << '\n';
      return kExitFailure;
    }
  }
  // transport.forward-offline: the alerts also go to the collector (agent/transport/forwarder.h).
  auto forward = OfflineForwarder::open(settings);
  if (!forward) {
    std::cerr << forward.error().format() << '\n';
    if (out != stdout) std::fclose(out);
    return kExitFailure;
  }
  uint64_t alerts = 0;
  auto write_line = [&](const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), out);
    std::fputc('\n', out);
  };
  auto on_alert = [&](v1::Alert a) {
    ++alerts;
    write_line(eve::render_alert(a));
    if (*forward) (*forward)->submit(std::move(a));
  };
  host::LogInputService::EventFn on_event;
  if (opt.emit_events) {
    on_event = [&](const host::LogEvent& ev, const host::LogInputSpec& spec, std::string_view source) {
      write_line(host::render_log_event(ev, source, spec.format));
    };
  }
  auto commit = [&] {
    std::fflush(out);
    if (out != stdout) ::fdatasync(::fileno(out));
  };
  auto svc = host::LogInputService::create(o, rules, on_alert, on_event, commit);
  if (!svc) {
    std::cerr << "picket-agent: " << svc.error().format() << '\n';
    if (out != stdout) std::fclose(out);
    return kExitConfigError;
  }
  host::LogInputService& s = *svc.value();
  if (!opt.follow) {
    while (s.poll_once() > 0) {
    }
    s.finish();
  } else {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
    while (!g_stop.load()) {
      if (s.poll_once() == 0) {
        s.flush_idle();
        std::this_thread::sleep_for(o.poll_interval);
      }
    }
    s.poll_once();  // what arrived since the last pass, then offsets are saved
  }
  commit();
  const auto& st = s.stats();
  std::cerr << "picket-agent: " << st.lines.load() << " lines, " << st.events.load() << " events ("
            << st.unparsed.load() << " unparsed), " << alerts << " alerts\n";
  if (out != stdout) std::fclose(out);
  if (*forward) {
    if (Status fs = (*forward)->finish(); !fs) {
      std::cerr << "picket-agent: " << fs.error().format() << '\n';
      return kExitFailure;
    }
  }
  return kExitOk;
}

}  // namespace picket::agent
