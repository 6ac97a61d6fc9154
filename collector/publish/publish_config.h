#pragma once
// The publish keys (publish.*): the live stream for operators and the exports.
//
//   picket::collector::publish::add_publish_keys(schema);
#include "common/config.h"

namespace picket::collector::publish {

void add_publish_keys(config::Schema& schema);

}  // namespace picket::collector::publish
