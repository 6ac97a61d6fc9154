// tests agent/output: redaction (redact.cc), EVE type lists and the flow renderer (eve_writer.cc).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "agent/output/eve_writer.h"
#include "agent/output/redact.h"
#include "tests/support/process.h"

namespace picket::output {
namespace {

TEST(Redact, UriPasswordsAndParams) {
  Redaction r;
  EXPECT_EQ(redact_uri("/login?user=bob&password=hunter2&x=1", r), "/login?user=bob&password=[redacted]&x=1");
  EXPECT_EQ(redact_uri("/a?PWD=x#frag", r), "/a?PWD=[redacted]#frag");
  EXPECT_EQ(redact_uri("http://bob:secret@host.example/path?q=1", r), "http://bob:[redacted]@host.example/path?q=1");
  EXPECT_EQ(redact_uri("/plain/path", r), "/plain/path");
  EXPECT_EQ(redact_uri("/a?password=", r), "/a?password=");
  r.enabled = false;
  EXPECT_EQ(redact_uri("/login?password=hunter2", r), "/login?password=hunter2");
}

TEST(Redact, HeadersAndPayload) {
  Redaction r;
  EXPECT_TRUE(is_sensitive_header("AUTHORIZATION", r));
  EXPECT_TRUE(is_sensitive_header("cookie", r));
  EXPECT_FALSE(is_sensitive_header("Host", r));
  EXPECT_EQ(redact_header_value("Cookie", "a=b", r), "[redacted]");
  EXPECT_EQ(redact_header_value("Host", "a", r), "a");
  std::string p =
      "GET /x?token=abc HTTP/1.1\r\nHost: h\r\nAuthorization: Basic Zm9v\r\nCookie: sid=1\r\n\r\nbody";
  std::string got = redact_payload(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(p.data()), p.size()), r);
  EXPECT_EQ(got,
            "GET /x?token=[redacted] HTTP/1.1\r\nHost: h\r\nAuthorization: [redacted]\r\nCookie: [redacted]\r\n\r\nbody");
  Redaction only_cookie;
  only_cookie.headers = {"cookie"};
  got = redact_payload(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(p.data()), p.size()), only_cookie);
  EXPECT_NE(got.find("Authorization: Basic Zm9v"), std::string::npos);
}

TEST(EveTypes, Parse) {
  auto all = EveTypes::parse("");
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->alert && all->flow && all->http && all->dns && all->tls);
  EXPECT_FALSE(all->stats);
  auto some = EveTypes::parse("alert, dns");
  ASSERT_TRUE(some.ok());
  EXPECT_TRUE(some->alert && some->dns);
  EXPECT_FALSE(some->flow || some->http || some->tls);
  auto bad = EveTypes::parse("alert,nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().format().find("nope"), std::string::npos);
}

TEST(EveFlow, SuricataLayout) {
  flow::Flow f;
  f.key.client.family = f.key.server.family = 4;
  f.key.client.bytes[0] = 10;
  f.key.client.bytes[3] = 1;
  f.key.server.bytes[0] = 10;
  f.key.server.bytes[3] = 2;
  f.key.client_port = 1234;
  f.key.server_port = 80;
  f.key.proto = decode::kProtoTcp;
  f.flow_id = 42;
  f.first_ts_us = 1'700'000'000'000'000;
  f.last_ts_us = f.first_ts_us + 3'500'000;
  f.pkts[0] = 3;
  f.pkts[1] = 2;
  f.bytes[0] = 300;
  f.bytes[1] = 200;
  f.state = flow::FlowState::kClosed;
  f.end_reason = flow::EndReason::kShutdown;
  f.app_proto = flow::AppProto::kHttp;
  f.tcp_flags_seen[0] = 0x1b;
  f.tcp_flags_seen[1] = 0x13;
  auto j = nlohmann::json::parse(render_flow(f));
  EXPECT_EQ(j["event_type"], "flow");
  EXPECT_EQ(j["flow_id"], 42);
  EXPECT_EQ(j["src_ip"], "10.0.0.1");
  EXPECT_EQ(j["dest_port"], 80);
  EXPECT_EQ(j["proto"], "TCP");
  EXPECT_EQ(j["app_proto"], "http");
  EXPECT_EQ(j["flow"]["pkts_toserver"], 3);
  EXPECT_EQ(j["flow"]["bytes_toclient"], 200);
  EXPECT_EQ(j["flow"]["age"], 3);
  EXPECT_EQ(j["flow"]["state"], "closed");
  EXPECT_EQ(j["flow"]["reason"], "shutdown");
  EXPECT_EQ(j["tcp"]["tcp_flags"], "1b");
  EXPECT_EQ(j["tcp"]["tcp_flags_tc"], "13");
  EXPECT_EQ(j["tcp"]["syn"], true);
}

TEST(EveFileWriter, WritesLinesAndReportsErrors) {
  test::TempDir dir;
  {
    auto w = EveFileWriter::open(dir.file("eve.json"));
    ASSERT_TRUE(w.ok());
    (*w)->write("{\"a\":1}");
    (*w)->write("{\"b\":2}");
    EXPECT_EQ((*w)->lines(), 2u);
  }
  std::ifstream in(dir.file("eve.json"));
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, "{\"a\":1}\n{\"b\":2}\n");
  auto bad = EveFileWriter::open(dir.file("no/such/dir/eve.json"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().format().find("eve.json"), std::string::npos);
}

}  // namespace
}  // namespace picket::output
