#include "collector/ingest/ingest_keys.h"

#include <filesystem>

namespace picket::collector {

using config::Type;

void add_ingest_keys(config::Schema& s) {
  s.add({.key = "ingest.listen", .type = Type::kString, .default_value = "tcp://0.0.0.0:7800",
         .help = "ZeroMQ endpoint the collector's CURVE ROUTER binds for agents"});
  s.add({.key = "ingest.server-key", .type = Type::kString,
         .help = "collector's CURVE secret key file (default: <collector.state-dir>/collector.key, created with "
                 "collector.pub beside it on first start; give collector.pub to agents)"});
  s.add({.key = "ingest.agents-file", .type = Type::kString,
         .help = "allow-list of enrolled agents, edited by picketctl agents (default: "
                 "<collector.state-dir>/agents.yaml); reloaded when it changes"});
  s.add({.key = "ingest.journal-dir", .type = Type::kString,
         .help = "folder of the durable journal (default: <collector.state-dir>/journal)"});
  s.add({.key = "ingest.max-message-size", .type = Type::kSize, .default_value = "8MB", .help = "ZMQ_MAXMSGSIZE: larger frames drop the connection; agents batch below it", .min = 65536,
         .max = 1ll << 30});
  s.add({.key = "ingest.fsync", .type = Type::kString, .default_value = "group",
         .help = "journal fsync before Acks: group (one fdatasync for everything waiting) or every-batch",
         .choices = {"group", "every-batch"}});
  s.add({.key = "ingest.heartbeat-interval", .type = Type::kDuration, .default_value = "5s",
         .help = "ZMTP heartbeat interval (ZMQ_HEARTBEAT_IVL; a peer silent for 3 intervals is dropped)"});
  s.add({.key = "ingest.journal-segment-size", .type = Type::kSize, .default_value = "256MB",
         .help = "journal segment size: a new segment (starting with a de-duplication checkpoint) begins beyond it",
         .min = 65536, .max = 1ll << 40});
  s.add({.key = "ingest.journal-retain-size", .type = Type::kSize, .default_value = "1GB",
         .help = "journal segments already fed to the store are deleted, oldest first, beyond this total "
                 "(0: delete each as soon as the store has it); unfed segments are never deleted"});
  s.add({.key = "ingest.dedup-max-streams", .type = Type::kInt, .default_value = "100000",
         .help = "cap of the de-duplication table of (agent key, spool epoch) streams; beyond it the least "
                 "recently active are forgotten (an agent's older epochs are forgotten once a newer one is acked)",
         .min = 1, .max = 100000000});
  s.add({.key = "ingest.reload-interval", .type = Type::kDuration, .default_value = "1s",
         .help = "how often the allow-list file is checked for changes"});
}

std::string allow_list_path_from(const config::Settings& settings) {
  std::string p = settings.get_string("ingest.agents-file");
  if (p.empty()) p = settings.get_string("collector.state-dir") + "/agents.yaml";
  return p;
}

Result<IngestOptions> ingest_options_from(const config::Settings& settings) {
  const std::string state = settings.get_string("collector.state-dir");
  IngestOptions o;
  o.listen = settings.get_string("ingest.listen");
  o.allow_list_path = allow_list_path_from(settings);
  o.journal_dir = settings.get_string("ingest.journal-dir");
  if (o.journal_dir.empty()) o.journal_dir = state + "/journal";
  o.max_message_size = static_cast<int64_t>(settings.get_size("ingest.max-message-size"));
  o.fsync = settings.get_string("ingest.fsync") == "every-batch" ? IngestFsync::kEveryBatch : IngestFsync::kGroup;
  o.heartbeat_interval = settings.get_duration("ingest.heartbeat-interval");
  o.reload_interval = settings.get_duration("ingest.reload-interval");
  o.journal_segment_bytes = settings.get_size("ingest.journal-segment-size");
  o.max_streams = static_cast<size_t>(settings.get_int("ingest.dedup-max-streams"));
  std::string key = settings.get_string("ingest.server-key");
  std::string pub;
  if (key.empty()) {
    key = state + "/collector.key";
    pub = state + "/collector.pub";
    std::error_code ec;
    std::filesystem::create_directories(state, ec);
  }
  auto pair = transport::load_or_create_key_pair(key, pub);
  if (!pair) return pair.error();
  o.server = pair.value();
  return o;
}

}  // namespace picket::collector
