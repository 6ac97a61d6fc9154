// DNS: the whole input as one UDP message, then as a DNS-over-TCP stream fed in two pieces; and the
// content-based detection (detect.h: dns_message_shape, probe_udp, probe_tcp) on the same bytes. (The
// detector does not follow compression pointers, so it may accept what the parser refuses: no invariant.)
#include <cstddef>
#include <cstdint>
#include <span>

#include "agent/app/detect.h"
#include "agent/app/dns.h"

namespace {
struct Sink : picket::app::AppEventSink {
  size_t names = 0;
  void on_app_event(const picket::app::AppEvent& e) override {
    if (e.dns != nullptr) names += e.dns->questions.size() + e.dns->answers.size();
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  picket::app::AppLimits limits;
  picket::app::AppCounters counters;
  picket::app::DnsMessage msg;
  std::span<const uint8_t> in(data, size);
  if (picket::app::parse_dns(in, limits, counters, msg)) {
    size_t total = 0;
    for (const auto& a : msg.answers) total += a.rdata.size() + a.name.size();
    (void)total;
  }
  (void)picket::app::dns_message_shape(in);
  (void)picket::app::probe_udp(in, 40000, 9999);
  (void)picket::app::probe_tcp(picket::app::Direction::kToServer, in, 5300);
  (void)picket::app::probe_tcp(picket::app::Direction::kToClient, in, 5300);
  picket::app::DnsTcpParser tcp(limits, counters);
  Sink sink;
  size_t half = size / 2;
  tcp.feed(picket::app::Direction::kToClient, in.first(half), &sink);
  tcp.feed(picket::app::Direction::kToClient, in.subspan(half), &sink);
  return 0;
}
