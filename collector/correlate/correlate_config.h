#pragma once
// The correlation engine's configuration keys (correlate.*), added to picket-collector's schema by
// collector/cmd/collector_schema.cc.
//
//   picket::collector::correlate::add_correlate_keys(schema);
//   auto opts = picket::collector::correlate::engine_options(settings);
#include <string>
#include <vector>

#include "collector/correlate/engine.h"
#include "common/config.h"

namespace picket::collector::correlate {

void add_correlate_keys(config::Schema& schema);
EngineOptions engine_options(const config::Settings& settings);
// correlate.rules: files or folders of correlation rules.
std::vector<std::string> rule_paths(const config::Settings& settings);
// How often the engine's state is written to the store.
int64_t state_interval_us(const config::Settings& settings);

}  // namespace picket::collector::correlate
