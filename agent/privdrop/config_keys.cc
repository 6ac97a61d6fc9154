// agent.user: who picket-agent becomes when started as root (see privdrop.h).
#include "agent/privdrop/privdrop.h"

namespace picket::privdrop {

void add_privdrop_keys(config::Schema& schema) {
  schema.add({.key = "agent.user",
              .type = config::Type::kString,
              .default_value = "picket",
              .help = "user the agent switches to when started as root, once its capture handles are open, "
                      "keeping only CAP_NET_RAW, CAP_NET_ADMIN and CAP_DAC_READ_SEARCH; empty keeps root "
                      "(not recommended). Under the packaged systemd unit it already runs as this user."});
}

}  // namespace picket::privdrop
