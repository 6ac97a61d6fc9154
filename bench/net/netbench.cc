// picket-netbench: the --read-pcap pipeline without a rule engine, linked with only the network modules
// (capture, decode, flow, stream, app, output, pipeline), so the benchmark can be built quickly. Same code
// path as `picket-agent --read-pcap FILE --eve-log EVE` with no --rules: decode, flows, reassembly,
// app-layer parsing, EVE flow/http/dns/tls events.
//
//   picket-netbench FILE EVE [KEY=VALUE]...      (e.g. detect.workers=1)
//   PICKET_NETBENCH_INSPECTOR=1 picket-netbench ...  adds a no-op inspector: the pipeline then works as
//                                                   with rules loaded (HTTP bodies kept for inspection)
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "agent/capture/capture.h"
#include "agent/output/eve_writer.h"
#include "agent/pipeline/alert_router.h"
#include "agent/pipeline/offline.h"
#include "agent/pipeline/pipeline_config.h"
#include "common/config.h"

namespace {
// Looks at nothing; its presence alone makes the pipeline keep HTTP bodies, as a rule engine would.
class NoopInspector final : public picket::pipeline::Inspector {
 public:
  void on_packet(const picket::pipeline::InspectContext&, const picket::decode::Packet&, picket::flow::Flow*,
                 picket::flow::Direction) override {}
};
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: picket-netbench FILE EVE [KEY=VALUE]...\n";
    return 64;
  }
  picket::config::Schema schema;
  picket::pipeline::add_pipeline_keys(schema);
  std::vector<std::string> overrides(argv + 3, argv + argc);
  auto loaded = picket::config::load_text(schema, "", "<defaults>", overrides);
  if (!loaded.diag.ok()) {
    std::cerr << loaded.diag.format();
    return 2;
  }
  auto cfg = picket::pipeline::PipelineConfig::from(loaded.settings);
  auto src = picket::capture::open_file(argv[1]);
  if (!src) {
    std::cerr << src.error().format() << '\n';
    return 1;
  }
  auto eve = picket::output::EveFileWriter::open(argv[2]);
  if (!eve) {
    std::cerr << eve.error().format() << '\n';
    return 1;
  }
  picket::output::EveTypes types;
  picket::pipeline::AlertRouter router(cfg, eve->get(), true, nullptr);
  NoopInspector noop;
  std::vector<picket::pipeline::Inspector*> inspectors;
  const char* with_inspector = std::getenv("PICKET_NETBENCH_INSPECTOR");
  if (with_inspector != nullptr && std::string(with_inspector) == "1") inspectors.push_back(&noop);
  auto st = picket::pipeline::run(**src, cfg, inspectors, &router, eve->get(), types);
  (*eve)->flush();
  std::cout << picket::pipeline::format_summary(st);
  return 0;
}
