// picket-agent mode: the daemon. Runs the disk spool and the sender to the collector; inputs (capture, log
// tailing, file watching) hand their alerts to `submit` (thread-safe) and are started in start_inputs.
#include <signal.h>

#include <functional>
#include <iostream>

#include <spdlog/spdlog.h>

#include "agent/cmd/modes.h"
#include "agent/cmd/net_service.h"
#include "agent/detect/check.h"
#include "agent/host/host_config.h"
#include "agent/privdrop/privdrop.h"
#include "agent/transport/outbox.h"
#include "agent/transport/sender.h"
#include "agent/transport/spool.h"
#include "agent/transport/transport_keys.h"
#include "agent/yara/service.h"
#include "agent/yara/sighup.h"
#include "common/cli.h"

namespace picket::agent {

int run_daemon(const AgentOptions&, const config::Settings& settings) {
  // Signals are taken synchronously by this thread; block them before any other thread starts.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  // The live capture is opened first, while we may still be root (capture.interface; none when empty).
  auto net = NetworkService::open(settings);
  if (!net) {
    std::cerr << "picket-agent: " << net.error().format() << '\n';
    return kExitFailure;
  }

  // Started as root outside systemd: become agent.user keeping only CAP_NET_RAW, CAP_NET_ADMIN and
  // CAP_DAC_READ_SEARCH (enough to open captures and read logs later). Must run before any thread starts;
  // under the systemd unit we already are that user and this only sets no_new_privs (privdrop.h).
  if (Status s = privdrop::drop_privileges(settings.get_string("agent.user")); !s) {
    std::cerr << "picket-agent: " << s.error().format() << '\n';
    return kExitFailure;
  }

  Result<TransportConfig> transport = transport_config_from(settings);
  if (!transport) {
    std::cerr << transport.error().format() << '\n';
    return kExitConfigError;
  }
  auto spool = Spool::open(transport->spool);
  if (!spool) {
    std::cerr << spool.error().format() << '\n';
    return kExitFailure;
  }
  Outbox outbox(**spool, transport->sender.host_name);
  // Every input gives its alerts here (thread-safe). False: refused by the spool cap (counted, reported).
  [[maybe_unused]] std::function<bool(v1::Alert)> submit = [&outbox](v1::Alert a) {
    return outbox.submit(std::move(a));
  };

  // Log inputs (host.logs) with the Sigma rules (host.sigma-rules); their alerts go to the spool like the
  // others. Started before the sender, so a bad host.logs entry stops the daemon with FILE:LINE before any
  // other input runs. Read offsets are saved after submit() returned (the alert is in the spool).
  Diagnostics log_diag;
  std::unique_ptr<host::LogInputService> logs =
      host::start_log_inputs(settings, [&submit](v1::Alert a) { submit(std::move(a)); }, &log_diag);
  for (size_t i = 0; i < log_diag.warnings().size(); ++i) spdlog::warn("{}", log_diag.warnings()[i].format());
  if (!log_diag.ok()) {
    for (size_t i = 0; i < log_diag.errors().size(); ++i) std::cerr << log_diag.errors()[i].format() << '\n';
    return kExitConfigError;
  }
  if (logs) spdlog::info("log inputs running: {} configured", logs->input_count());

  Sender sender(**spool, transport->sender);
  const std::vector<std::string> suricata_paths = detect::suricata_rule_paths({}, settings);
  if (*net) {
    const Diagnostics rule_diag = (*net)->load_rules(suricata_paths);
    for (size_t i = 0; i < rule_diag.errors().size(); ++i) spdlog::warn("{}", rule_diag.errors()[i].format());
    sender.set_heartbeat_callback([n = net->get()](v1::Heartbeat* hb) { n->fill_heartbeat(hb); });
  }
  if (Status s = sender.start(); !s) {
    std::cerr << "picket-agent: " << s.error().format() << '\n';
    return kExitFailure;
  }
  const SpoolStats st = (*spool)->stats();
  spdlog::info("picket-agent {} running: spool {} ({} unacknowledged alerts), collector {}", PICKET_VERSION,
               (*spool)->dir(), st.depth, transport->sender.endpoint);
  if (*net) (*net)->start(submit);

  // Inputs start here and stop below, each given `submit`.
  // YARA and FIM on files.watch with yara.rules (agent/yara/service.h); SIGHUP reloads the YARA rules.
  yara::YaraService yara_files(yara::monitor_options_from(settings), [&submit](v1::Alert a) { submit(std::move(a)); });
  // Diagnostics are held in named variables: GCC 12 warns (falsely) on a temporary's vector in range-for.
  const Diagnostics yara_diag = yara_files.start();
  for (size_t i = 0; i < yara_diag.errors().size(); ++i) spdlog::warn("{}", yara_diag.errors()[i].format());
  // SIGHUP reloads the YARA and the Suricata rules; a failed reload keeps the old set and says why.
  yara::SighupReloader yara_hup([&yara_files, &net, &suricata_paths] {
    const Diagnostics reload_diag = yara_files.reload();
    for (size_t i = 0; i < reload_diag.errors().size(); ++i) spdlog::warn("{}", reload_diag.errors()[i].format());
    if (*net) {
      Diagnostics d;
      const bool ok = (*net)->reload(suricata_paths, &d);
      for (size_t i = 0; i < d.errors().size(); ++i) spdlog::warn("{}", d.errors()[i].format());
      if (ok) {
        spdlog::info("Suricata rules reloaded: {} rules", (*net)->rules_loaded());
      } else {
        spdlog::error("Suricata rule reload failed; the previous set ({} rules) stays", (*net)->rules_loaded());
      }
    }
  });

  int rc = kExitOk;
  siginfo_t info;
  while (sigwaitinfo(&sigs, &info) < 0) {
  }
  spdlog::info("picket-agent: signal {}: stopping", info.si_signo);
  if (*net) (*net)->stop();
  if (logs) logs->stop();  // the last poll's alerts are in the spool before the sender stops
  sender.stop();
  return rc;
}

}  // namespace picket::agent
