// tests agent/pipeline (worker, offline run) and agent/cmd/read_pcap.cc end to end: generated captures
// with evasion cases go through the real picket-agent; the EVE lines and the summary are checked.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/agent/decode/pcap_builder.h"
#include "tests/support/process.h"

namespace picket {
namespace {

namespace tp = testpkt;
using tp::Bytes;
using nlohmann::json;

std::vector<json> read_eve(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

std::vector<json> of_type(const std::vector<json>& v, const std::string& t) {
  std::vector<json> out;
  for (const auto& e : v) {
    if (e.value("event_type", "") == t) out.push_back(e);
  }
  return out;
}

const std::string kReq =
    "GET /evasion/path?user=bob&password=hunter2 HTTP/1.1\r\nHost: Evil.Example:8080\r\n"
    "User-Agent: picket-test\r\nCookie: session=abc\r\nAuthorization: Basic Ym9iOmh1bnRlcjI=\r\n\r\n";
const std::string kResp = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello";

// A capture with: HTTP over tiny, shuffled and overlapping segments; DNS over UDP in IPv4 fragments;
// TLS ClientHello; an HTTP request over IPv6 fragments.
std::string build_capture(const test::TempDir& dir) {
  tp::PcapWriter w;
  {
    tp::TcpConv c("192.168.1.10", 40000, "10.20.30.40", 80);
    for (auto& b : c.handshake()) w.add_ip(b);
    // Request: first half in 3-byte segments, second half out of order, with an overlap carrying junk
    // that must lose (first wins).
    size_t half = kReq.size() / 2;
    for (size_t i = 0; i < half; i += 3) w.add_ip(c.at(true, static_cast<int64_t>(i), tp::str(kReq.substr(i, std::min<size_t>(3, half - i)))));
    std::vector<Bytes> rest;
    for (size_t i = half; i < kReq.size(); i += 7) rest.push_back(c.at(true, static_cast<int64_t>(i), tp::str(kReq.substr(i, 7))));
    std::reverse(rest.begin(), rest.end());
    w.add_ip(rest[0]);
    w.add_ip(c.at(true, static_cast<int64_t>(kReq.size() - 3), tp::str("XXX")));  // overlaps the queued tail
    for (size_t i = 1; i < rest.size(); ++i) w.add_ip(rest[i]);
    c.advance(true, static_cast<uint32_t>(kReq.size()));
    w.add_ip(c.data(false, kResp));
    for (auto& b : c.close()) w.add_ip(b);
  }
  {
    tp::Addr a("192.168.1.10"), r("192.168.1.1");
    Bytes q = tp::udp(a, r, 33333, 53, tp::dns_query(0x1234, "fragmented.dns.example"));
    for (auto& f : tp::ipv4_fragments(a, r, 17, q, 16, 4242)) w.add_ip(f);
    const uint8_t addr[4] = {10, 0, 0, 7};
    w.add_ip(tp::ipv4(r, a, 17, tp::udp(r, a, 53, 33333, tp::dns_answer(0x1234, "fragmented.dns.example", addr))));
  }
  {
    tp::TcpConv c("192.168.1.10", 40001, "10.20.30.41", 443);
    for (auto& b : c.handshake()) w.add_ip(b);
    w.add_ip(c.data(true, tp::tls_client_hello("sni.picket.test")));
    for (auto& b : c.close()) w.add_ip(b);
  }
  {
    tp::Addr s("2001:db8::10"), t("2001:db8::80");
    tp::TcpConv c(s, 40002, t, 80);
    for (auto& b : c.handshake()) w.add_ip(b);
    std::string req = "GET /v6/" + std::string(200, 'a') + " HTTP/1.1\r\nHost: v6.example\r\n\r\n";
    Bytes seg = tp::tcp(s, t, 40002, 80, c.seq(true), c.seq(false), 0x18, tp::str(req));
    for (auto& f : tp::ipv6_fragments(s, t, 6, seg, 64, 77)) w.add_ip(f);
    c.advance(true, static_cast<uint32_t>(req.size()));
    w.add_ip(c.data(false, kResp));
    for (auto& b : c.close()) w.add_ip(b);
  }
  std::string path = dir.file("gen.pcap");
  EXPECT_TRUE(w.save(path));
  return path;
}

TEST(ReadPcap, EvasionCaptureEndToEnd) {
  test::TempDir dir;
  std::string pcap = build_capture(dir);
  std::string eve = dir.file("eve.json");
  auto r = test::run({test::program_path("picket-agent"), "--read-pcap", pcap, "--eve-log", eve, "--eve-types",
                      "alert,flow,http,dns,tls,stats"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("decoder.pkts"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("anomalies:"), std::string::npos);
  auto events = read_eve(eve);
  auto http = of_type(events, "http");
  ASSERT_EQ(http.size(), 2u) << r.out;
  json h = http[0]["http"];
  EXPECT_EQ(h["hostname"], "evil.example");
  EXPECT_EQ(h["url"], "/evasion/path?user=bob&password=[redacted]");  // privacy default
  EXPECT_EQ(h["http_user_agent"], "picket-test");
  EXPECT_EQ(h["status"], 200);
  EXPECT_EQ(http[0]["app_proto"], "http");
  EXPECT_EQ(http[1]["http"]["hostname"], "v6.example");
  EXPECT_EQ(http[1]["http"]["url"], "/v6/" + std::string(200, 'a'));
  auto dns = of_type(events, "dns");
  ASSERT_EQ(dns.size(), 2u);
  EXPECT_EQ(dns[0]["dns"]["type"], "query");
  EXPECT_EQ(dns[0]["dns"]["rrname"], "fragmented.dns.example");
  EXPECT_EQ(dns[1]["dns"]["type"], "answer");
  EXPECT_EQ(dns[1]["dns"]["answers"][0]["rdata"], "10.0.0.7");
  auto tls = of_type(events, "tls");
  ASSERT_EQ(tls.size(), 1u);
  EXPECT_EQ(tls[0]["tls"]["sni"], "sni.picket.test");
  EXPECT_FALSE(tls[0]["tls"]["ja3"]["hash"].get<std::string>().empty());
  auto flows = of_type(events, "flow");
  EXPECT_EQ(flows.size(), 4u);
  for (const auto& f : flows) {
    EXPECT_NE(f["flow_id"].get<uint64_t>(), 0u);
    if (f["proto"] == "TCP") {
      EXPECT_EQ(f["flow"]["state"], "closed") << f.dump();
    }
  }
  auto stats = of_type(events, "stats");
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0]["stats"]["decoder.reassembled"], 2);
  EXPECT_GE(stats[0]["stats"]["stream.overlaps"].get<int>(), 1);
}

TEST(ReadPcap, RedactionCanBeTurnedOff) {
  test::TempDir dir;
  std::string pcap = build_capture(dir);
  std::string eve = dir.file("eve.json");
  auto r = test::run({test::program_path("picket-agent"), "--read-pcap", pcap, "--eve-log", eve, "--eve-types",
                      "http", "--set", "privacy.redact=false"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto http = of_type(read_eve(eve), "http");
  ASSERT_FALSE(http.empty());
  EXPECT_EQ(http[0]["http"]["url"], "/evasion/path?user=bob&password=hunter2");
}

TEST(ReadPcap, WorkersGiveTheSameEvents) {
  test::TempDir dir;
  std::string pcap = build_capture(dir);
  auto count = [&](const std::string& workers) {
    std::string eve = dir.file("eve-" + workers + ".json");
    auto r = test::run({test::program_path("picket-agent"), "--read-pcap", pcap, "--eve-log", eve, "--set",
                        "detect.workers=" + workers});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, int> n;
    for (const auto& e : read_eve(eve)) ++n[e["event_type"].get<std::string>()];
    return n;
  };
  EXPECT_EQ(count("1"), count("3"));
}

TEST(ReadPcap, SuricataSpellingsAndErrors) {
  test::TempDir dir;
  std::string pcap = build_capture(dir);
  std::string eve = dir.file("eve.json");
  std::string agent = test::program_path("picket-agent");
  auto ok = test::run({agent, "--read-pcap", pcap, "--eve-log", eve, "-k", "none", "--set",
                       "stream.midstream=true", "--set", "stream.async-oneside=true"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  auto bad_key = test::run({agent, "--read-pcap", pcap, "--eve-log", eve, "--set", "stream.no-such-key=1"});
  EXPECT_EQ(bad_key.exit_code, 2);
  EXPECT_NE(bad_key.err.find("stream.no-such-key"), std::string::npos) << bad_key.err;
  auto bad_k = test::run({agent, "--read-pcap", pcap, "--eve-log", eve, "-k", "sometimes"});
  EXPECT_NE(bad_k.exit_code, 0);
  auto bad_types = test::run({agent, "--read-pcap", pcap, "--eve-log", eve, "--eve-types", "flow,bogus"});
  EXPECT_NE(bad_types.exit_code, 0);
  EXPECT_NE(bad_types.err.find("bogus"), std::string::npos);
  auto missing = test::run({agent, "--read-pcap", dir.file("nope.pcap"), "--eve-log", eve});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("nope.pcap"), std::string::npos);
}

TEST(ReadPcap, HostileCaptureDoesNotCrash) {
  // Random frames after valid headers: decoders must stop at anomalies, never crash.
  test::TempDir dir;
  tp::PcapWriter w;
  uint32_t x = 12345;
  auto rnd = [&x] { x = x * 1103515245 + 12345; return static_cast<uint8_t>(x >> 16); };
  for (int i = 0; i < 2000; ++i) {
    Bytes ip = tp::ipv4("1.2.3.4", "5.6.7.8", static_cast<uint8_t>(i % 3 == 0 ? 6 : i % 3 == 1 ? 17 : 47),
                        Bytes(static_cast<size_t>(rnd() % 80), 0));
    for (size_t k = 20; k < ip.size(); ++k) ip[k] = rnd();
    if (i % 5 == 0 && ip.size() > 2) ip[rnd() % ip.size()] = rnd();
    w.add_ip(ip);
  }
  std::string pcap = dir.file("junk.pcap");
  ASSERT_TRUE(w.save(pcap));
  auto r = test::run({test::program_path("picket-agent"), "--read-pcap", pcap, "--eve-log", dir.file("eve.json")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("anomalies:"), std::string::npos);
}

}  // namespace
}  // namespace picket
