#include "agent/transport/transport_keys.h"

#include <unistd.h>

#include <filesystem>

namespace picket::agent {

using config::Type;

void add_transport_keys(config::Schema& s) {
  s.add({.key = "transport.collector", .type = Type::kString, .default_value = "tcp://127.0.0.1:7800",
         .help = "the collector's ZeroMQ endpoint"});
  s.add({.key = "transport.collector-key", .type = Type::kString,
         .help = "file with the collector's CURVE public key (default: <agent.state-dir>/collector.pub)"});
  s.add({.key = "transport.key", .type = Type::kString,
         .help = "this agent's CURVE secret key file (default: <agent.state-dir>/agent.key, created with agent.pub "
                 "on first start; enroll agent.pub with picketctl agents add)"});
  s.add({.key = "transport.spool.dir", .type = Type::kString,
         .help = "disk spool folder (default: <agent.state-dir>/spool)"});
  s.add({.key = "transport.spool.max-size", .type = Type::kSize, .default_value = "1GB", .help = "spool cap; when full, NEW alerts are refused and counted (heartbeat spool_dropped and a health "
                 "alert); alerts already accepted are never dropped",
         .min = 1 << 20});
  s.add({.key = "transport.spool.segment-size", .type = Type::kSize, .default_value = "16MB", .help = "size at which the spool starts a new segment file",
         .min = 65536});
  s.add({.key = "transport.spool.fsync", .type = Type::kString, .default_value = "before-send",
         .help = "before-send: fdatasync before records leave the host; always: fdatasync every alert",
         .choices = {"before-send", "always"}});
  s.add({.key = "transport.batch.max-alerts", .type = Type::kInt, .default_value = "2000", .help = "alerts per batch at most",
         .min = 1, .max = 100000});
  s.add({.key = "transport.batch.max-bytes", .type = Type::kSize, .default_value = "2MB", .help = "alert bytes per batch at most (batches also stay under transport.max-message-size)",
         .min = 4096});
  s.add({.key = "transport.batch.max-delay", .type = Type::kDuration, .default_value = "5ms",
         .help = "longest wait for a batch to fill before it is sent"});
  s.add({.key = "transport.window", .type = Type::kInt, .default_value = "8", .help = "batches in flight without an Ack",
         .min = 1, .max = 1024});
  s.add({.key = "transport.heartbeat-interval", .type = Type::kDuration, .default_value = "5s",
         .help = "Heartbeat message and ZMTP heartbeat interval (link declared dead after 3 intervals)"});
  s.add({.key = "transport.reconnect-min", .type = Type::kDuration, .default_value = "100ms",
         .help = "first reconnect delay (ZMQ_RECONNECT_IVL); doubles up to transport.reconnect-max"});
  s.add({.key = "transport.reconnect-max", .type = Type::kDuration, .default_value = "10s",
         .help = "longest reconnect delay (ZMQ_RECONNECT_IVL_MAX)"});
  s.add({.key = "transport.ack-timeout", .type = Type::kDuration, .default_value = "15s",
         .help = "resend from the last Ack when a batch is not acknowledged within this time"});
  s.add({.key = "transport.resend-rate", .type = Type::kInt, .default_value = "200000", .help = "alerts per second at most while resending after a reconnect",
         .min = 100});
  s.add({.key = "transport.forward-offline", .type = Type::kBool, .default_value = "false",
         .help = "offline modes (--read-pcap, --read-log, --scan-path) also deliver their alerts to the collector "
                 "through the spool, and wait for the acknowledgement before exiting"});
  s.add({.key = "transport.forward-timeout", .type = Type::kDuration, .default_value = "60s",
         .help = "with transport.forward-offline: longest wait for the collector's acknowledgement at exit "
                 "(unacknowledged alerts stay in the spool; exit status 1)"});
  s.add({.key = "transport.max-message-size", .type = Type::kSize, .default_value = "8MB", .help = "the collector's ingest.max-message-size; every frame stays below it",
         .min = 65536});
}

Result<TransportConfig> transport_config_from(const config::Settings& settings) {
  const std::string state = settings.get_string("agent.state-dir");
  TransportConfig c;
  c.spool.dir = settings.get_string("transport.spool.dir");
  if (c.spool.dir.empty()) c.spool.dir = state + "/spool";
  c.spool.max_bytes = settings.get_size("transport.spool.max-size");
  c.spool.segment_bytes = settings.get_size("transport.spool.segment-size");
  c.spool.fsync = settings.get_string("transport.spool.fsync") == "always" ? SpoolFsync::kAlways
                                                                          : SpoolFsync::kBeforeSend;
  SenderOptions& o = c.sender;
  o.endpoint = settings.get_string("transport.collector");
  o.batch_max_alerts = static_cast<size_t>(settings.get_int("transport.batch.max-alerts"));
  o.batch_max_bytes = settings.get_size("transport.batch.max-bytes");
  o.batch_max_delay = settings.get_duration("transport.batch.max-delay");
  o.window = static_cast<size_t>(settings.get_int("transport.window"));
  o.heartbeat_interval = settings.get_duration("transport.heartbeat-interval");
  o.reconnect_min = settings.get_duration("transport.reconnect-min");
  o.reconnect_max = settings.get_duration("transport.reconnect-max");
  o.ack_timeout = settings.get_duration("transport.ack-timeout");
  o.resend_rate = static_cast<uint64_t>(settings.get_int("transport.resend-rate"));
  o.max_message_size = static_cast<int64_t>(settings.get_size("transport.max-message-size"));
  o.version = PICKET_VERSION;
  o.host_name = settings.get_string("agent.host-name");
  if (o.host_name.empty()) {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    o.host_name = host;
  }
  for (const auto& k : settings.keys_with_prefix("agent.labels.")) {
    o.labels[k.substr(std::string("agent.labels.").size())] = settings.get_string(k);
  }
  std::string key = settings.get_string("transport.key");
  std::string pub;
  if (key.empty()) {
    key = state + "/agent.key";
    pub = state + "/agent.pub";
    std::error_code ec;
    std::filesystem::create_directories(state, ec);
  }
  auto pair = transport::load_or_create_key_pair(key, pub);
  if (!pair) return pair.error();
  o.client = pair.value();
  std::string server = settings.get_string("transport.collector-key");
  if (server.empty()) server = state + "/collector.pub";
  auto server_key = transport::load_public_key(server);
  if (!server_key) return server_key.error();
  o.server_public_z85 = server_key.value();
  return c;
}

}  // namespace picket::agent
