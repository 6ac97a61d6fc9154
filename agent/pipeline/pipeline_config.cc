#include "agent/pipeline/pipeline_config.h"

#include <algorithm>
#include <thread>

#include "agent/app/app_config.h"
#include "agent/capture/capture.h"
#include "common/config.h"

namespace picket::pipeline {

unsigned default_workers() {
  unsigned n = std::thread::hardware_concurrency();
  return n <= 1 ? 1 : n - 1;
}

void add_pipeline_keys(config::Schema& s) {
  using config::Type;
  s.add({.key = "detect.workers", .type = Type::kInt, .default_value = "0",
         .help = "CPU budget of the network pipeline: packet worker threads, flows spread by hash "
                 "(0: all cores but one, at least one)",
         .min = 0, .max = 256});
  s.add({.key = "outputs.eve.payload-excerpt", .type = Type::kSize, .default_value = "256",
         .help = "payload bytes (redacted) carried by a network alert"});
  s.add({.key = "outputs.eve.alert.payload", .type = Type::kBool, .default_value = "true",
         .help = "network alerts carry the payload excerpt in base64 (EVE payload, stream)"});
  s.add({.key = "outputs.eve.alert.payload-printable", .type = Type::kBool, .default_value = "true",
         .help = "network alerts carry the payload excerpt as printable text (EVE payload_printable)"});
  s.add({.key = "outputs.eve.alert.packet", .type = Type::kBool, .default_value = "false",
         .help = "network alerts carry the whole packet from its link header, base64 (EVE packet, packet_info)"});
  s.add({.key = "outputs.eve.alert.metadata", .type = Type::kBool, .default_value = "true",
         .help = "network alerts carry the flow's counters at alert time (EVE alert flow object), the "
                 "transaction's http/dns/tls objects and the rule's metadata (alert.metadata)"});
  s.add({.key = "outputs.eve.alert.rule-raw", .type = Type::kBool, .default_value = "false",
         .help = "network alerts carry the rule as written (EVE alert.rule; Suricata's metadata.rule.raw)"});
  s.add({.key = "outputs.eve.alert.verdict", .type = Type::kBool, .default_value = "false",
         .help = "network alerts carry the packet's verdict (EVE verdict.action: alert, or pass when a pass "
                 "rule or policy passed the packet; Picket only watches, so never drop)"});
  s.add({.key = "outputs.eve.ethernet", .type = Type::kBool, .default_value = "false",
         .help = "network alerts carry the packet's MAC addresses (EVE ether)"});
  s.add({.key = "threshold-file", .type = Type::kString,
         .help = "Suricata threshold.config file (threshold/suppress/rate_filter), applied by the rule engine"});
  capture::add_capture_keys(s);
  decode::add_decode_keys(s);
  flow::add_flow_keys(s);
  stream::add_stream_keys(s);
  app::add_app_keys(s);
  output::add_privacy_keys(s);
}

PipelineConfig PipelineConfig::from(const config::Settings& s) {
  PipelineConfig c;
  int64_t w = s.get_int("detect.workers");
  c.workers = w <= 0 ? default_workers() : static_cast<unsigned>(w);
  c.decoder = decode::DecoderConfig::from(s);
  c.flow = flow::FlowConfig::from(s, c.workers);
  c.stream = stream::StreamConfig::from(s, c.workers);
  c.app = app::app_limits_from(s);
  c.redaction = output::Redaction::from(s);
  c.payload_excerpt = static_cast<uint32_t>(std::min<uint64_t>(s.get_size("outputs.eve.payload-excerpt"), 65535));
  c.alert_output.payload = s.get_bool("outputs.eve.alert.payload");
  c.alert_output.payload_printable = s.get_bool("outputs.eve.alert.payload-printable");
  c.alert_output.packet = s.get_bool("outputs.eve.alert.packet");
  c.alert_output.metadata = s.get_bool("outputs.eve.alert.metadata");
  c.alert_output.rule_raw = s.get_bool("outputs.eve.alert.rule-raw");
  c.alert_output.verdict = s.get_bool("outputs.eve.alert.verdict");
  c.alert_output.ethernet = s.get_bool("outputs.eve.ethernet");
  return c;
}

}  // namespace picket::pipeline
