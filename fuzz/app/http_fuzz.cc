// HTTP/1.x parser through AppState (detection included). Input layout: byte 0 = chunk size for feeding
// (1..256), bytes 1-2 = where the request stream ends and the response stream starts (top bit: the flow
// was picked up midstream, so it may be taken as reversed); the rest is data. Both directions are fed
// interleaved chunk by chunk, then both sides close (which also ends heads cut without a blank line).
#include <cstddef>
#include <cstdint>
#include <span>

#include "agent/app/app_state.h"

namespace {

struct CountingSink : picket::app::AppEventSink {
  size_t n = 0;
  size_t bytes = 0;
  void on_app_event(const picket::app::AppEvent& e) override {
    ++n;
    bytes += e.data.size();
    if (e.http != nullptr) {
      // Touch every buffer so ASan sees any dangling view.
      bytes += e.http->http_uri().size() + e.http->http_host().size() + e.http->file_data().size() +
               e.http->http_header(e.dir).size() + e.http->http_header_names(e.dir).size() +
               e.http->http_header_raw(e.dir).size() + e.http->http_cookie(e.dir).size();
      for (const auto& h : e.http->message(e.dir).headers) bytes += h.name.size() + h.value.size();
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using picket::app::Direction;
  if (size < 3) return 0;
  size_t chunk = size_t{data[0]} + 1;
  bool midstream = (data[1] & 0x80) != 0;
  size_t split = (size_t{data[1] & 0x7Fu} << 8) | data[2];
  std::span<const uint8_t> rest(data + 3, size - 3);
  if (split > rest.size()) split = rest.size();
  std::span<const uint8_t> req = rest.first(split), resp = rest.subspan(split);
  picket::app::AppLimits limits;
  limits.http_request_body_limit = 4096;
  limits.http_response_body_limit = 4096;
  limits.http_max_header_bytes = 8192;
  limits.http_max_pending_tx = 8;
  picket::app::AppCounters counters;
  picket::app::AppState app(limits, counters, 80);
  app.set_midstream(midstream);
  CountingSink sink;
  while (!req.empty() || !resp.empty()) {
    size_t a = req.size() < chunk ? req.size() : chunk;
    app.on_data(Direction::kToServer, req.first(a), &sink);
    req = req.subspan(a);
    size_t b = resp.size() < chunk ? resp.size() : chunk;
    app.on_data(Direction::kToClient, resp.first(b), &sink);
    resp = resp.subspan(b);
  }
  app.on_close(Direction::kToServer, &sink);
  app.on_close(Direction::kToClient, &sink);
  return 0;
}
