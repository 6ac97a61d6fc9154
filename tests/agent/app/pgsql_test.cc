// Tests agent/app/pgsql.cc through AppState: detection by SSLRequest / StartupMessage, the startup and
// authentication exchange, simple queries with their answers (rows, command tag, errors), every split,
// TLS acceptance and hostile framing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/app/app_state.h"
#include "agent/app/pgsql.h"
#include "tests/agent/app/test_util.h"

namespace picket::app {
namespace {

using test::bytes;
using test::RecordingSink;
constexpr Direction kReq = Direction::kToServer;
constexpr Direction kResp = Direction::kToClient;

std::string be32(uint32_t v) {
  std::string s(4, '\0');
  s[0] = static_cast<char>(v >> 24);
  s[1] = static_cast<char>(v >> 16);
  s[2] = static_cast<char>(v >> 8);
  s[3] = static_cast<char>(v);
  return s;
}
std::string be16(uint16_t v) { return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)}; }
std::string msg(char type, std::string_view body) { return std::string(1, type) + be32(static_cast<uint32_t>(body.size() + 4)) + std::string(body); }
std::string untyped(std::string_view body) { return be32(static_cast<uint32_t>(body.size() + 4)) + std::string(body); }
std::string cstr(std::string_view s) { return std::string(s) + std::string(1, '\0'); }

const std::string kSslRequest = untyped(be32(80877103));
const std::string kStartup = untyped(be32(196608) + cstr("user") + cstr("alice") + cstr("database") + cstr("db") + std::string(1, '\0'));

struct Seen {
  std::vector<std::string> queries, tags, errors;
  std::vector<uint64_t> rows, sizes;
  std::vector<int32_t> auth;
  size_t responses = 0;
};

void attach(RecordingSink& sink, Seen& s) {
  sink.extra = [&s](const AppEvent& e) {
    if (e.pgsql == nullptr) return;
    EXPECT_EQ(e.proto, AppProto::kPgsql);
    if (e.kind == AppEventKind::kPgsqlRequest && e.pgsql->request == PgsqlTx::Request::kSimpleQuery) {
      s.queries.emplace_back(e.pgsql->pgsql_query());
    }
    if (e.kind == AppEventKind::kPgsqlResponse) {
      ++s.responses;
      s.tags.push_back(e.pgsql->command_completed);
      s.rows.push_back(e.pgsql->data_rows);
      s.sizes.push_back(e.pgsql->data_size);
      s.auth.push_back(e.pgsql->auth_type);
      std::string err;
      for (const auto& [code, v] : e.pgsql->error_fields) {
        if (code == 'M') err = v;
      }
      s.errors.push_back(err);
    }
  };
}

std::string server_select() {
  std::string rowdesc = be16(2) + cstr("name") + be32(1) + be16(1) + be32(25) + be16(0xFFFF) + be32(0xFFFFFFFF) + be16(0) +
                        cstr("email") + be32(1) + be16(2) + be32(25) + be16(0xFFFF) + be32(0xFFFFFFFF) + be16(0);
  return msg('T', rowdesc) + msg('D', be16(2) + be32(5) + "Remus" + be32(17) + "prof_lupin@x.com!") +
         msg('D', be16(2) + be32(0xFFFFFFFF) + be32(3) + "a@b") + msg('C', cstr("SELECT 2")) + msg('Z', "I");
}

TEST(Pgsql, SslRefusedStartupMd5AuthAndSimpleQuery) {
  AppLimits limits;
  AppCounters counters;
  AppState app(limits, counters, 5432);
  RecordingSink sink;
  Seen s;
  attach(sink, s);
  app.on_data(kReq, bytes(kSslRequest), &sink);
  EXPECT_EQ(app.proto(), AppProto::kPgsql);
  app.on_data(kResp, bytes("N"), &sink);
  app.on_data(kReq, bytes(kStartup), &sink);
  app.on_data(kResp, bytes(msg('R', be32(5) + "salt")), &sink);  // MD5 password request
  app.on_data(kReq, bytes(msg('p', cstr("md5abcdef"))), &sink);
  app.on_data(kResp, bytes(msg('R', be32(0)) + msg('S', cstr("server_version") + cstr("13.0")) +
                           msg('K', be32(42) + be32(7)) + msg('Z', "I")), &sink);
  app.on_data(kReq, bytes(msg('Q', cstr("select * from new_table;"))), &sink);
  app.on_data(kResp, bytes(server_select()), &sink);
  app.on_data(kReq, bytes(msg('Q', cstr("SELECT 1/0;"))), &sink);
  app.on_data(kResp, bytes(msg('E', "SERROR" + std::string(1, '\0') + "C22012" + std::string(1, '\0') +
                                        "Mdivision by zero" + std::string(2, '\0')) + msg('Z', "E")), &sink);
  app.on_data(kReq, bytes(msg('X', "")), &sink);
  app.on_close(kResp, &sink);
  ASSERT_EQ(s.queries.size(), 2u);
  EXPECT_EQ(s.queries[0], "select * from new_table;");
  ASSERT_EQ(s.responses, 5u);  // ssl, startup (md5 request), password (ready), two queries
  EXPECT_EQ(s.auth[1], 5);
  EXPECT_EQ(s.auth[2], 0);
  EXPECT_EQ(s.tags[3], "SELECT 2");
  EXPECT_EQ(s.rows[3], 2u);
  EXPECT_EQ(s.sizes[3], 25u);
  EXPECT_EQ(s.errors[4], "division by zero");
  EXPECT_EQ(counters.pgsql_bad_message, 0u);
  EXPECT_EQ(counters.pgsql_response_without_request, 0u);
}

TEST(Pgsql, EverySplitOfTheQueryExchange) {
  std::string client = kStartup + msg('Q', cstr("SELECT 1"));
  std::string server = msg('R', be32(0)) + msg('Z', "I") + server_select();
  for (size_t split = 1; split < client.size(); split += 3) {
    AppLimits limits;
    AppCounters counters;
    AppState app(limits, counters, 15432);
    RecordingSink sink;
    Seen s;
    attach(sink, s);
    app.on_data(kReq, bytes(client).first(split), &sink);
    app.on_data(kReq, bytes(client).subspan(split), &sink);
    for (size_t i = 0; i < server.size(); ++i) app.on_data(kResp, bytes(server).subspan(i, 1), &sink);
    EXPECT_EQ(app.proto(), AppProto::kPgsql) << split;
    ASSERT_EQ(s.queries.size(), 1u) << split;
    EXPECT_EQ(s.queries[0], "SELECT 1");
    ASSERT_EQ(s.responses, 2u);
    EXPECT_EQ(s.tags[1], "SELECT 2");
  }
}

TEST(Pgsql, TlsAcceptedStopsParsing) {
  AppLimits limits;
  AppCounters counters;
  AppState app(limits, counters, 5432);
  RecordingSink sink;
  app.on_data(kReq, bytes(kSslRequest), &sink);
  app.on_data(kResp, bytes("S"), &sink);
  app.on_data(kReq, bytes(std::string("\x16\x03\x01\x00\x05hello", 10)), &sink);
  EXPECT_EQ(counters.pgsql_tls_accepted, 1u);
  EXPECT_TRUE(app.pgsql()->encrypted());
  EXPECT_EQ(counters.pgsql_bad_message, 0u);
}

TEST(Pgsql, ProbeRefusesLookalikes) {
  bool more = false;
  EXPECT_FALSE(pgsql_probe_to_server(bytes("GET / HTTP/1.1\r\n"), &more));
  EXPECT_FALSE(more);
  EXPECT_FALSE(pgsql_probe_to_server(bytes(kStartup).first(10), &more));
  EXPECT_TRUE(more);
  EXPECT_TRUE(pgsql_probe_to_server(bytes(kStartup), &more));
  std::string bad = untyped(be32(196608) + cstr("us\x01r") + cstr("x") + std::string(1, '\0'));
  EXPECT_FALSE(pgsql_probe_to_server(bytes(bad), &more));
}

TEST(Pgsql, HostileFramingIsBounded) {
  AppLimits limits;
  limits.pgsql_max_message = 1024;
  limits.pgsql_max_pending_tx = 4;
  AppCounters counters;
  PgsqlParser p(limits, counters);
  RecordingSink sink;
  p.feed(kReq, bytes(kStartup), &sink);
  // A huge declared message is skipped, not buffered.
  std::string huge = std::string(1, 'Q') + be32(0x7FFFFFFF) + std::string(4096, 'a');
  p.feed(kReq, bytes(huge), &sink);
  EXPECT_EQ(counters.pgsql_message_too_long, 1u);
  PgsqlParser q(limits, counters);
  q.feed(kReq, bytes(kStartup), &sink);
  for (int i = 0; i < 100; ++i) q.feed(kReq, bytes(msg('Q', cstr("SELECT 1"))), &sink);
  EXPECT_GT(counters.pgsql_too_many_pending, 0u);
  EXPECT_LE(q.transactions().size(), 5u);
  // A length below 4 loses the framing: the direction stops.
  q.feed(kResp, bytes(std::string(1, 'Z') + be32(2)), &sink);
  EXPECT_EQ(counters.pgsql_bad_message, 1u);
}

}  // namespace
}  // namespace picket::app
