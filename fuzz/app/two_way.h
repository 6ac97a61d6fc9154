#pragma once
// The input layout shared by the two-direction app-layer fuzz targets (http, http2, pgsql): byte 0 = chunk
// size for feeding (1..256), bytes 1-2 = a 15-bit split where the client stream ends and the server stream
// starts, with the top bit of byte 1 as a per-target flag; the rest is data.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "agent/app/app_state.h"

namespace picket::fuzz {

struct TwoWayInput {
  size_t chunk = 1;
  bool flag = false;  // top bit of byte 1 (http: midstream; http2: prepend the client preface)
  std::span<const uint8_t> client, server;
};

inline std::optional<TwoWayInput> split_two_way(const uint8_t* data, size_t size) {
  if (size < 3) return std::nullopt;
  TwoWayInput in;
  in.chunk = size_t{data[0]} + 1;
  in.flag = (data[1] & 0x80) != 0;
  size_t split = (size_t{data[1] & 0x7Fu} << 8) | data[2];
  std::span<const uint8_t> rest(data + 3, size - 3);
  if (split > rest.size()) split = rest.size();
  in.client = rest.first(split);
  in.server = rest.subspan(split);
  return in;
}

// Feeds both directions interleaved chunk by chunk (client first), then closes both sides (which also
// ends messages cut without their terminator).
inline void feed_two_way(app::AppState& app, std::span<const uint8_t> client, std::span<const uint8_t> server,
                         size_t chunk, app::AppEventSink* sink) {
  using app::Direction;
  while (!client.empty() || !server.empty()) {
    size_t a = client.size() < chunk ? client.size() : chunk;
    app.on_data(Direction::kToServer, client.first(a), sink);
    client = client.subspan(a);
    size_t b = server.size() < chunk ? server.size() : chunk;
    app.on_data(Direction::kToClient, server.first(b), sink);
    server = server.subspan(b);
  }
  app.on_close(Direction::kToServer, sink);
  app.on_close(Direction::kToClient, sink);
}

// Reads every HTTP buffer of an event so ASan sees any dangling view.
inline size_t touch_http(const app::AppEvent& e) {
  if (e.http == nullptr) return 0;
  const app::HttpTx& tx = *e.http;
  size_t bytes = tx.http_uri().size() + tx.http_host().size() + tx.http_host_raw().size() +
                 tx.http_method().size() + tx.http_request_line().size() + tx.file_data().size() +
                 tx.http_header(e.dir).size() + tx.http_header_names(e.dir).size() +
                 tx.http_header_raw(e.dir).size() + tx.http_cookie(e.dir).size() + tx.http_stat_code().size() +
                 tx.http_protocol(e.dir).size();
  for (const auto& h : tx.message(e.dir).headers) bytes += h.name.size() + h.value.size();
  return bytes;
}

// Counts event bytes and reads every HTTP buffer of each event.
struct HttpTouchSink : app::AppEventSink {
  size_t bytes = 0;
  void on_app_event(const app::AppEvent& e) override { bytes += e.data.size() + touch_http(e); }
};

}  // namespace picket::fuzz
