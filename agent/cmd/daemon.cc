// picket-agent mode: the daemon. Runs the disk spool and the sender to the collector; inputs (capture, log
// tailing, file watching) hand their alerts to `submit` (thread-safe) and are started in start_inputs.
#include <signal.h>

#include <functional>
#include <iostream>

#include <spdlog/spdlog.h>

#include "agent/cmd/modes.h"
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

  Sender sender(**spool, transport->sender);
  if (Status s = sender.start(); !s) {
    std::cerr << "picket-agent: " << s.error().format() << '\n';
    return kExitFailure;
  }
  const SpoolStats st = (*spool)->stats();
  spdlog::info("picket-agent {} running: spool {} ({} unacknowledged alerts), collector {}", PICKET_VERSION,
               (*spool)->dir(), st.depth, transport->sender.endpoint);

  // Inputs start here and stop below, each given `submit`.
  // YARA and FIM on files.watch with yara.rules (agent/yara/service.h); SIGHUP reloads the YARA rules.
  yara::YaraService yara_files(yara::monitor_options_from(settings), [&submit](v1::Alert a) { submit(std::move(a)); });
  // Diagnostics are held in named variables: GCC 12 warns (falsely) on a temporary's vector in range-for.
  const Diagnostics yara_diag = yara_files.start();
  for (size_t i = 0; i < yara_diag.errors().size(); ++i) spdlog::warn("{}", yara_diag.errors()[i].format());
  yara::SighupReloader yara_hup([&yara_files] {
    const Diagnostics reload_diag = yara_files.reload();
    for (size_t i = 0; i < reload_diag.errors().size(); ++i) spdlog::warn("{}", reload_diag.errors()[i].format());
  });

  int rc = kExitOk;
  siginfo_t info;
  while (sigwaitinfo(&sigs, &info) < 0) {
  }
  spdlog::info("picket-agent: signal {}: stopping", info.si_signo);
  sender.stop();
  return rc;
}

}  // namespace picket::agent
