#pragma once
// Everything the packet pipeline needs from the configuration, read once on the control thread.
//
//   pipeline::PipelineConfig cfg = pipeline::PipelineConfig::from(settings);
//
// CPU budget: `detect.workers` is the number of packet worker threads (each flow stays on one worker).
// 0 (the default) means "all cores but one" with a minimum of one, so on a 2-core server one core stays
// free for the server's own work; the reader (capture) thread and the sender/host inputs run besides.
// With one worker the reader runs the worker inline (no hand-over, best single-core throughput).
#include <cstdint>

#include "agent/app/types.h"
#include "agent/decode/decoder.h"
#include "agent/flow/flow_table.h"
#include "agent/output/redact.h"
#include "agent/stream/reassembly.h"

namespace picket::config {
class Schema;
class Settings;
}  // namespace picket::config

namespace picket::pipeline {

struct PipelineConfig {
  unsigned workers = 1;
  decode::DecoderConfig decoder;
  flow::FlowConfig flow;
  stream::StreamConfig stream;
  app::AppLimits app;
  output::Redaction redaction;
  uint32_t payload_excerpt = 256;  // bytes of payload kept in an alert (after redaction)

  static PipelineConfig from(const config::Settings& s);
};

// Resolves detect.workers = 0 to the default for this machine.
unsigned default_workers();

// detect.workers, outputs.eve.payload-excerpt, threshold-file (implemented by agent/detect), and the keys
// of the modules the pipeline drives (capture, decode, defrag, flow, stream, app, privacy).
void add_pipeline_keys(config::Schema& schema);

}  // namespace picket::pipeline
