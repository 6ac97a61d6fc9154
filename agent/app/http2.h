#pragma once
// HTTP/2 (RFC 9113) connection parser: client preface, frames, HPACK header blocks, streams as HTTP
// transactions.
//
//   picket::app::Http2Parser h2(limits, counters);
//   h2.feed(Direction::kToServer, bytes, sink);   // any chunking, down to 1 byte
//   h2.feed(Direction::kToClient, bytes, sink);
//   // sink receives the HTTP events of app_event.h with proto kHttp2 and a `const HttpTx*` per stream:
//   //   tx->http_uri() (":path" normalised), tx->http_host() (":authority" without port), ...
//
// Each client-initiated stream (and each stream a PUSH_PROMISE announces) is one transaction (HttpTx):
// the request is made of the pseudo-headers (:method, :path, :authority, :scheme) and the other fields,
// synthesised as "METHOD PATH HTTP/2" + "name: value" lines so that every HTTP sticky buffer has the
// meaning Suricata gives it for HTTP/2 (http.header is "name: value\r\n" per non-pseudo field,
// http.protocol "HTTP/2", http.host the authority lowercased without port). DATA frames are the bodies
// (response bodies decoded per content-encoding, as HTTP/1 ones), streamed without buffering whatever
// their length: a DATA frame longer than the receiver's SETTINGS_MAX_FRAME_SIZE is counted
// (app.http2.long_frame_data) and still parsed. Other frames are buffered up to AppLimits::http2_max_frame
// and skipped beyond it (app.http2.frame_too_long); a header block that cannot be decoded makes that
// direction's HPACK state unusable (app.http2.hpack_error) and later header blocks of that direction are
// skipped. Streams tracked at once are capped (http2_max_streams); memory per connection is bounded.
//
// Lifetimes as HttpParser: a transaction finished during a call stays valid until the next call. Not
// thread-safe; a flow lives on one worker thread.
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "agent/app/app_event.h"
#include "agent/app/http.h"
#include "agent/app/http2_hpack.h"
#include "agent/app/types.h"

namespace picket::app {

// Frame types (RFC 9113 6).
enum class Http2FrameType : uint8_t {
  kData = 0, kHeaders = 1, kPriority = 2, kRstStream = 3, kSettings = 4, kPushPromise = 5, kPing = 6,
  kGoAway = 7, kWindowUpdate = 8, kContinuation = 9,
};

inline constexpr std::string_view kHttp2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// What the stream-level keywords read about one stream (per direction: [0] to_server, [1] to_client).
struct Http2StreamInfo {
  uint32_t stream_id = 0;
  std::vector<uint8_t> frame_types[2];   // types seen on this stream, in order (capped)
  std::vector<uint32_t> error_codes[2];  // RST_STREAM / GOAWAY error codes
  std::vector<uint32_t> windows[2];      // WINDOW_UPDATE increments
  std::vector<uint8_t> priorities[2];    // PRIORITY / HEADERS weights
  std::vector<std::pair<uint16_t, uint32_t>> settings[2];  // SETTINGS (id, value) seen on the connection
  std::vector<std::string> header_names[2];  // decoded field names incl. pseudo-headers
  int64_t size_update[2] = {-1, -1};     // HPACK dynamic table size updates
};

class Http2Parser {
 public:
  Http2Parser(const AppLimits& limits, AppCounters& counters);
  ~Http2Parser();
  Http2Parser(const Http2Parser&) = delete;
  Http2Parser& operator=(const Http2Parser&) = delete;

  void feed(Direction dir, std::span<const uint8_t> data, AppEventSink* sink);
  // The direction ended: open streams of that side are cut short (completed for logging).
  void on_close(Direction dir, AppEventSink* sink);
  // Bytes lost: frame boundaries are gone, the direction stops parsing (counted).
  void on_gap(Direction dir);

  // Transactions held (oldest first): open streams and those finished during the last call.
  const std::deque<HttpTx>& transactions() const { return txs_; }
  // Stream-level details of a transaction (same index as transactions()).
  const Http2StreamInfo& stream_info(size_t index) const { return info_[index]; }
  uint64_t streams_started() const { return next_tx_id_; }

  struct Side;  // per-direction frame state (http2_parser.cc)

 private:
  struct Stream;
  Stream* find_stream(uint32_t id);
  Stream* open_stream(uint32_t id);
  void release_done();
  size_t step(Direction dir, Side& s, std::span<const uint8_t> data, AppEventSink* sink);
  void frame_done(Direction dir, Side& s, AppEventSink* sink);
  void header_block_done(Direction dir, Side& s, AppEventSink* sink);
  void data_bytes(Direction dir, Side& s, std::span<const uint8_t> bytes, AppEventSink* sink);
  void end_stream(Direction dir, Stream& st, AppEventSink* sink);
  void record_frame(Direction dir, uint32_t stream_id, uint8_t type);

  const AppLimits& limits_;
  AppCounters& counters_;
  std::deque<HttpTx> txs_;
  std::deque<Http2StreamInfo> info_;
  std::vector<std::unique_ptr<Stream>> streams_;  // parallel to txs_
  uint64_t next_tx_id_ = 0;
  std::unique_ptr<Side> sides_[2];
  std::vector<std::pair<uint16_t, uint32_t>> conn_settings_[2];
};

}  // namespace picket::app
