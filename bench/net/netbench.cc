// picket-netbench: the --read-pcap pipeline without a rule engine, linked with only the network modules
// (capture, decode, flow, stream, app, output, pipeline), so the benchmark can be built quickly. Same code
// path as `picket-agent --read-pcap FILE --eve-log EVE` with no --rules: decode, flows, reassembly,
// app-layer parsing, EVE flow/http/dns/tls events.
//
//   picket-netbench FILE EVE [KEY=VALUE]...      (e.g. detect.workers=1)
#include <iostream>
#include <string>
#include <vector>

#include "agent/capture/capture.h"
#include "agent/output/eve_writer.h"
#include "agent/pipeline/alert_router.h"
#include "agent/pipeline/offline.h"
#include "agent/pipeline/pipeline_config.h"
#include "common/config.h"

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
  auto st = picket::pipeline::run(**src, cfg, {}, &router, eve->get(), types);
  (*eve)->flush();
  std::cout << picket::pipeline::format_summary(st);
  return 0;
}
