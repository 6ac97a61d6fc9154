#include "agent/cmd/agent_schema.h"

#include "agent/app/app_config.h"
#include "agent/flow/flow_table.h"
#include "agent/stream/reassembly.h"

#include "agent/transport/transport_keys.h"
#include "agent/host/host_config.h"

#include "agent/privdrop/privdrop.h"
#include "agent/pipeline/pipeline_config.h"
#include "agent/yara/keys.h"
#include "agent/detect/config.h"

namespace picket::agent {

using config::Type;

config::Schema build_agent_schema() {
  config::Schema s;
  config::add_logging_keys(s);
  add_transport_keys(s);  // transport.*: collector, keys, spool, batching
  host::add_host_keys(s);  // host.*: log inputs, timezone, offsets
  s.add({.key = "agent.host-name", .type = Type::kString,
         .help = "host name reported to the collector (default: the system's host name)"});
  s.add({.key = "agent.labels.*", .type = Type::kString,
         .help = "organisation labels sent to the collector, e.g. agent.labels.ministry: finance"});
  s.add({.key = "agent.state-dir", .type = Type::kString, .default_value = "/var/lib/picket/agent",
         .help = "folder for the spool, read offsets, FIM baseline and caches"});
  s.add({.key = "capture.file", .type = Type::kString,
         .help = "daemon: replay this pcap/pcapng file instead of capturing on capture.interface (demos, "
                 "tests); its alerts go to the collector as live ones do"});
  privdrop::add_privdrop_keys(s);  // agent.user
  pipeline::add_pipeline_keys(s);  // capture, decoder, defrag, flow, stream, app, privacy, detect.workers
  yara::add_yara_keys(s);  // yara.*, files.*, fim.*: YARA rules, watched paths, FIM
  detect::add_detect_keys(s);  // vars.*-groups.*, classification-file, detect.rule-files
  return s;
}

Status check_network_settings(const config::Settings& settings) {
  if (Status fs = flow::check_flow_settings(settings); !fs) return fs;
  if (Status as = app::check_app_settings(settings); !as) return as;
  return stream::check_stream_settings(settings);
}

}  // namespace picket::agent
