// Tests agent/app: LLMNR and DHCP over UDP (detect.cc, dhcp.cc, app_state.cc) and the DNS detection
// ports and TLS encryption-handling settings (app_config.cc).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/app/app_config.h"
#include "agent/app/app_state.h"
#include "agent/app/detect.h"
#include "agent/app/dhcp.h"
#include "tests/agent/app/test_util.h"

namespace picket::app {
namespace {

constexpr Direction kReq = Direction::kToServer;
constexpr Direction kResp = Direction::kToClient;

// LLMNR query for "hs2011" A IN (RFC 4795 uses DNS's wire format).
std::vector<uint8_t> llmnr_query() {
  std::vector<uint8_t> q = {0xC3, 0x41, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 6, 'h', 's', '2', '0', '1', '1', 0, 0, 1, 0, 1};
  return q;
}

// A DHCP message: op, xid 0xef645744, chaddr 00:11:22:33:44:55, option 53 = `type`, option 12, end.
std::vector<uint8_t> dhcp(uint8_t op, uint8_t type) {
  std::vector<uint8_t> m(240, 0);
  m[0] = op;
  m[1] = 1;  // Ethernet
  m[2] = 6;
  m[4] = 0xef, m[5] = 0x64, m[6] = 0x57, m[7] = 0x44;
  m[16] = 10, m[17] = 16, m[18] = 1, m[19] = 4;  // yiaddr 10.16.1.4
  for (int i = 0; i < 6; ++i) m[28 + i] = static_cast<uint8_t>(i * 0x11);
  m[236] = 99, m[237] = 130, m[238] = 83, m[239] = 99;
  const std::vector<uint8_t> opts = {53, 1, type, 0, 12, 4, 'h', 'o', 's', 't', 255};
  m.insert(m.end(), opts.begin(), opts.end());
  return m;
}

TEST(AppUdp, LlmnrOnPort5355IsItsOwnProtocol) {
  auto q = llmnr_query();
  EXPECT_EQ(probe_udp(q, 54022, 5355).proto, AppProto::kLlmnr);
  EXPECT_EQ(probe_udp(q, 5355, 54022).proto, AppProto::kLlmnr);
  EXPECT_EQ(app_proto_name(AppProto::kLlmnr), "llmnr");
  AppLimits limits;
  AppCounters c;
  AppState app(limits, c, 5355);
  test::RecordingSink sink;
  std::vector<AppProto> protos;
  sink.extra = [&](const AppEvent& e) {
    if (e.kind == AppEventKind::kDnsMessage) protos.push_back(e.proto);
  };
  app.on_datagram(kReq, q, 54022, 5355, &sink);
  auto r = q;
  r[2] = 0x80;  // response
  r[7] = 1;     // one answer: HS2011 A 192.168.10.101
  const std::vector<uint8_t> answer = {6, 'H', 'S', '2', '0', '1', '1', 0, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 192, 168, 10, 101};
  r.insert(r.end(), answer.begin(), answer.end());
  app.on_datagram(kResp, r, 5355, 54022, &sink);
  EXPECT_EQ(app.proto(), AppProto::kLlmnr);
  EXPECT_EQ(protos, (std::vector<AppProto>{AppProto::kLlmnr, AppProto::kLlmnr}));
  EXPECT_EQ(app.last_datagram().answers.size(), 1u);
  EXPECT_EQ(app.last_datagram().answers[0].rdata, "192.168.10.101");
  EXPECT_EQ(c.detect_llmnr, 1u);
  EXPECT_EQ(c.detect_dns, 0u);
}

TEST(AppUdp, DhcpRequestAndReply) {
  auto req = dhcp(1, 3);
  auto ack = dhcp(2, 5);
  EXPECT_TRUE(dhcp_shape(req));
  EXPECT_EQ(probe_udp(req, 68, 67).proto, AppProto::kDhcp);
  EXPECT_EQ(probe_udp(req, 40000, 67).proto, AppProto::kUnknown);  // DHCP runs between ports 67 and 68
  AppCounters c;
  DhcpMessage m;
  ASSERT_TRUE(parse_dhcp(ack, c, m));
  EXPECT_FALSE(m.is_request());
  EXPECT_EQ(m.xid, 0xef645744u);
  EXPECT_EQ(m.message_type, 5);
  EXPECT_STREQ(dhcp_message_type_name(m.message_type), "ack");
  EXPECT_EQ(m.hostname, "host");
  EXPECT_EQ(m.yiaddr, 0x0a100104u);
  EXPECT_EQ(m.client_mac[1], 0x11);
  // Hostile input: every truncation and a bad cookie are refused or parsed within bounds, never read past.
  for (size_t n = 0; n < req.size(); ++n) {
    DhcpMessage x;
    bool ok = parse_dhcp(std::span<const uint8_t>(req.data(), n), c, x);
    EXPECT_EQ(ok, n >= 240) << n;
  }
  auto bad = req;
  bad[236] = 0;
  EXPECT_FALSE(parse_dhcp(bad, c, m));
  auto longopt = req;
  longopt[241] = 200;  // option 53 claims 200 bytes
  ASSERT_TRUE(parse_dhcp(longopt, c, m));
  EXPECT_EQ(m.message_type, 0);

  AppLimits limits;
  AppState app(limits, c, 67);
  test::RecordingSink sink;
  std::vector<bool> requests;
  sink.extra = [&](const AppEvent& e) {
    if (e.kind == AppEventKind::kDhcpMessage && e.dhcp != nullptr) requests.push_back(e.dhcp->is_request());
  };
  app.on_datagram(kReq, req, 68, 67, &sink);
  app.on_datagram(kResp, ack, 67, 68, &sink);
  EXPECT_EQ(app.proto(), AppProto::kDhcp);
  EXPECT_EQ(requests, (std::vector<bool>{true, false}));
}

TEST(AppUdp, DnsDetectionPorts) {
  std::vector<PortRange> r;
  ASSERT_TRUE(parse_port_ranges("5353", &r));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].lo, 5353);
  ASSERT_TRUE(parse_port_ranges("[53, 1000:1010, 2000-2001]", &r));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(port_in(r, 1005));
  EXPECT_FALSE(port_in(r, 1011));
  EXPECT_FALSE(parse_port_ranges("53,x", &r));
  EXPECT_FALSE(parse_port_ranges("70000", &r));
  EXPECT_FALSE(parse_port_ranges("20:10", &r));
  EXPECT_FALSE(parse_port_ranges("", &r));

  // A truncated query (header + part of the name) on port 5300: DNS only when 5300 is a detection port.
  std::vector<uint8_t> framed = {0, 24, 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w'};
  EXPECT_TRUE(probe_tcp(kReq, framed, 5300).need_more);
  const PortRange p5300[] = {PortRange{5300, 5300}};
  EXPECT_EQ(probe_tcp(kReq, framed, 5300, p5300).proto, AppProto::kDns);
  EXPECT_NE(probe_tcp(kReq, framed, 53, p5300).proto, AppProto::kDns);

  config::Schema s;
  add_app_keys(s);
  auto loaded = config::load_text(s, "app:\n  dns:\n    detection-ports: [5300, 6000:6001]\n", "t.yaml", {});
  ASSERT_TRUE(loaded.diag.ok()) << loaded.diag.format();
  ASSERT_TRUE(check_app_settings(loaded.settings));
  AppLimits l = app_limits_from(loaded.settings);
  EXPECT_TRUE(port_in(l.dns_detection_ports, 5300));
  EXPECT_TRUE(port_in(l.dns_detection_ports, 6001));
  EXPECT_FALSE(port_in(l.dns_detection_ports, 53));
  // Suricata's spelling by --set, and a bad value reported with its place.
  auto alias = config::load_text(s, "", "t.yaml", {"app-layer.protocols.dns.detection-ports.dp=5353"});
  ASSERT_TRUE(alias.diag.ok());
  EXPECT_TRUE(port_in(app_limits_from(alias.settings).dns_detection_ports, 5353));
  auto bad = config::load_text(s, "app:\n  dns:\n    detection-ports: \"53,dns\"\n", "t.yaml", {});
  ASSERT_TRUE(bad.diag.ok());
  Status st = check_app_settings(bad.settings);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().file, "t.yaml");
  EXPECT_EQ(st.error().line, 3);
}

TEST(AppUdp, TlsEncryptionHandlingSetting) {
  config::Schema s;
  add_app_keys(s);
  auto d = config::load_text(s, "", "t.yaml", {});
  EXPECT_EQ(app_limits_from(d.settings).tls_encryption, TlsEncryption::kDefault);
  auto b = config::load_text(s, "", "t.yaml", {"app-layer.protocols.tls.encryption-handling=bypass"});
  ASSERT_TRUE(b.diag.ok());
  EXPECT_EQ(app_limits_from(b.settings).tls_encryption, TlsEncryption::kBypass);
  auto bad = config::load_text(s, "", "t.yaml", {"app.tls.encryption-handling=drop"});
  EXPECT_FALSE(bad.diag.ok());
}

}  // namespace
}  // namespace picket::app
