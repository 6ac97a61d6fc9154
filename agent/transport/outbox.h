#pragma once
// The agent's single entry point for alerts: every input (network detection, Sigma, YARA/FIM, health) calls
// submit(); the alert is written to the disk spool and the Sender delivers it.
//
//   picket::agent::Outbox outbox(*spool, "web01");
//   v1::Alert a = ...;
//   outbox.submit(std::move(a));   // any thread; false when the spool cap refused it (counted)
//
// submit() fills in host and event_time_us when they are empty. Thread-safe.
#include <string>

#include "agent/transport/spool.h"
#include "picket.pb.h"

namespace picket::agent {

class Outbox {
 public:
  Outbox(Spool& spool, std::string host_name) : spool_(spool), host_(std::move(host_name)) {}
  bool submit(v1::Alert alert);

 private:
  Spool& spool_;
  std::string host_;
};

}  // namespace picket::agent
