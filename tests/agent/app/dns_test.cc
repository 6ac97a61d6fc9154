// Tests agent/app/dns.cc and dns_tcp.cc: names, compression (and loops), rdata rendering, limits, TCP framing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/app/dns.h"
#include "tests/agent/app/test_util.h"

namespace picket::app {
namespace {

using Bytes = std::vector<uint8_t>;

void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void put32(Bytes& b, uint32_t v) {
  put16(b, static_cast<uint16_t>(v >> 16));
  put16(b, static_cast<uint16_t>(v));
}
void name(Bytes& b, std::string_view dotted) {
  while (!dotted.empty()) {
    size_t dot = dotted.find('.');
    std::string_view label = dotted.substr(0, dot);
    b.push_back(static_cast<uint8_t>(label.size()));
    b.insert(b.end(), label.begin(), label.end());
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  b.push_back(0);
}
Bytes header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns = 0, uint16_t ar = 0) {
  Bytes b;
  put16(b, id);
  put16(b, flags);
  put16(b, qd);
  put16(b, an);
  put16(b, ns);
  put16(b, ar);
  return b;
}
void rr(Bytes& b, const Bytes& owner, uint16_t type, uint32_t ttl, const Bytes& rdata) {
  b.insert(b.end(), owner.begin(), owner.end());
  put16(b, type);
  put16(b, 1);
  put32(b, ttl);
  put16(b, static_cast<uint16_t>(rdata.size()));
  b.insert(b.end(), rdata.begin(), rdata.end());
}

Bytes query(uint16_t id, std::string_view qname, uint16_t qtype) {
  Bytes b = header(id, 0x0100, 1, 0);
  name(b, qname);
  put16(b, qtype);
  put16(b, 1);
  return b;
}

// www.example.com response with every rendered rdata type; owners use a pointer to offset 12.
Bytes full_response() {
  Bytes b = header(0xbeef, 0x8183, 1, 8);  // QR, RD, RA, rcode 3 (NXDOMAIN) just to check rcode
  name(b, "www.example.com");
  put16(b, 1);
  put16(b, 1);
  Bytes p12 = {0xc0, 0x0c};
  Bytes p16 = {0xc0, 0x10};  // "example.com"
  Bytes cname = {3, 'c', 'd', 'n', 0xc0, 0x10};
  rr(b, p12, 5, 300, cname);
  rr(b, p12, 1, 60, {93, 184, 216, 34});
  Bytes v6(16, 0);
  v6[0] = 0x20; v6[1] = 0x01; v6[2] = 0x0d; v6[3] = 0xb8; v6[15] = 1;
  rr(b, p12, 28, 60, v6);
  Bytes mx = {0, 10, 4, 'm', 'a', 'i', 'l', 0xc0, 0x10};
  rr(b, p16, 15, 3600, mx);
  Bytes txt = {5, 'h', 'e', 'l', 'l', 'o', 3, 'a', ' ', 'b'};
  rr(b, p16, 16, 60, txt);
  Bytes soa = {2, 'n', 's', 0xc0, 0x10, 4, 'h', 'o', 's', 't', 0xc0, 0x10};
  put32(soa, 2024010101); put32(soa, 7200); put32(soa, 3600); put32(soa, 1209600); put32(soa, 300);
  rr(b, p16, 6, 60, soa);
  rr(b, p16, 2, 60, {3, 'n', 's', '1', 0xc0, 0x10});
  rr(b, p12, 12, 60, p16);
  return b;
}

TEST(AppDns, ParsesQuery) {
  AppLimits limits;
  AppCounters c;
  DnsMessage m;
  Bytes q = query(0x1234, "www.Example.com", 28);
  ASSERT_TRUE(parse_dns(q, limits, c, m));
  EXPECT_EQ(m.id, 0x1234);
  EXPECT_FALSE(m.is_response());
  ASSERT_EQ(m.questions.size(), 1u);
  EXPECT_EQ(m.questions[0].name, "www.Example.com");
  EXPECT_EQ(m.dns_query(0), "www.Example.com");
  EXPECT_EQ(m.dns_query(1), "");
  EXPECT_EQ(dns_type_name(m.questions[0].type), "AAAA");
  EXPECT_EQ(c.dns_messages, 1u);
}

TEST(AppDns, RendersAnswersWithCompression) {
  AppLimits limits;
  AppCounters c;
  DnsMessage m;
  Bytes r = full_response();
  ASSERT_TRUE(parse_dns(r, limits, c, m));
  EXPECT_TRUE(m.is_response());
  EXPECT_EQ(dns_rcode_name(m.rcode()), "NXDOMAIN");
  EXPECT_FALSE(m.partial);
  ASSERT_EQ(m.answers.size(), 8u);
  struct Want {
    const char* name;
    const char* type;
    uint32_t ttl;
    const char* rdata;
  } want[] = {
      {"www.example.com", "CNAME", 300, "cdn.example.com"},
      {"www.example.com", "A", 60, "93.184.216.34"},
      {"www.example.com", "AAAA", 60, "2001:db8::1"},
      {"example.com", "MX", 3600, "10 mail.example.com"},
      {"example.com", "TXT", 60, "hello a b"},
      {"example.com", "SOA", 60, "ns.example.com host.example.com 2024010101 7200 3600 1209600 300"},
      {"example.com", "NS", 60, "ns1.example.com"},
      {"www.example.com", "PTR", 60, "example.com"},
  };
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(m.answers[i].name, want[i].name) << i;
    EXPECT_EQ(dns_type_name(m.answers[i].type), want[i].type) << i;
    EXPECT_EQ(m.answers[i].ttl, want[i].ttl) << i;
    EXPECT_EQ(m.answers[i].rdata, want[i].rdata) << i;
  }
}

TEST(AppDns, CompressionLoopsAreRejected) {
  AppLimits limits;
  AppCounters c;
  DnsMessage m;
  Bytes self = header(1, 0x0100, 1, 0);
  self.push_back(0xc0);
  self.push_back(0x0c);  // points at itself
  put16(self, 1);
  put16(self, 1);
  EXPECT_FALSE(parse_dns(self, limits, c, m));
  EXPECT_EQ(c.dns_pointer_loop, 1u);

  Bytes forward = header(1, 0x0100, 1, 0);
  forward.insert(forward.end(), {0xc0, 0x0e, 1, 'a', 0});  // points forwards
  put16(forward, 1);
  put16(forward, 1);
  EXPECT_FALSE(parse_dns(forward, limits, c, m));
  EXPECT_EQ(c.dns_pointer_loop, 2u);

  // A two-pointer cycle in an answer: label "a" at 29, then a pointer back to 29 itself via 12.
  Bytes cyc = query(2, "x.y", 1);
  cyc[2] = 0x81;
  cyc[7] = 1;  // ancount 1
  size_t at = cyc.size();
  cyc.insert(cyc.end(), {1, 'a', 0xc0, static_cast<uint8_t>(at)});
  put16(cyc, 1); put16(cyc, 1); put32(cyc, 1); put16(cyc, 4);
  cyc.insert(cyc.end(), {1, 2, 3, 4});
  ASSERT_TRUE(parse_dns(cyc, limits, c, m));  // the question is fine
  EXPECT_TRUE(m.partial);
  EXPECT_EQ(c.dns_pointer_loop, 3u);
}

TEST(AppDns, LimitsAndMalformed) {
  AppLimits limits;
  AppCounters c;
  DnsMessage m;
  EXPECT_FALSE(parse_dns(Bytes{1, 2, 3}, limits, c, m));
  EXPECT_EQ(c.dns_bad_header, 1u);

  std::string long_name;
  for (int i = 0; i < 10; ++i) long_name += std::string(40, 'a') + ".";
  long_name += "com";
  EXPECT_FALSE(parse_dns(query(1, long_name, 1), limits, c, m));
  EXPECT_EQ(c.dns_name_too_long, 1u);

  Bytes bad_label = header(1, 0x0100, 1, 0);
  bad_label.insert(bad_label.end(), {0x41, 'a', 0});
  EXPECT_FALSE(parse_dns(bad_label, limits, c, m));
  EXPECT_EQ(c.dns_bad_label, 1u);

  Bytes r = full_response();
  r.resize(r.size() - 3);  // cut the last answer
  ASSERT_TRUE(parse_dns(r, limits, c, m));
  EXPECT_TRUE(m.partial);
  EXPECT_EQ(m.answers.size(), 7u);

  limits.dns_max_records = 3;
  ASSERT_TRUE(parse_dns(full_response(), limits, c, m));
  EXPECT_EQ(m.answers.size(), 2u);
  EXPECT_EQ(c.dns_too_many_records, 1u);

  // Odd bytes in labels are escaped so they cannot fake a dot.
  AppLimits l2;
  Bytes odd = header(1, 0x0100, 1, 0);
  odd.insert(odd.end(), {3, 'a', '.', 0x01, 2, 'b', 'c', 0});
  put16(odd, 1); put16(odd, 1);
  ASSERT_TRUE(parse_dns(odd, l2, c, m));
  EXPECT_EQ(m.dns_query(), "a\\046\\001.bc");
}

TEST(AppDnsTcp, FramingAtEverySplit) {
  Bytes q = query(7, "one.example", 1);
  Bytes r = full_response();
  Bytes stream;
  put16(stream, static_cast<uint16_t>(q.size()));
  stream.insert(stream.end(), q.begin(), q.end());
  put16(stream, static_cast<uint16_t>(r.size()));
  stream.insert(stream.end(), r.begin(), r.end());
  for (size_t split = 0; split <= stream.size(); ++split) {
    AppLimits limits;
    AppCounters c;
    DnsTcpParser p(limits, c);
    std::vector<std::string> names;
    test::RecordingSink sink;
    sink.extra = [&](const AppEvent& e) {
      ASSERT_NE(e.dns, nullptr);
      names.emplace_back(e.dns->dns_query());
      if (e.dns->is_response()) {
        EXPECT_EQ(e.dns->answers.size(), 8u);
      }
    };
    std::span<const uint8_t> all(stream);
    p.feed(Direction::kToServer, all.first(split), &sink);
    p.feed(Direction::kToServer, all.subspan(split), &sink);
    EXPECT_EQ(names, (std::vector<std::string>{"one.example", "www.example.com"})) << split;
  }
}

TEST(AppDnsTcp, BadLengthStopsDirection) {
  AppLimits limits;
  AppCounters c;
  DnsTcpParser p(limits, c);
  Bytes bad = {0, 3, 1, 2, 3};
  p.feed(Direction::kToServer, bad, nullptr);
  EXPECT_EQ(c.dns_tcp_bad_length, 1u);
  EXPECT_EQ(p.messages(), 0u);
}

}  // namespace
}  // namespace picket::app
