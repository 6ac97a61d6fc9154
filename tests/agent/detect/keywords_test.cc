// Tests each keyword of agent/detect/keywords/ through the real engine: one input that matches and one
// that does not.
#include <gtest/gtest.h>

#include <set>

#include "agent/detect/keywords/keyword.h"
#include "tests/agent/detect/helpers.h"

namespace picket::detect {
namespace {

using test::build;
using test::http_request;
using test::tcp_packet;

struct Case {
  const char* name;
  const char* options;  // without sid
  Input hit;
  Input miss;
};

Input with_ttl(Input in, uint8_t ttl) {
  in.ttl = ttl;
  return in;
}
Input with_flags(Input in, uint8_t flags) {
  in.tcp_flags = flags;
  return in;
}
Input icmp(uint8_t type, uint8_t code) {
  Input in = tcp_packet("ping");
  in.ip_proto = 1;
  in.has_flow = false;
  in.icmp_type = type;
  in.icmp_code = code;
  return in;
}
Input dns(std::string_view q) {
  Input in = tcp_packet("");
  in.present = 0;
  in.ip_proto = 17;
  in.dp = 53;
  in.kind = Input::kTransaction;
  in.app_proto = Proto::kDns;
  in.set(Buf::kDnsQuery, q);
  return in;
}
Input tls(std::string_view sni) {
  Input in = tcp_packet("");
  in.present = 0;
  in.dp = 443;
  in.kind = Input::kTransaction;
  in.app_proto = Proto::kTls;
  in.set(Buf::kTlsSni, sni);
  in.set(Buf::kJa3Hash, "e7d705a3286e19ea42f587b344ee6865");
  return in;
}
Input http_with(Buf b, std::string_view v) {
  Input in = http_request("GET", "/index.html", "example.com");
  in.set(b, v);
  return in;
}
Input server_payload(std::string_view p) { return tcp_packet(p, false); }

const std::vector<Case>& cases() {
  static const std::vector<Case> c = {
      {"content", R"(content:"evil";)", tcp_packet("an evil payload"), tcp_packet("a good payload")},
      {"content_hex", R"(content:"|de ad|be|ef|";)", tcp_packet("x\xde\xad" "be\xefy"), tcp_packet("deadbeef")},
      {"content_negated", R"(content:"GET"; content:!"admin";)", tcp_packet("GET /index"), tcp_packet("GET /admin")},
      {"nocase", R"(content:"EVIL"; nocase;)", tcp_packet("an eViL one"), tcp_packet("an evi1 one")},
      {"depth", R"(content:"abc"; depth:5;)", tcp_packet("xxabcxxxxx"), tcp_packet("xxxxxabc")},
      {"offset", R"(content:"abc"; offset:3;)", tcp_packet("xxxabc"), tcp_packet("abcxx")},
      {"distance", R"(content:"a"; content:"b"; distance:2;)", tcp_packet("a..b"), tcp_packet("a.b")},
      {"within", R"(content:"a"; content:"b"; within:3;)", tcp_packet("xa.bx"), tcp_packet("a...b")},
      {"distance_within_backtrack", R"(content:"AB"; content:"CD"; distance:0; within:4;)",
       tcp_packet("AB......AB..CD"), tcp_packet("AB......CD")},
      {"startswith", R"(content:"GET"; startswith;)", tcp_packet("GET /"), tcp_packet(" GET /")},
      {"endswith", R"(content:".exe"; endswith;)", tcp_packet("file.exe"), tcp_packet("file.exe ")},
      {"fast_pattern", R"(content:"a"; content:"longer"; fast_pattern; content:"zz";)", tcp_packet("a longer zz"),
       tcp_packet("a longer z")},
      {"rawbytes", R"(content:"x"; rawbytes;)", tcp_packet("x"), tcp_packet("y")},
      {"isdataat", R"(content:"a"; isdataat:3,relative;)", tcp_packet("a1234"), tcp_packet("a12")},
      {"isdataat_negated", R"(content:"a"; isdataat:!1,relative;)", tcp_packet("xa"), tcp_packet("ab")},
      {"byte_test", R"(content:"L"; byte_test:2,>,1000,0,relative;)", tcp_packet("L\x10\x01"), tcp_packet("L\x01\x01")},
      {"byte_test_string", R"(byte_test:3,=,123,1,string,dec;)", tcp_packet("x123"), tcp_packet("x124")},
      {"byte_test_string_all_digits", R"(content:"len="; byte_test:0,>,1000,0,string,dec,relative;)",
       tcp_packet("len=123456;"), tcp_packet("len=999;")},
      {"byte_jump", R"(content:"J"; byte_jump:1,0,relative; content:"Z"; within:1;)", tcp_packet("J\x02..Z"),
       tcp_packet("J\x03..Z")},
      {"byte_extract", R"(byte_extract:1,0,len; content:"P"; offset:1; content:"Q"; distance:len; within:1;)",
       tcp_packet("\x02PxxQ"), tcp_packet("\x03PxxQ")},
      {"pcre", R"(pcre:"/fo+ba[rz]/i";)", tcp_packet("xxFOOOBAZ"), tcp_packet("fobr")},
      {"pcre_relative", R"(content:"key="; pcre:"/^[0-9]{4}/R";)", tcp_packet("key=1234"), tcp_packet("key=12a4 1234")},
      {"pcre_negated", R"(content:"x"; pcre:!"/secret/";)", tcp_packet("x public"), tcp_packet("x secret")},
      {"dsize", R"(dsize:>5;)", tcp_packet("123456"), tcp_packet("12345")},
      {"ttl", R"(ttl:<10;)", with_ttl(tcp_packet("a"), 5), with_ttl(tcp_packet("a"), 64)},
      {"flags", R"(flags:S,12;)", with_flags(tcp_packet(""), 0x02), with_flags(tcp_packet(""), 0x12)},
      {"flow", R"(flow:established,to_client; content:"200";)", server_payload("HTTP/1.1 200"),
       tcp_packet("HTTP/1.1 200")},
      {"http_uri_sticky", R"(http.uri; content:"/index"; startswith;)", http_request("GET", "/index.html", "h"),
       http_request("GET", "/x/index.html", "h")},
      {"http_method", R"(http.method; content:"POST";)", http_request("POST", "/", "h"), http_request("GET", "/", "h")},
      {"http_host", R"(http.host; content:"example.com"; bsize:11;)", http_request("GET", "/", "example.com"),
       http_request("GET", "/", "www.example.com")},
      {"uricontent", R"(uricontent:"/index";)", http_request("GET", "/index", "h"), http_request("GET", "/idx", "h")},
      {"legacy_http_uri", R"(content:"/index"; http_uri; nocase;)", http_request("GET", "/INDEX", "h"),
       http_request("GET", "/x", "h")},
      {"urilen", R"(urilen:<5;)", http_request("GET", "/ab", "h"), http_request("GET", "/abcdef", "h")},
      {"http_user_agent", R"(http.user_agent; content:"curl";)", http_with(Buf::kHttpUserAgent, "curl/8"),
       http_with(Buf::kHttpUserAgent, "Mozilla")},
      {"http_header", R"(http.header; content:"X-Evil|3a 20|1";)", http_with(Buf::kHttpHeader, "Host: a\r\nX-Evil: 1\r\n"),
       http_with(Buf::kHttpHeader, "Host: a\r\n")},
      {"http_cookie", R"(content:"sess=1"; http_cookie;)", http_with(Buf::kHttpCookie, "sess=1"),
       http_with(Buf::kHttpCookie, "sess=2")},
      {"http_request_body", R"(http.request_body; content:"pass=";)", http_with(Buf::kHttpRequestBody, "user=a&pass=b"),
       http_with(Buf::kHttpRequestBody, "user=a")},
      {"pcre_U", R"(pcre:"/\.php$/U";)", http_request("GET", "/a.php", "h"), http_request("GET", "/a.php?x", "h")},
      {"dns_query", R"(dns.query; content:"evil.com"; endswith;)", dns("www.evil.com"), dns("evil.com.org")},
      {"dotprefix", R"(dns.query; dotprefix; content:".evil.com"; endswith;)", dns("evil.com"), dns("notevil.com")},
      {"tls_sni", R"(tls.sni; content:"bad.example";)", tls("bad.example"), tls("good.example")},
      {"ja3_hash", R"(ja3.hash; content:"e7d705a3286e19ea42f587b344ee6865";)", tls("x"),
       []() { Input i = tls("x"); i.set(Buf::kJa3Hash, "00000000000000000000000000000000"); return i; }()},
      {"itype_icode", R"(itype:8; icode:0;)", icmp(8, 0), icmp(0, 0)},
      {"threshold_parses", R"(content:"t"; threshold:type limit, track by_src, count 1, seconds 60;)", tcp_packet("t"),
       tcp_packet("u")},
  };
  return c;
}

TEST(Keywords, EachMatchesAndMisses) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    std::string proto = c.hit.kind == Input::kTransaction
                            ? (c.hit.app_proto == Proto::kHttp ? "http" : c.hit.app_proto == Proto::kDns ? "dns" : "tls")
                            : (c.hit.ip_proto == 1 ? "icmp" : "tcp");
    std::string rule = "alert " + proto + " any any -> any any (msg:\"" + c.name + "\"; " + c.options + " sid:1;)";
    auto b = build(rule);
    ASSERT_EQ(b.engine->rules().size(), 1u) << rule << "\n" << b.set_errors.diag.format();
    EXPECT_EQ(b.run(c.hit), std::vector<uint32_t>{1}) << rule;
    auto b2 = build(rule);
    EXPECT_TRUE(b2.run(c.miss).empty()) << rule;
  }
}

TEST(Keywords, TableHasHelpAndUniqueNames) {
  std::set<std::string_view> names;
  for (const auto& k : all_keywords()) {
    EXPECT_FALSE(k.help.empty()) << k.name;
    EXPECT_NE(k.parse, nullptr) << k.name;
    EXPECT_TRUE(names.insert(k.name).second) << "duplicate " << k.name;
  }
  EXPECT_GT(names.size(), 100u);
}

}  // namespace
}  // namespace picket::detect
