#include "agent/transport/outbox.h"

#include <chrono>

namespace picket::agent {

bool Outbox::submit(v1::Alert alert) {
  if (alert.host().empty()) alert.set_host(host_);
  if (alert.event_time_us() == 0) {
    alert.set_event_time_us(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  }
  return spool_.append(alert);
}

}  // namespace picket::agent
