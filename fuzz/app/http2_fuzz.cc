// HTTP/2 through AppState (detection by the client preface included) and the HPACK decoder on its own.
// Input layout: byte 0 = chunk size for feeding (1..256), bytes 1-2 = where the client stream ends and
// the server stream starts; the rest is data. The client stream gets the preface prepended when the
// top bit of byte 1 is set (so the fuzzer reaches the frame parser without having to find it). Both
// directions are fed interleaved chunk by chunk, then both sides close. The whole input is also decoded
// as one HPACK block.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "agent/app/app_state.h"
#include "agent/app/http2.h"
#include "agent/app/http2_hpack.h"
#include "fuzz/app/two_way.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = picket::fuzz::split_two_way(data, size);
  if (!in) return 0;
  std::string client;
  if (in->flag) client = picket::app::kHttp2Preface;
  client.append(reinterpret_cast<const char*>(in->client.data()), in->client.size());
  picket::app::AppLimits limits;
  limits.http_request_body_limit = 4096;
  limits.http_response_body_limit = 4096;
  limits.http2_max_frame = 64 * 1024;
  limits.http2_max_header_block = 8192;
  limits.http2_max_header_list = 8192;
  limits.http2_max_table_size = 4096;
  limits.http2_max_streams = 16;
  picket::app::AppCounters counters;
  picket::app::AppState app(limits, counters, 443);
  picket::fuzz::HttpTouchSink sink;
  std::span<const uint8_t> client_bytes(reinterpret_cast<const uint8_t*>(client.data()), client.size());
  picket::fuzz::feed_two_way(app, client_bytes, in->server, in->chunk, &sink);
  picket::app::HpackDecoder dec(4096, 8192);
  std::vector<picket::app::HpackField> fields;
  dec.decode(std::span<const uint8_t>(data, size), &fields);
  return 0;
}
