// TLS: the record layer fed in chunks (byte 0 = chunk size, byte 1 bit 0 = direction), and the hello and
// certificate parsers called directly on the input.
#include <cstddef>
#include <cstdint>
#include <span>

#include "agent/app/tls.h"

namespace {
struct Sink : picket::app::AppEventSink {
  size_t n = 0;
  void on_app_event(const picket::app::AppEvent& e) override {
    if (e.tls != nullptr) n += e.tls->tls_sni().size() + e.tls->ja3_string().size() + e.tls->tls_cert_subject().size();
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using picket::app::Direction;
  if (size < 2) return 0;
  picket::app::AppLimits limits;
  picket::app::AppCounters counters;
  size_t chunk = size_t{data[0]} + 1;
  Direction dir = (data[1] & 1) != 0 ? Direction::kToClient : Direction::kToServer;
  std::span<const uint8_t> rest(data + 2, size - 2);
  picket::app::TlsParser tls(limits, counters);
  Sink sink;
  for (std::span<const uint8_t> r = rest; !r.empty();) {
    size_t n = r.size() < chunk ? r.size() : chunk;
    tls.feed(dir, r.first(n), &sink);
    r = r.subspan(n);
  }
  picket::app::TlsClientHello ch;
  picket::app::parse_client_hello(rest, limits, ch);
  picket::app::TlsServerHello sh;
  picket::app::parse_server_hello(rest, limits, sh);
  if ((data[1] & 2) != 0) {
    picket::app::TlsCertificate cert;
    picket::app::parse_certificate_message(rest, cert);
  }
  return 0;
}
