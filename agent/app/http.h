#pragma once
// HTTP/1.x transactions and the incremental parser that builds them.
//
//   picket::app::HttpParser http(limits, counters);
//   http.feed(Direction::kToServer, bytes, sink);   // any chunking, down to 1 byte
//   http.feed(Direction::kToClient, bytes, sink);
//   http.on_close(Direction::kToClient, sink);       // ends a Connection: close response body
//   // sink receives AppEvents (app_event.h) with a `const HttpTx*`:
//   //   tx->http_uri(), tx->http_host(), tx->file_data(), ...
//
// One HttpParser per TCP flow (usually owned by AppState). Pipelining: requests are queued in arrival order
// and responses are matched to them in order (HTTP/1.1 has no other correlation). Feed a request's bytes
// before the response bytes that answer it (packet order does this); a response whose request has not
// been seen yet gets a transaction of its own (app.http.response_without_request). A transaction is freed
// after both sides completed and the next feed()/on_close() call starts, so `const HttpTx*` from an event
// is valid until the next call into the parser. Not thread-safe; a flow lives on one worker thread.
//
// Sticky-buffer accessors are named after Suricata's buffers (http.uri -> http_uri()). Direction-dependent
// buffers (http.header, http.cookie, http.content_type, http.content_len, http.protocol, http.start,
// http.header_names, http.header.raw) take the Direction the rule inspects; see buffers.h for the
// lookup by name.
//
// Normalised URI (http.uri), applied to the request target, in this order:
//   1. absolute-form "scheme://authority/path?q" is reduced to "/path?q" (the authority feeds http.host);
//   2. the path (up to the first '?') is percent-decoded (%XX with two hex digits; an invalid escape is
//      kept literally and counted as app.http.bad_percent_encoding), '\' becomes '/', runs of '/' collapse
//      to one, and dot segments are removed as RFC 3986 5.2.4 does ("/a/./b" -> "/a/b", "/a/b/../c" ->
//      "/a/c", ".." above the root stays at the root);
//   3. the query (from '?') is percent-decoded but otherwise untouched ('+' stays '+').
// http.uri.raw is the request target exactly as sent.
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/app/app_event.h"
#include "agent/app/types.h"

namespace picket::app {

struct HttpHeader {
  std::string_view name;   // as sent (case kept), view into HttpMessage::head
  std::string_view value;  // leading/trailing spaces and tabs trimmed; folded lines keep their CRLF
};

// One request or response: the head (start line + headers) kept verbatim, and the body as seen by rules.
struct HttpMessage {
  std::string head;                 // bytes from the start line up to and including the blank line
  std::string_view start_line;      // start line without CR/LF
  std::vector<HttpHeader> headers;  // in order, duplicates kept
  std::string header_block;         // "Name: value\r\n" per header (http.header)
  std::string header_names;         // "\r\nName1\r\nName2\r\n\r\n" (http.header_names)
  std::string body;                 // dechunked; responses also decompressed; capped by the body limit
  uint64_t body_bytes = 0;          // body bytes seen after dechunking/decoding (kept or not)
  uint64_t wire_body_bytes = 0;     // body bytes on the wire (before dechunking)
  bool headers_complete = false;
  bool complete = false;
  bool body_truncated = false;      // body exceeded the limit; body holds the first `limit` bytes
  bool chunked = false;
  int64_t content_length = -1;      // -1 when absent or invalid

  // First header with this name (ASCII case-insensitive), or "" when absent.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // Raw header lines after the start line, including the terminating blank line (http.header.raw).
  std::string_view header_block_raw() const;
  void clear();  // keeps capacity

  // Copies and moves re-point the views (start_line, headers) into the new object's `head`.
  HttpMessage() = default;
  HttpMessage(const HttpMessage& o);
  HttpMessage(HttpMessage&& o) noexcept;
  HttpMessage& operator=(const HttpMessage& o);
  HttpMessage& operator=(HttpMessage&& o) noexcept;
};

struct HttpTx {
  uint64_t id = 0;  // 0, 1, 2 ... per flow, in request order
  HttpMessage request;
  HttpMessage response;
  // Request line parts, views into request.head.
  std::string_view method;
  std::string_view uri_raw;
  std::string_view request_protocol;  // "HTTP/1.1"; "" for HTTP/0.9-style "GET /"
  std::string uri_normalized;
  std::string host;                   // normalised: lowercased, port and trailing dot removed
  std::string authority;              // HTTP/2 :authority (host_raw points here when it is set)
  std::string_view host_raw;          // Host header value (or the absolute URI's authority) as sent
  // Status line parts, views into response.head.
  std::string_view response_protocol;
  std::string_view status_code_text;  // "200"
  std::string_view status_message;    // "OK"
  int status = 0;
  bool has_response = false;          // the response has started (status line seen)

  // --- sticky buffers (Suricata names) ---
  std::string_view http_uri() const { return uri_normalized; }
  std::string_view http_uri_raw() const { return uri_raw; }
  std::string_view http_method() const { return method; }
  std::string_view http_host() const { return host; }
  std::string_view http_host_raw() const { return host_raw; }
  std::string_view http_user_agent() const { return request.header("User-Agent"); }
  std::string_view http_referer() const { return request.header("Referer"); }
  std::string_view http_accept() const { return request.header("Accept"); }
  std::string_view http_server() const { return response.header("Server"); }
  std::string_view http_request_line() const { return request.start_line; }
  std::string_view http_response_line() const { return response.start_line; }
  std::string_view http_stat_code() const { return status_code_text; }
  std::string_view http_stat_msg() const { return status_message; }
  std::string_view http_request_body() const { return request.body; }
  std::string_view http_response_body() const { return response.body; }
  std::string_view file_data() const { return response.body; }  // decoded response body
  // Direction-dependent: to_server reads the request, to_client the response.
  const HttpMessage& message(Direction d) const { return d == Direction::kToServer ? request : response; }
  std::string_view http_header(Direction d) const { return message(d).header_block; }
  std::string_view http_header_raw(Direction d) const { return message(d).header_block_raw(); }
  std::string_view http_header_names(Direction d) const { return message(d).header_names; }
  // Cookie (request) or Set-Cookie (response).
  std::string_view http_cookie(Direction d) const;
  std::string_view http_content_type(Direction d) const { return message(d).header("Content-Type"); }
  std::string_view http_content_len(Direction d) const { return message(d).header("Content-Length"); }
  std::string_view http_protocol(Direction d) const {
    return d == Direction::kToServer ? request_protocol : response_protocol;
  }
  std::string_view http_start(Direction d) const { return message(d).head; }

  void clear();  // keeps capacity, for reuse

  // Copies and moves re-point every view into the new object's own strings, so a copy outlives the
  // parser's transaction (e.g. a pipeline keeping a finished transaction for later inspection).
  HttpTx() = default;
  HttpTx(const HttpTx& o);
  HttpTx(HttpTx&& o) noexcept;
  HttpTx& operator=(const HttpTx& o);
  HttpTx& operator=(HttpTx&& o) noexcept;
};

class HttpParser {
 public:
  HttpParser(const AppLimits& limits, AppCounters& counters);
  ~HttpParser();
  HttpParser(const HttpParser&) = delete;
  HttpParser& operator=(const HttpParser&) = delete;

  // Stream bytes in order for one direction. Emits events to `sink` (may be null) as they happen.
  void feed(Direction dir, std::span<const uint8_t> data, AppEventSink* sink);
  // The direction's stream ended (FIN/RST/timeout): ends a body delimited by close and completes
  // what can be completed.
  void on_close(Direction dir, AppEventSink* sink);
  // Bytes were lost in this direction (reassembly gap): the direction stops parsing (counted).
  void on_gap(Direction dir);

  // Transactions still held (oldest first): incomplete ones and those completed during the last call.
  const std::deque<HttpTx>& transactions() const { return txs_; }
  uint64_t transactions_started() const { return next_tx_id_; }

  struct Side;  // per-direction parse state (http_parser.cc)

 private:
  void release_done();
  size_t step(Direction dir, Side& s, std::span<const uint8_t> data, AppEventSink* sink);
  size_t read_head(Direction dir, Side& s, std::span<const uint8_t> data, AppEventSink* sink);
  void head_done(Direction dir, Side& s, AppEventSink* sink);
  void message_done(Direction dir, Side& s, AppEventSink* sink);
  HttpTx* start_request();
  HttpTx* start_response();
  void fail(Side& s);

  const AppLimits& limits_;
  AppCounters& counters_;
  std::deque<HttpTx> txs_;
  std::vector<HttpTx> spare_;  // recycled transactions (capacity kept)
  uint64_t next_tx_id_ = 0;
  std::unique_ptr<Side> sides_[2];
};

// Pure helpers (http_uri.cc), exposed for tests and for the rule engine's own normalisation needs.
// Normalises a request target as described above; counts bad escapes into `bad_escapes` when non-null.
std::string normalize_uri(std::string_view raw, uint64_t* bad_escapes = nullptr);
// "Example.COM:8080" -> "example.com"; "[::1]:80" -> "[::1]".
std::string normalize_host(std::string_view raw);

}  // namespace picket::app
