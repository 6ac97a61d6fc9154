#pragma once
// The collector's ingest.* configuration keys and their conversion into IngestOptions.
//
//   picket::collector::add_ingest_keys(schema);                 // from collector_schema.cc
//   auto opts = picket::collector::ingest_options_from(settings); // loads or creates the server key pair
//
// Empty paths default below collector.state-dir: collector.key/.pub, agents.yaml, journal/.
#include "collector/ingest/ingest.h"
#include "common/config.h"
#include "common/result.h"

namespace picket::collector {

void add_ingest_keys(config::Schema& schema);
// Reads the keys; the server key pair is created on first start when the key file does not exist.
Result<IngestOptions> ingest_options_from(const config::Settings& settings);
// The allow-list path the settings name (for picketctl agents --config).
std::string allow_list_path_from(const config::Settings& settings);

}  // namespace picket::collector
