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
  // (a first 16-bit word >= 12 could still be DNS-over-TCP framing, so use one that cannot)
  const uint8_t junk_bytes[] = {0x00, 0x02, 0x03, 0x04};
  Probe junk = probe_tcp(kReq, junk_bytes, 80);
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
  {  // by content on another port: the whole datagram is one well-formed DNS message
    AppState app(limits, c, 9999);
    test::RecordingSink sink;
    app.on_datagram(kReq, q, 40000, 9999, &sink);
    EXPECT_EQ(app.proto(), AppProto::kDns);
    EXPECT_EQ(app.last_datagram().dns_query(), "www.de");
  }
  {  // DNS over TCP on another port, one byte at a time
    AppState app(limits, c, 5300);
    std::vector<std::string> names;
    test::RecordingSink sink;
    sink.extra = [&](const AppEvent& e) {
      if (e.dns != nullptr) names.emplace_back(dns_buffer(*e.dns, StickyBuffer::kDnsQuery));
    };
    for (uint8_t b : framed) app.on_data(kReq, std::span<const uint8_t>(&b, 1), &sink);
    EXPECT_EQ(app.proto(), AppProto::kDns);
    EXPECT_EQ(names, std::vector<std::string>{"www.de"});
  }
  {  // not DNS on another port: one byte too many
    std::vector<uint8_t> longer = q;
    longer.push_back(0);
    AppState app(limits, c, 9999);
    app.on_datagram(kReq, longer, 40000, 9999, nullptr);
    EXPECT_EQ(app.proto(), AppProto::kUnknown);
  }
}

// DNS by content (detect.cc dns_message_shape): what is and is not taken for a DNS message.
TEST(AppDetect, DnsByContent) {
  // Query www.de A IN.
  std::vector<uint8_t> q = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 2, 'd', 'e', 0, 0, 1, 0, 1};
  EXPECT_TRUE(dns_message_shape(q));
  // Response: the question, then an A record whose name is a pointer back to offset 12.
  std::vector<uint8_t> r = q;
  r[2] = 0x81;
  r[3] = 0x80;
  r[7] = 1;  // ancount 1
  for (uint8_t b : {0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4, 192, 0, 2, 1}) r.push_back(static_cast<uint8_t>(b));
  EXPECT_TRUE(dns_message_shape(r));
  EXPECT_EQ(probe_udp(r, 5300, 40000).proto, AppProto::kDns);
  // Cut anywhere: not a whole message.
  for (size_t n = 0; n < r.size(); ++n) {
    EXPECT_FALSE(dns_message_shape(std::span<const uint8_t>(r.data(), n))) << n;
  }
  // A pointer that points forwards (or at itself) is refused.
  std::vector<uint8_t> fwd = r;
  fwd[q.size() + 1] = static_cast<uint8_t>(q.size());
  EXPECT_FALSE(dns_message_shape(fwd));
  // Unknown class, zero type, reserved label type, no question.
  std::vector<uint8_t> bad = q;
  bad[q.size() - 1] = 9;
  EXPECT_FALSE(dns_message_shape(bad));
  bad = q;
  bad[q.size() - 3] = 0;
  EXPECT_FALSE(dns_message_shape(bad));
  bad = q;
  bad[12] = 0x43;
  EXPECT_FALSE(dns_message_shape(bad));
  bad = q;
  bad[5] = 0;
  EXPECT_FALSE(dns_message_shape(bad));
  // mDNS: the unicast-response bit in the question class is accepted.
  std::vector<uint8_t> m = q;
  m[q.size() - 2] = 0x80;
  EXPECT_TRUE(dns_message_shape(m));
  // NBNS (NetBIOS name service) has DNS's layout but a 32-letter A-P encoded name: not DNS.
  std::vector<uint8_t> nb = {0x80, 0x01, 0x01, 0x10, 0, 1, 0, 0, 0, 0, 0, 0, 32};
  for (int i = 0; i < 32; ++i) nb.push_back(static_cast<uint8_t>(i % 2 == 0 ? 'E' : 'B'));
  for (uint8_t b : {0, 0, 0x20, 0, 1}) nb.push_back(b);
  EXPECT_FALSE(dns_message_shape(nb));
  EXPECT_EQ(probe_udp(nb, 137, 137).proto, AppProto::kUnknown);
  // Text and random bytes are not DNS.
  EXPECT_FALSE(dns_message_shape(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  EXPECT_EQ(probe_udp(bytes("hello world, this is not dns"), 9999, 40000).proto, AppProto::kUnknown);
  // DNS over TCP on another port needs the whole first message; a short text line is not DNS.
  std::vector<uint8_t> framed = {0, static_cast<uint8_t>(q.size())};
  framed.insert(framed.end(), q.begin(), q.end());
  EXPECT_EQ(probe_tcp(kReq, framed, 5300).proto, AppProto::kDns);
  EXPECT_TRUE(probe_tcp(kReq, std::span<const uint8_t>(framed.data(), framed.size() - 1), 5300).need_more);
  Probe irc = probe_tcp(kReq, bytes("NICK x\r\n"), 6667);
  EXPECT_EQ(irc.proto, AppProto::kUnknown);
  EXPECT_FALSE(irc.need_more);
  // HTTP and TLS stay content-based too (odd ports).
  EXPECT_EQ(probe_tcp(kReq, bytes("POST /upload HTTP/1.0\r\n"), 53).proto, AppProto::kHttp);
  const uint8_t ch[] = {0x16, 0x03, 0x01, 0x00, 0x40, 0x01};
  EXPECT_EQ(probe_tcp(kReq, ch, 53).proto, AppProto::kTls);
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

// A flow picked up midstream whose first bytes are a response (the capture started after the request):
// the first sender is the server, so the flow is taken as reversed, as Suricata does; a flow with its
// handshake is not.
TEST(AppState, MidstreamResponseFirstIsReversed) {
  const std::string resp = "HTTP/1.1 200 OK\r\nServer: Apache\r\nContent-Length: 5\r\n\r\nhello";
  for (size_t split = 1; split <= resp.size(); split += 7) {
    AppLimits limits;
    AppCounters c;
    AppState app(limits, c, 51297);
    app.set_midstream(true);
    test::RecordingSink sink;
    std::string stat_code;
    Direction resp_dir = kResp;
    sink.extra = [&](const AppEvent& e) {
      if (e.kind == AppEventKind::kHttpResponseHeaders) {
        stat_code = std::string(e.http->http_stat_code());
        resp_dir = e.dir;
      }
    };
    app.on_data(kReq, bytes(std::string_view(resp).substr(0, split)), &sink);
    app.on_data(kReq, bytes(std::string_view(resp).substr(split)), &sink);
    ASSERT_EQ(app.proto(), AppProto::kHttp) << split;
    EXPECT_TRUE(app.reversed());
    EXPECT_EQ(stat_code, "200");
    EXPECT_EQ(resp_dir, kReq);  // events carry the flow direction of the bytes
    EXPECT_EQ(sink.response_body_chunks, "hello");
    EXPECT_EQ(sink.count(AppEventKind::kHttpResponseComplete), 1u);
    EXPECT_EQ(c.detect_reversed, 1u);
    // The flow's to_client side is the client: its request is parsed as one.
    std::string uri;
    sink.extra = [&](const AppEvent& e) {
      if (e.kind == AppEventKind::kHttpRequestHeaders) uri = std::string(e.http->http_uri());
    };
    app.on_data(kResp, bytes("GET /next HTTP/1.1\r\n\r\n"), &sink);
    EXPECT_EQ(uri, "/next");
  }
  {
    AppLimits limits;
    AppCounters c;
    AppState app(limits, c, 80);  // not midstream: a response first is not HTTP from this side
    app.on_data(kReq, bytes(resp), nullptr);
    app.on_data(kResp, bytes("\x05\x06garbage"), nullptr);
    EXPECT_EQ(app.proto(), AppProto::kUnknown);
    EXPECT_FALSE(app.reversed());
  }
  {
    AppLimits limits;
    AppCounters c;
    AppState app(limits, c, 80);  // midstream, the client speaks first: not reversed
    app.set_midstream(true);
    app.on_data(kReq, bytes("GET / HTTP/1.1\r\n\r\n"), nullptr);
    EXPECT_EQ(app.proto(), AppProto::kHttp);
    EXPECT_FALSE(app.reversed());
  }
}

// Midstream TLS picked up at the ServerHello, sent by the flow's first sender: reversed once the record
// header says handshake type 2 (a prefix waits for more bytes).
TEST(AppState, MidstreamServerHelloFirstIsReversed) {
  AppLimits limits;
  AppCounters c;
  AppState app(limits, c, 40000);
  app.set_midstream(true);
  const uint8_t sh_start[] = {0x16, 0x03, 0x03, 0x00, 0x40, 0x02};
  app.on_data(kReq, std::span<const uint8_t>(sh_start, 3), nullptr);
  EXPECT_FALSE(app.detection_done());
  app.on_data(kReq, std::span<const uint8_t>(sh_start).subspan(3), nullptr);
  EXPECT_EQ(app.proto(), AppProto::kTls);
  EXPECT_TRUE(app.reversed());
}

}  // namespace
}  // namespace picket::app
