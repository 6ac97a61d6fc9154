// Tests the rule header protocols of HTTP/2 and PostgreSQL flows in agent/detect (types.cc, parser.cc,
// engine.cc): "http" matches HTTP/1 and HTTP/2 transactions, "http1" and "http2" only their own, "tcp" and
// "ip" with an HTTP buffer any HTTP transaction, "pgsql" the stream of a PostgreSQL flow.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/agent/detect/helpers.h"

namespace picket::detect {
namespace {

using test::build;
using test::http_request;

bool has(const std::vector<uint32_t>& v, uint32_t sid) { return std::find(v.begin(), v.end(), sid) != v.end(); }

const char* kRules =
    "alert http any any -> any any (http.uri; content:\"/doc\"; sid:10;)\n"
    "alert http1 any any -> any any (http.uri; content:\"/doc\"; sid:11;)\n"
    "alert http2 any any -> any any (http.uri; content:\"/doc\"; sid:12;)\n"
    "alert tcp any any -> any any (http.uri; content:\"/doc\"; sid:13;)\n"
    "alert ip any any -> any any (http.uri; content:\"/doc\"; http.host; content:\"localhost\"; endswith; sid:14;)\n";

TEST(AppProtoRules, Http2TransactionsMatchHttpHttp2TcpAndIpRules) {
  auto b = build(kRules);
  ASSERT_EQ(b.set_errors.failed, 0u);
  Input in = http_request("GET", "/doc/index.html", "localhost");
  in.app_proto = Proto::kHttp2;
  auto sids = b.run(in);
  EXPECT_TRUE(has(sids, 10));
  EXPECT_FALSE(has(sids, 11));
  EXPECT_TRUE(has(sids, 12));
  EXPECT_TRUE(has(sids, 13));
  EXPECT_TRUE(has(sids, 14));
}

TEST(AppProtoRules, Http1TransactionsDoNotMatchHttp2Rules) {
  auto b = build(kRules);
  auto sids = b.run(http_request("GET", "/doc/index.html", "localhost"));
  EXPECT_TRUE(has(sids, 10));
  EXPECT_TRUE(has(sids, 11));
  EXPECT_FALSE(has(sids, 12));
  EXPECT_TRUE(has(sids, 13));
}

TEST(AppProtoRules, PgsqlRulesMatchOnlyPgsqlFlows) {
  auto b = build("alert pgsql any any -> any any (content:\"select * from\"; sid:1;)\n");
  ASSERT_EQ(b.set_errors.failed, 0u);
  Input in = test::tcp_packet("Q...select * from new_table;");
  in.kind = Input::kStream;
  in.app_proto = Proto::kPgsql;
  EXPECT_TRUE(has(b.run(in), 1));
  in.app_proto = Proto::kHttp;
  EXPECT_FALSE(has(b.run(in), 1));
  Proto p;
  ASSERT_TRUE(proto_by_name("pgsql", &p));
  EXPECT_EQ(proto_name(p), "pgsql");
  auto alp = build("alert tcp any any -> any any (app-layer-protocol:http; content:\"select\"; sid:2;)\n"
                   "alert tcp any any -> any any (app-layer-protocol:!http; content:\"select\"; sid:3;)\n");
  in.app_proto = Proto::kHttp2;  // app-layer-protocol:http covers HTTP/2 as the header protocol does
  auto sids = alp.run(in);
  EXPECT_TRUE(has(sids, 2));
  EXPECT_FALSE(has(sids, 3));
  ASSERT_TRUE(proto_by_name("http1", &p));
  EXPECT_EQ(p, Proto::kHttp1);
}

}  // namespace
}  // namespace picket::detect
