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

// What an EVE alert carries besides the rule and the network tuple (Suricata's eve-log alert options).
struct AlertOutput {
  bool payload = true;            // outputs.eve.alert.payload: "payload" (base64) and "stream"
  bool payload_printable = true;  // outputs.eve.alert.payload-printable
  bool packet = false;            // outputs.eve.alert.packet: "packet" (base64, from the link header) + packet_info
  bool metadata = true;           // outputs.eve.alert.metadata: the "flow" object (counters at alert time),
                                  // http/dns/tls objects and alert.metadata
  bool rule_raw = false;          // outputs.eve.alert.rule-raw: alert.rule (the rule's text)
  bool verdict = false;           // outputs.eve.alert.verdict: "verdict": {"action": ...}
  bool ethernet = false;          // outputs.eve.ethernet: "ether" {src_mac, dest_mac}
};

struct PipelineConfig {
  unsigned workers = 1;
  decode::DecoderConfig decoder;
  flow::FlowConfig flow;
  stream::StreamConfig stream;
  app::AppLimits app;
  output::Redaction redaction;
  uint32_t payload_excerpt = 256;  // bytes of payload kept in an alert (after redaction)
  AlertOutput alert_output;

  static PipelineConfig from(const config::Settings& s);
};

// Resolves detect.workers = 0 to the default for this machine.
unsigned default_workers();

// detect.workers, outputs.eve.payload-excerpt, outputs.eve.alert.*, outputs.eve.ethernet, threshold-file (implemented by agent/detect), and the keys
// of the modules the pipeline drives (capture, decode, defrag, flow, stream, app, privacy).
void add_pipeline_keys(config::Schema& schema);

}  // namespace picket::pipeline
