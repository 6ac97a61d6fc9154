// DHCP: the whole input as one UDP datagram (dhcp.h parse_dhcp, dhcp_shape) and through AppState's
// datagram path on ports 68 -> 67 and LLMNR's 5355 (detection, then DHCP / LLMNR parsing).
#include <cstddef>
#include <cstdint>
#include <span>

#include "agent/app/app_state.h"
#include "agent/app/dhcp.h"

namespace {
struct Sink : picket::app::AppEventSink {
  size_t seen = 0;
  void on_app_event(const picket::app::AppEvent& e) override {
    if (e.dhcp != nullptr) seen += e.dhcp->hostname.size() + e.dhcp->message_type;
    if (e.dns != nullptr) seen += e.dns->questions.size();
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace picket::app;
  AppLimits limits;
  AppCounters counters;
  std::span<const uint8_t> in(data, size);
  DhcpMessage m;
  if (parse_dhcp(in, counters, m)) (void)dhcp_message_type_name(m.message_type);
  Sink sink;
  AppState dhcp(limits, counters, 67);
  dhcp.on_datagram(Direction::kToServer, in, 68, 67, &sink);
  dhcp.on_datagram(Direction::kToClient, in, 67, 68, &sink);
  AppState llmnr(limits, counters, 5355);
  llmnr.on_datagram(Direction::kToServer, in, 54022, 5355, &sink);
  return 0;
}
