// Tests agent/app/http2_parser.cc through AppState (detection by the client preface): streams as
// transactions with HTTP sticky buffers, CONTINUATION, padding, long DATA frames, push promises,
// interleaved streams, split at every byte, and the limits on hostile input.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/app/app_state.h"
#include "agent/app/http2.h"
#include "tests/agent/app/test_util.h"

namespace picket::app {
namespace {

using test::bytes;
using test::RecordingSink;
constexpr Direction kReq = Direction::kToServer;
constexpr Direction kResp = Direction::kToClient;

std::string frame(uint8_t type, uint8_t flags, uint32_t stream, std::string_view payload, size_t claimed = SIZE_MAX) {
  size_t len = claimed == SIZE_MAX ? payload.size() : claimed;
  std::string f;
  f.push_back(static_cast<char>((len >> 16) & 0xFF));
  f.push_back(static_cast<char>((len >> 8) & 0xFF));
  f.push_back(static_cast<char>(len & 0xFF));
  f.push_back(static_cast<char>(type));
  f.push_back(static_cast<char>(flags));
  f.push_back(static_cast<char>((stream >> 24) & 0x7F));
  f.push_back(static_cast<char>((stream >> 16) & 0xFF));
  f.push_back(static_cast<char>((stream >> 8) & 0xFF));
  f.push_back(static_cast<char>(stream & 0xFF));
  f += payload;
  return f;
}

// HPACK literal field without indexing, new name; Huffman-coded value when `huff`.
std::string lit(std::string_view name, std::string_view value, bool huff = false) {
  std::string s;
  s.push_back(0x00);
  s.push_back(static_cast<char>(name.size()));
  s += name;
  if (huff) {
    std::string h = hpack_huffman_encode(value);
    s.push_back(static_cast<char>(0x80 | h.size()));
    s += h;
  } else {
    s.push_back(static_cast<char>(value.size()));
    s += value;
  }
  return s;
}

// Literal with incremental indexing (goes into the dynamic table).
std::string indexed_lit(std::string_view name, std::string_view value) {
  std::string s;
  s.push_back(0x40);
  s.push_back(static_cast<char>(name.size()));
  s += name;
  s.push_back(static_cast<char>(value.size()));
  s += value;
  return s;
}

const std::string kSettings = frame(4, 0, 0, "");

std::string request_block(std::string_view path, std::string_view authority) {
  // :method GET (static 2), :scheme https (static 7), then literals.
  return std::string("\x82\x87", 2) + lit(":path", path, true) + lit(":authority", authority) +
         lit("user-agent", "curl/8.0");
}

struct Capture {
  std::vector<std::string> uris, hosts, methods, headers, statuses, bodies, protocols;
  std::vector<AppProto> protos;
};

void attach(RecordingSink& sink, Capture& c) {
  sink.extra = [&c](const AppEvent& e) {
    if (e.http == nullptr) return;
    if (e.kind == AppEventKind::kHttpRequestHeaders) {
      c.uris.emplace_back(e.http->http_uri());
      c.hosts.emplace_back(e.http->http_host());
      c.methods.emplace_back(e.http->http_method());
      c.headers.emplace_back(e.http->http_header(Direction::kToServer));
      c.protocols.emplace_back(e.http->http_protocol(Direction::kToServer));
      c.protos.push_back(e.proto);
    }
    if (e.kind == AppEventKind::kHttpResponseHeaders) c.statuses.emplace_back(e.http->http_stat_code());
    if (e.kind == AppEventKind::kHttpResponseComplete) c.bodies.emplace_back(e.http->http_response_body());
  };
}

TEST(Http2, PrefaceDetectsAndStreamsBecomeTransactions) {
  AppLimits limits;
  AppCounters counters;
  AppState app(limits, counters, 8443);
  RecordingSink sink;
  Capture c;
  attach(sink, c);
  std::string client = std::string(kHttp2Preface) + kSettings +
                       frame(1, 0x5, 1, request_block("/a/../malware/%70ayload.exe?x=1", "Evil.COM:8443"));
  std::string server = kSettings + frame(1, 0x4, 1, std::string("\x88", 1) + lit("content-type", "text/html")) +
                       frame(0, 0, 1, "hello ") + frame(0, 0x1, 1, "world");
  app.on_data(kReq, bytes(client), &sink);
  app.on_data(kResp, bytes(server), &sink);
  EXPECT_EQ(app.proto(), AppProto::kHttp2);
  ASSERT_EQ(c.uris.size(), 1u);
  EXPECT_EQ(c.uris[0], "/malware/payload.exe?x=1");
  EXPECT_EQ(c.hosts[0], "evil.com");
  EXPECT_EQ(c.methods[0], "GET");
  EXPECT_EQ(c.headers[0], "user-agent: curl/8.0\r\n");
  EXPECT_EQ(c.protocols[0], "HTTP/2");
  EXPECT_EQ(c.protos[0], AppProto::kHttp2);
  ASSERT_EQ(c.statuses.size(), 1u);
  EXPECT_EQ(c.statuses[0], "200");
  ASSERT_EQ(c.bodies.size(), 1u);
  EXPECT_EQ(c.bodies[0], "hello world");
  EXPECT_EQ(sink.count(AppEventKind::kHttpRequestComplete), 1u);
  EXPECT_EQ(counters.http2_streams, 1u);
}

TEST(Http2, ServerSettingsFirstWaitsForThePreface) {
  AppLimits limits;
  AppCounters counters;
  AppState app(limits, counters, 3000);
  RecordingSink sink;
  Capture c;
  attach(sink, c);
  app.on_data(kResp, bytes(frame(4, 0, 0, std::string("\x00\x03\x00\x00\x00\x64", 6))), &sink);
  EXPECT_FALSE(app.detection_done());
  std::string client = std::string(kHttp2Preface) + kSettings + frame(1, 0x5, 1, request_block("/doc", "localhost:3000"));
  app.on_data(kReq, bytes(client), &sink);
  EXPECT_EQ(app.proto(), AppProto::kHttp2);
  ASSERT_EQ(c.hosts.size(), 1u);
  EXPECT_EQ(c.hosts[0], "localhost");
}

TEST(Http2, EverySplitGivesTheSameTransactions) {
  std::string block = request_block("/x", "h");
  std::string client = std::string(kHttp2Preface) + kSettings +
                       // HEADERS (padded, priority) + CONTINUATION
                       frame(1, 0x8 | 0x20, 1, std::string("\x03", 1) + std::string("\x00\x00\x00\x00\x10", 5) +
                                                    block.substr(0, 5) + std::string(3, '\0')) +
                       frame(9, 0x4, 1, block.substr(5)) + frame(0, 0x8 | 0x1, 1, std::string("\x02", 1) + "body" + std::string(2, '\0'));
  for (size_t split = 1; split < client.size(); ++split) {
    AppLimits limits;
    AppCounters counters;
    AppState app(limits, counters, 80);
    RecordingSink sink;
    Capture c;
    attach(sink, c);
    app.on_data(kReq, bytes(client).first(split), &sink);
    app.on_data(kReq, bytes(client).subspan(split), &sink);
    ASSERT_EQ(c.uris.size(), 1u) << split;
    EXPECT_EQ(c.uris[0], "/x");
    EXPECT_EQ(sink.request_body_chunks, "body") << split;
    EXPECT_EQ(sink.count(AppEventKind::kHttpRequestComplete), 1u);
    EXPECT_EQ(counters.http2_bad_frame, 0u);
  }
}

TEST(Http2, LongDataFrameIsCountedAndTheNextStreamStillParses) {
  AppLimits limits;
  AppCounters counters;
  AppState app(limits, counters, 8443);
  RecordingSink sink;
  Capture c;
  attach(sink, c);
  app.on_data(kReq, bytes(std::string(kHttp2Preface) + kSettings + frame(1, 0x5, 1, request_block("/", "t"))), &sink);
  std::string big(70000, 'A');
  app.on_data(kResp, bytes(kSettings + frame(1, 0x4, 1, std::string("\x88", 1)) + frame(0, 0x1, 1, big)), &sink);
  EXPECT_EQ(counters.http2_long_frame_data, 1u);
  app.on_data(kReq, bytes(frame(1, 0x5, 3, request_block("/malware/payload.exe", "evil.com"))), &sink);
  ASSERT_EQ(c.uris.size(), 2u);
  EXPECT_EQ(c.uris[1], "/malware/payload.exe");
  ASSERT_EQ(c.bodies.size(), 1u);
  EXPECT_EQ(c.bodies[0], big);
}

TEST(Http2, DynamicTableCarriesAcrossStreamsAndPushPromise) {
  AppLimits limits;
  AppCounters counters;
  AppState app(limits, counters, 80);
  RecordingSink sink;
  Capture c;
  attach(sink, c);
  std::string b1 = std::string("\x82\x86", 2) + indexed_lit(":path", "/first") + indexed_lit(":authority", "example.org");
  // Second request: :path and :authority from the dynamic table (62 = newest = authority, 63 = path).
  std::string b2 = std::string("\x82\x86\xbf\xbe", 4);
  std::string client = std::string(kHttp2Preface) + frame(1, 0x5, 1, b1) + frame(1, 0x5, 3, b2);
  app.on_data(kReq, bytes(client), &sink);
  ASSERT_EQ(c.uris.size(), 2u);
  EXPECT_EQ(c.uris[1], "/first");
  EXPECT_EQ(c.hosts[1], "example.org");
  // PUSH_PROMISE from the server announces stream 2 with its own request headers.
  std::string pp = std::string("\x00\x00\x00\x02", 4) + std::string("\x82\x86", 2) + lit(":path", "/pushed.css") +
                   lit(":authority", "example.org");
  app.on_data(kResp, bytes(frame(5, 0x4, 1, pp)), &sink);
  ASSERT_EQ(c.uris.size(), 3u);
  EXPECT_EQ(c.uris[2], "/pushed.css");
}

TEST(Http2, RstStreamGoawayPingWindowUpdateAndUnknownFrames) {
  AppLimits limits;
  AppCounters counters;
  AppState app(limits, counters, 80);
  RecordingSink sink;
  std::string client = std::string(kHttp2Preface) + frame(1, 0x4, 1, request_block("/", "h")) +
                       frame(8, 0, 1, std::string("\x00\x00\x10\x00", 4)) + frame(6, 0, 0, std::string(8, 'p')) +
                       frame(2, 0, 1, std::string("\x00\x00\x00\x00\x20", 5)) + frame(0xfa, 0, 0, "xyz") +
                       frame(3, 0, 1, std::string("\x00\x00\x00\x08", 4)) + frame(7, 0, 0, std::string(8, '\0'));
  app.on_data(kReq, bytes(client), &sink);
  EXPECT_EQ(counters.http2_rst_stream, 1u);
  EXPECT_EQ(counters.http2_goaway, 1u);
  EXPECT_EQ(counters.http2_bad_frame, 0u);
  EXPECT_EQ(sink.count(AppEventKind::kHttpRequestComplete), 1u);  // the reset ended the stream
  ASSERT_EQ(app.http2()->transactions().size(), 1u);
  const Http2StreamInfo& info = app.http2()->stream_info(0);
  EXPECT_EQ(info.windows[0].size(), 1u);
  EXPECT_EQ(info.windows[0][0], 4096u);
  ASSERT_EQ(info.error_codes[0].size(), 1u);
  EXPECT_EQ(info.error_codes[0][0], 8u);
  EXPECT_EQ(info.priorities[0].size(), 1u);
}

TEST(Http2, HostileInputIsBounded) {
  AppLimits limits;
  limits.http2_max_streams = 8;
  limits.http2_max_header_block = 1024;
  AppCounters counters;
  AppState app(limits, counters, 80);
  RecordingSink sink;
  std::string client(kHttp2Preface);
  for (uint32_t id = 1; id < 200; id += 2) client += frame(1, 0x4, id, request_block("/", "h"));  // never end
  app.on_data(kReq, bytes(client), &sink);
  EXPECT_GT(counters.http2_too_many_streams, 0u);
  app.on_data(kReq, bytes(frame(6, 0, 0, "12345678")), &sink);
  EXPECT_LE(app.http2()->transactions().size(), 9u);
  // Endless CONTINUATION: the block is capped, the HPACK state is given up.
  std::string cont = frame(1, 0, 301, std::string(500, '\x82'));
  for (int i = 0; i < 10; ++i) cont += frame(9, 0, 301, std::string(500, '\x82'));
  cont += frame(9, 0x4, 301, "");
  app.on_data(kReq, bytes(cont), &sink);
  EXPECT_EQ(counters.http2_header_block_too_long, 1u);
  // A 16 MiB non-DATA frame is skipped, not buffered.
  app.on_data(kReq, bytes(frame(0xfb, 0, 0, "", 0xFFFFFF)), &sink);
  EXPECT_EQ(counters.http2_frame_too_long, 1u);
  // Garbage instead of the preface: the direction stops.
  Http2Parser bad(limits, counters);
  bad.feed(kReq, bytes(std::string("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n") + std::string(100, '\xff')), &sink);
  EXPECT_EQ(counters.http2_bad_preface, 1u);
}

TEST(Http2, CopiedTransactionOutlivesTheParser) {
  // A pipeline may copy a finished transaction and read it after the parser released the original.
  std::unique_ptr<HttpTx> copy;
  {
    AppLimits limits;
    AppCounters counters;
    Http2Parser p(limits, counters);
    RecordingSink sink;
    sink.extra = [&copy](const AppEvent& e) {
      if (e.kind == AppEventKind::kHttpResponseComplete) copy = std::make_unique<HttpTx>(*e.http);
    };
    p.feed(kReq, bytes(std::string(kHttp2Preface) + frame(1, 0x5, 1, request_block("/copy/me", "Host.Example:99"))), &sink);
    p.feed(kResp, bytes(frame(1, 0x5, 1, std::string("\x88", 1) + lit("server", "s"))), &sink);
    p.feed(kReq, bytes(frame(6, 0, 0, "12345678")), &sink);  // releases stream 1
  }
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->http_uri_raw(), "/copy/me");
  EXPECT_EQ(copy->http_host_raw(), "Host.Example:99");
  EXPECT_EQ(copy->http_method(), "GET");
  EXPECT_EQ(copy->http_stat_code(), "200");
  EXPECT_EQ(copy->http_server(), "s");
  EXPECT_EQ(copy->http_request_line(), "GET /copy/me HTTP/2");
  HttpTx moved = std::move(*copy);
  copy.reset();
  EXPECT_EQ(moved.http_user_agent(), "curl/8.0");
  EXPECT_EQ(moved.http_protocol(Direction::kToClient), "HTTP/2");
}

TEST(Http2, DisabledProtocolIsNotDetected) {
  AppLimits limits;
  limits.http2_enabled = false;
  AppCounters counters;
  AppState app(limits, counters, 80);
  RecordingSink sink;
  app.on_data(kReq, bytes(std::string(kHttp2Preface) + kSettings), &sink);
  app.on_data(kResp, bytes(kSettings), &sink);
  EXPECT_NE(app.proto(), AppProto::kHttp2);
  EXPECT_EQ(app.http2(), nullptr);
}

}  // namespace
}  // namespace picket::app
