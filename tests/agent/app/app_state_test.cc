// Tests agent/app/detect.cc and app_state.cc: detection by content (not port), one byte at a time, and
// hand-off to the right parser with the held bytes replayed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/app/app_config.h"
#include "agent/app/app_state.h"
#include "agent/app/buffers.h"
#include "agent/app/detect.h"
#include "tests/agent/app/test_util.h"

namespace picket::app {
namespace {

using test::bytes;
constexpr Direction kReq = Direction::kToServer;
constexpr Direction kResp = Direction::kToClient;

TEST(AppDetect, ProbesByContent) {
  EXPECT_EQ(probe_tcp(kReq, bytes("GET / HTTP/1.1\r\n"), 4444).proto, AppProto::kHttp);
  EXPECT_EQ(probe_tcp(kReq, bytes("CCM_POST /x HTTP/1.1\r\n"), 80).proto, AppProto::kHttp);
  EXPECT_TRUE(probe_tcp(kReq, bytes("GE"), 80).need_more);
  EXPECT_TRUE(probe_tcp(kReq, bytes("CCM_POST /x"), 80).need_more);
  EXPECT_EQ(probe_tcp(kResp, bytes("HTTP/1.1 200 OK\r\n"), 80).proto, AppProto::kHttp);
  const uint8_t ch[] = {0x16, 0x03, 0x01, 0x00, 0x40, 0x01};
  EXPECT_EQ(probe_tcp(kReq, ch, 8443).proto, AppProto::kTls);
  EXPECT_TRUE(probe_tcp(kReq, std::span<const uint8_t>(ch, 3), 8443).need_more);
  const uint8_t sh[] = {0x16, 0x03, 0x03, 0x00, 0x40, 0x02};
  EXPECT_EQ(probe_tcp(kResp, sh, 8443).proto, AppProto::kTls);
  EXPECT_EQ(probe_tcp(kReq, bytes("SSH-2.0-OpenSSH_9.2\r\n"), 2222).proto, AppProto::kSsh);
  EXPECT_EQ(probe_tcp(kResp, bytes("220 mx.example ESMTP Postfix\r\n"), 2525).proto, AppProto::kSmtp);
  EXPECT_EQ(probe_tcp(kResp, bytes("220 (vsFTPd 3.0.3)\r\n"), 2121).proto, AppProto::kFtp);
  EXPECT_EQ(probe_tcp(kResp, bytes("220 ready\r\n"), 21).proto, AppProto::kFtp);
  EXPECT_EQ(probe_tcp(kResp, bytes("220 ready\r\n"), 9999).proto, AppProto::kUnknown);
  EXPECT_EQ(probe_tcp(kReq, bytes("EHLO client\r\n"), 25).proto, AppProto::kSmtp);
  Probe junk = probe_tcp(kReq, bytes("\x01\x02\x03\x04"), 80);
  EXPECT_EQ(junk.proto, AppProto::kUnknown);
  EXPECT_FALSE(junk.need_more);
  EXPECT_EQ(app_proto_name(AppProto::kTls), "tls");
}

TEST(AppState, HttpOnOddPortOneByteAtATime) {
  AppLimits limits;
  AppCounters c;
  AppState app(limits, c, 4444);
  test::RecordingSink sink;
  std::string req = "GET /x HTTP/1.1\r\nHost: a.example\r\n\r\n";
  for (char ch : req) app.on_data(kReq, bytes(std::string_view(&ch, 1)), &sink);
  std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  for (char ch : resp) app.on_data(kResp, bytes(std::string_view(&ch, 1)), &sink);
  EXPECT_EQ(app.proto(), AppProto::kHttp);
  EXPECT_EQ(sink.count(AppEventKind::kProtocolDetected), 1u);
  ASSERT_EQ(sink.completed_uris.size(), 1u);
  EXPECT_EQ(sink.completed_uris[0], "/x");
  EXPECT_EQ(c.detect_http, 1u);
}

TEST(AppState, ServerResponseDecidesAndHeldRequestIsReplayed) {
  AppLimits limits;
  AppCounters c;
  AppState app(limits, c, 80);
  test::RecordingSink sink;
  std::vector<std::string> methods;
  sink.extra = [&](const AppEvent& e) {
    if (e.kind == AppEventKind::kHttpResponseComplete) methods.emplace_back(e.http->http_method());
  };
  app.on_data(kReq, bytes("OPTIONS\nHost: h\n\n"), &sink);  // not recognisable on its own
  EXPECT_FALSE(app.detection_done());
  app.on_data(kResp, bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), &sink);
  EXPECT_EQ(app.proto(), AppProto::kHttp);
  EXPECT_EQ(methods, std::vector<std::string>{"OPTIONS"});
  EXPECT_EQ(c.http_response_without_request, 0u);
}

TEST(AppState, CloseEndsBodyAndGapStopsParsing) {
  AppLimits limits;
  AppCounters c;
  AppState app(limits, c, 80);
  test::RecordingSink sink;
  app.on_data(kReq, bytes("GET / HTTP/1.0\r\n\r\n"), &sink);
  app.on_data(kResp, bytes("HTTP/1.0 200 OK\r\n\r\nbody"), &sink);
  app.on_close(kResp, &sink);
  EXPECT_EQ(sink.count(AppEventKind::kHttpResponseComplete), 1u);
  EXPECT_EQ(sink.response_body_chunks, "body");
  app.on_gap(kReq);
  app.on_data(kReq, bytes("GET /after-gap HTTP/1.0\r\n\r\n"), &sink);
  EXPECT_EQ(sink.count(AppEventKind::kHttpRequestHeaders), 1u);
}

TEST(AppState, ServerSpeaksFirstAndUnknown) {
  AppLimits limits;
  AppCounters c;
  {
    AppState app(limits, c, 22);
    app.on_data(kResp, bytes("SSH-2.0-dropbear_2018.76\r\n"), nullptr);
    EXPECT_EQ(app.proto(), AppProto::kSsh);
  }
  {
    AppState app(limits, c, 80);
    app.on_data(kReq, bytes("\x01\x02garbage"), nullptr);
    EXPECT_FALSE(app.detection_done());  // the server may still say something
    app.on_data(kResp, bytes("\x05\x06more garbage"), nullptr);
    EXPECT_TRUE(app.detection_done());
    EXPECT_EQ(app.proto(), AppProto::kUnknown);
    EXPECT_EQ(c.detect_unknown, 1u);
  }
  {
    limits.detect_max_bytes = 32;
    AppState app(limits, c, 80);
    std::string token(100, 'A');  // could be a long method name until it is not
    app.on_data(kReq, bytes(token), nullptr);
    app.on_data(kResp, bytes(token), nullptr);
    EXPECT_EQ(app.proto(), AppProto::kUnknown);
  }
}

TEST(AppState, DnsOverTcpAndUdp) {
  AppLimits limits;
  AppCounters c;
  std::vector<uint8_t> q = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 2, 'd', 'e', 0, 0, 1, 0, 1};
  std::vector<uint8_t> framed = {0, static_cast<uint8_t>(q.size())};
  framed.insert(framed.end(), q.begin(), q.end());
  {
    AppState app(limits, c, 53);
    std::vector<std::string> names;
    test::RecordingSink sink;
    sink.extra = [&](const AppEvent& e) {
      if (e.dns != nullptr) names.emplace_back(dns_buffer(*e.dns, StickyBuffer::kDnsQuery));
    };
    for (uint8_t b : framed) app.on_data(kReq, std::span<const uint8_t>(&b, 1), &sink);
    EXPECT_EQ(app.proto(), AppProto::kDns);
    EXPECT_EQ(names, std::vector<std::string>{"www.de"});
  }
  {
    AppState app(limits, c, 53);
    test::RecordingSink sink;
    app.on_datagram(kReq, q, 40000, 53, &sink);
    EXPECT_EQ(app.proto(), AppProto::kDns);
    EXPECT_EQ(app.last_datagram().dns_query(), "www.de");
    EXPECT_EQ(sink.count(AppEventKind::kDnsMessage), 1u);
  }
  {
    AppState app(limits, c, 9999);
    app.on_datagram(kReq, q, 40000, 9999, nullptr);
    EXPECT_EQ(app.proto(), AppProto::kUnknown);
  }
}

TEST(AppBuffers, NamesResolveAndFetch) {
  EXPECT_EQ(sticky_buffer_from_name("http.uri"), StickyBuffer::kHttpUri);
  EXPECT_EQ(sticky_buffer_from_name("http_client_body"), StickyBuffer::kHttpRequestBody);
  EXPECT_EQ(sticky_buffer_from_name("ja3s.string"), StickyBuffer::kJa3sString);
  EXPECT_FALSE(sticky_buffer_from_name("http.nope").has_value());
  for (size_t i = 0; i < static_cast<size_t>(StickyBuffer::kCount); ++i) {
    auto b = static_cast<StickyBuffer>(i);
    EXPECT_EQ(sticky_buffer_info(b).id, b);
    EXPECT_EQ(sticky_buffer_from_name(sticky_buffer_info(b).name), b);
  }
  AppLimits limits;
  AppCounters c;
  HttpParser p(limits, c);
  p.feed(kReq, bytes("GET /a/../b HTTP/1.1\r\nHost: X.org\r\n\r\n"), nullptr);
  const HttpTx& tx = p.transactions().front();
  EXPECT_EQ(http_buffer(tx, StickyBuffer::kHttpUri, kReq), "/b");
  EXPECT_EQ(http_buffer(tx, StickyBuffer::kHttpUriRaw, kReq), "/a/../b");
  EXPECT_EQ(http_buffer(tx, StickyBuffer::kHttpHost, kReq), "x.org");
  EXPECT_EQ(http_buffer(tx, StickyBuffer::kTlsSni, kReq), "");
}

TEST(AppConfig, KeysLoadIntoLimits) {
  config::Schema s;
  add_app_keys(s);
  auto loaded = config::load_text(s, "app:\n  http:\n    response-body-limit: 1MB\n", "agent.yaml",
                                  {"app-layer.protocols.http.libhtp.default-config.request-body-limit=4KB"});
  ASSERT_TRUE(loaded.diag.ok());
  AppLimits l = app_limits_from(loaded.settings);
  EXPECT_EQ(l.http_response_body_limit, 1024u * 1024u);
  EXPECT_EQ(l.http_request_body_limit, 4096u);
  EXPECT_EQ(l.http_max_pending_tx, 64u);
}

}  // namespace
}  // namespace picket::app
