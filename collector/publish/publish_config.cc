#include "collector/publish/publish_config.h"

namespace picket::collector::publish {

using config::Type;

void add_publish_keys(config::Schema& s) {
  s.add({.key = "publish.stream.enabled", .type = Type::kBool, .default_value = "true",
         .help = "serve the live stream for operators (picketctl watch)"});
  s.add({.key = "publish.stream.listen", .type = Type::kString, .default_value = "tcp://0.0.0.0:7801",
         .help = "ZeroMQ endpoint of the operators' live stream (CURVE)"});
  s.add({.key = "publish.stream.key", .type = Type::kString, .default_value = "",
         .help = "secret key file of the stream socket; empty: the collector's ingest key"});
  s.add({.key = "publish.stream.operators", .type = Type::kString, .default_value = "",
         .help = "allow-list of operator keys (agents.yaml format); empty: <collector.state-dir>/operators.yaml"});
  s.add({.key = "publish.stream.queue", .type = Type::kInt, .default_value = "10000",
         .help = "messages queued per operator before the live view drops (and counts) them", .min = 16,
         .max = 10000000});
  s.add({.key = "publish.eve.enabled", .type = Type::kBool, .default_value = "false",
         .help = "write alerts and incidents as EVE JSON lines"});
  s.add({.key = "publish.eve.path", .type = Type::kString, .default_value = "/var/log/picket/collector-eve.json",
         .help = "EVE JSON export file"});
  s.add({.key = "publish.eve.rotate-size", .type = Type::kSize, .default_value = "100MB",
         .help = "rotate the EVE export when it reaches this size"});
  s.add({.key = "publish.eve.keep", .type = Type::kInt, .default_value = "5",
         .help = "rotated EVE files kept (PATH.1 .. PATH.N)", .min = 0, .max = 1000});
  s.add({.key = "publish.syslog.enabled", .type = Type::kBool, .default_value = "false",
         .help = "send alerts and incidents as syslog (RFC 5424) with a CEF payload"});
  s.add({.key = "publish.syslog.target", .type = Type::kString, .default_value = "udp://127.0.0.1:514",
         .help = "udp://HOST:PORT or tcp://HOST:PORT"});
}

}  // namespace picket::collector::publish
