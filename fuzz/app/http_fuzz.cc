// HTTP/1.x parser through AppState (detection included). Input layout: byte 0 = chunk size for feeding
// (1..256), bytes 1-2 = where the request stream ends and the response stream starts (top bit: the flow
// was picked up midstream, so it may be taken as reversed); the rest is data. Both directions are fed
// interleaved chunk by chunk, then both sides close (which also ends heads cut without a blank line).
#include <cstddef>
#include <cstdint>

#include "agent/app/app_state.h"
#include "fuzz/app/two_way.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = picket::fuzz::split_two_way(data, size);
  if (!in) return 0;
  picket::app::AppLimits limits;
  limits.http_request_body_limit = 4096;
  limits.http_response_body_limit = 4096;
  limits.http_max_header_bytes = 8192;
  limits.http_max_pending_tx = 8;
  picket::app::AppCounters counters;
  picket::app::AppState app(limits, counters, 80);
  app.set_midstream(in->flag);
  picket::fuzz::HttpTouchSink sink;
  picket::fuzz::feed_two_way(app, in->client, in->server, in->chunk, &sink);
  return 0;
}
