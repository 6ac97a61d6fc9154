#pragma once
// The collector's configuration schema: every key picket-collector accepts.
#include "common/config.h"

namespace picket::collector {

config::Schema build_collector_schema();

}  // namespace picket::collector
