// picket-agent mode: --read-pcap FILE. Offline network analysis: reads a pcap/pcapng file through the
// whole pipeline (decode, flows, reassembly, app layer, rules), writes EVE lines and prints a summary.
#include <iostream>
#include <memory>
#include <vector>

#include "agent/capture/capture.h"
#include "agent/cmd/agent_schema.h"
#include "agent/cmd/modes.h"
#include "agent/detect/check.h"
#include "agent/detect/inspector.h"
#include "agent/output/eve_writer.h"
#include "agent/pipeline/alert_router.h"
#include "agent/pipeline/offline.h"
#include "agent/pipeline/pipeline_config.h"
#include "agent/transport/forwarder.h"
#include "common/cli.h"

namespace picket::agent {

int run_read_pcap(const AgentOptions& opt, const config::Settings& settings) {
  if (opt.eve_log.empty()) {
    std::cerr << "picket-agent: --read-pcap needs --eve-log FILE\n";
    return kExitUsage;
  }
  auto types = output::EveTypes::parse(opt.eve_types);
  if (!types) {
    std::cerr << types.error().format() << '\n';
    return kExitUsage;
  }
  if (Status ns = check_network_settings(settings); !ns) {  // agent/cmd/agent_schema.h
    std::cerr << ns.error().format() << '\n';
    return kExitConfigError;
  }
  pipeline::PipelineConfig cfg = pipeline::PipelineConfig::from(settings);
  std::vector<pipeline::Inspector*> inspectors;
  std::vector<std::shared_ptr<pipeline::Inspector>> owned;
  if (auto rule_paths = detect::suricata_rule_paths(opt.rules, settings); !rule_paths.empty()) {
    // Suricata rules: the rule engine (agent/detect) as an inspector; rejected rules are warnings.
    Diagnostics diag;
    auto insp = detect::make_inspector(rule_paths, settings, &diag);
    for (const auto& e : diag.errors()) std::cerr << e.format() << '\n';
    if (!insp) return kExitConfigError;
    owned.push_back(insp);
    inspectors.push_back(insp.get());
  }
  auto source = capture::open_file(opt.read_pcap);
  if (!source) {
    std::cerr << source.error().format() << '\n';
    return kExitFailure;
  }
  auto eve = output::EveFileWriter::open(opt.eve_log);
  if (!eve) {
    std::cerr << eve.error().format() << '\n';
    return kExitFailure;
  }
  // transport.forward-offline: the alerts also go to the collector (agent/transport/forwarder.h).
  auto forward = OfflineForwarder::open(settings);
  if (!forward) {
    std::cerr << forward.error().format() << '\n';
    return kExitFailure;
  }
  pipeline::AlertRouter::Consumer consumer;
  if (*forward) consumer = [f = forward->get()](const v1::Alert& a) { f->submit(a); };
  pipeline::AlertRouter router(cfg, eve->get(), types->alert, std::move(consumer));
  pipeline::RunStats st = pipeline::run(**source, cfg, inspectors, &router, eve->get(), *types);
  st.alerts = router.count();
  if (types->stats) (*eve)->write(pipeline::render_stats_event(st, st.last_ts_us));
  (*eve)->flush();
  std::cout << pipeline::format_summary(st);
  if (*forward) {
    if (Status fs = (*forward)->finish(); !fs) {
      std::cerr << "picket-agent: " << fs.error().format() << '\n';
      return kExitFailure;
    }
  }
  return kExitOk;
}

}  // namespace picket::agent
