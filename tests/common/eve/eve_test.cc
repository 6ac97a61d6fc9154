#include "common/eve/eve.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/rule_id.h"

namespace picket::eve {
namespace {

// 2026-11-30T10:00:00.123456Z
constexpr int64_t kT = 1796032800123456;

v1::Alert suricata_alert() {
  v1::Alert a;
  a.set_event_time_us(kT);
  a.set_seq(42);
  auto* r = a.mutable_rule();
  r->set_engine(v1::ENGINE_SURICATA);
  r->set_rule_id("2010935");
  r->set_sid(2010935);
  r->set_gid(1);
  r->set_rev(3);
  r->set_title("ET SCAN Suspicious inbound to MSSQL port 1433");
  r->set_severity(2);
  r->set_category("Potentially Bad Traffic");
  r->set_action(v1::ACTION_ALERT);
  (*r->mutable_metadata())["updated_at"].add_values("2019_07_26");
  (*r->mutable_metadata())["created_at"].add_values("2010_07_30");
  auto* n = a.mutable_net();
  n->set_src_ip("203.0.113.7");
  n->set_src_port(51234);
  n->set_dest_ip("192.168.1.10");
  n->set_dest_port(80);
  n->set_proto("TCP");
  n->set_flow_id(1234567890123456);
  n->set_pcap_cnt(7);
  n->set_ip_version(4);
  n->set_app_proto("http");
  n->set_tx_id(0);
  auto* h = n->mutable_http();
  h->set_hostname("portal.gov.example");
  h->set_url("/upload.php?id=1");
  h->set_http_user_agent("curl/8.0");
  h->set_http_method("POST");
  h->set_protocol("HTTP/1.1");
  h->set_status(200);
  h->set_length(512);
  n->set_payload(std::string("POST /upload.php?id=1 HTTP/1.1\r\n", 32));
  a.set_host("web01");
  return a;
}

v1::Alert sigma_alert() {
  v1::Alert a;
  a.set_event_time_us(kT);
  auto* r = a.mutable_rule();
  r->set_engine(v1::ENGINE_SIGMA);
  r->set_rule_id("8a1fb3a8-6b3e-4a5b-9b7e-2f3c4d5e6f70");
  r->set_title("SSH brute force");
  r->set_severity(2);
  r->set_category("auth");
  r->add_tags("attack.credential_access");
  r->add_tags("attack.t1110");
  auto* l = a.mutable_log();
  l->set_source("/var/log/auth.log");
  l->set_format("auth");
  l->set_line("Nov 30 10:00:00 web01 sshd[311]: Failed password for root from 203.0.113.7 port 4242 ssh2");
  (*l->mutable_fields())["service"] = "sshd";
  (*l->mutable_fields())["src_ip"] = "203.0.113.7";
  (*l->mutable_fields())["user"] = "root";
  a.set_host("web01");
  return a;
}

v1::Alert yara_alert() {
  v1::Alert a;
  a.set_event_time_us(kT);
  auto* r = a.mutable_rule();
  r->set_engine(v1::ENGINE_YARA);
  r->set_rule_id("webshells:WebShell_PHP_Generic");
  r->set_title("WebShell_PHP_Generic");
  r->set_severity(1);
  r->set_category("webshells");
  r->add_tags("webshell");
  auto* f = a.mutable_file();
  f->set_path("/var/www/html/x.php");
  f->set_size(64);
  f->set_sha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  f->set_yara_namespace("webshells");
  auto* s = f->add_strings();
  s->set_identifier("$eval");
  s->set_offset(6);
  s->set_data("eval($_POST");
  return a;
}

v1::Alert fim_alert() {
  v1::Alert a;
  a.set_event_time_us(kT);
  auto* r = a.mutable_rule();
  r->set_engine(v1::ENGINE_FIM);
  r->set_rule_id("modify");
  r->set_title("File modified in a watched path");
  r->set_severity(2);
  r->set_category("fim");
  auto* f = a.mutable_file();
  f->set_path("/var/www/html/index.html");
  f->set_size(20);
  f->set_sha256("b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c");
  f->set_change("modify");
  auto* b = f->mutable_before();
  b->set_sha256("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae");
  b->set_size(10);
  b->set_mode(0100644);
  b->set_uid(33);
  b->set_gid(33);
  b->set_mtime_ns(1796029200000000000);
  auto* af = f->mutable_after();
  af->set_sha256("b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c");
  af->set_size(20);
  af->set_mode(0100666);
  af->set_uid(33);
  af->set_gid(33);
  af->set_mtime_ns(1796032800000000000);
  return a;
}

v1::Alert icmp_health_alert() {
  v1::Alert a;
  a.set_event_time_us(kT);
  auto* r = a.mutable_rule();
  r->set_engine(v1::ENGINE_HEALTH);
  r->set_rule_id("capture-drops");
  r->set_title("Capture is dropping packets");
  r->set_severity(2);
  r->set_category("health");
  (*a.mutable_metadata())["drops"] = "1200";
  auto* n = a.mutable_net();
  n->set_src_ip("2001:db8::1");
  n->set_dest_ip("2001:db8::2");
  n->set_proto("IPv6-ICMP");
  n->set_icmp_type(128);
  n->set_icmp_code(0);
  n->set_vlan(100);
  return a;
}

v1::Incident incident() {
  v1::Incident i;
  i.set_id("inc-000001");
  i.set_title("Port scan, SSH brute force, then a login from the same source");
  i.set_severity(1);
  i.set_status("open");
  i.set_rule_id("correlation:scan_bruteforce_login");
  i.set_first_seen_us(kT - 600'000'000);
  i.set_last_seen_us(kT);
  i.add_agents("web01");
  i.add_orgs("ministry=finance");
  auto* m = i.add_members();
  m->set_agent_key(std::string("\x01\x02", 2));
  m->set_epoch(std::string("\xab\xcd", 2));
  m->set_seq(9);
  return i;
}

std::map<std::string, std::string> load_golden() {
  std::ifstream in(std::string(PICKET_SOURCE_DIR) + "/tests/common/eve/golden.jsonl");
  std::map<std::string, std::string> out;
  std::string name, line;
  // Format: a "# name" line, then the expected EVE line.
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) == 0) {
      name = line.substr(2);
    } else if (!line.empty()) {
      out[name] = line;
    }
  }
  return out;
}

class EveGolden : public ::testing::Test {
 protected:
  void SetUp() override { golden_ = load_golden(); }
  void check(const std::string& name, const std::string& rendered) {
    ASSERT_TRUE(golden_.count(name)) << "no golden line for " << name << "; rendered:\n" << rendered;
    EXPECT_EQ(rendered, golden_[name]);
    EXPECT_TRUE(nlohmann::json::accept(rendered)) << rendered;
  }
  std::map<std::string, std::string> golden_;
};

TEST_F(EveGolden, SuricataAlert) { check("suricata", render_alert(suricata_alert())); }
TEST_F(EveGolden, SigmaAlert) { check("sigma", render_alert(sigma_alert())); }
TEST_F(EveGolden, YaraAlert) { check("yara", render_alert(yara_alert())); }
TEST_F(EveGolden, FimAlert) { check("fim", render_alert(fim_alert())); }
TEST_F(EveGolden, HealthAlertOverIcmpv6) { check("health_icmp6", render_alert(icmp_health_alert())); }
TEST_F(EveGolden, Incident) { check("incident", render_incident(incident())); }

TEST(Eve, SuricataLayoutForConsumers) {
  auto j = nlohmann::json::parse(render_alert(suricata_alert()));
  EXPECT_EQ(j["timestamp"], "2026-11-30T10:00:00.123456+0000");
  EXPECT_EQ(j["event_type"], "alert");
  EXPECT_EQ(j["flow_id"], 1234567890123456);
  EXPECT_EQ(j["alert"]["signature_id"], 2010935);
  EXPECT_EQ(j["alert"]["engine"], "suricata");
  EXPECT_EQ(j["alert"]["rule_id"], "2010935");
  EXPECT_EQ(j["alert"]["metadata"]["created_at"][0], "2010_07_30");
  EXPECT_EQ(j["http"]["hostname"], "portal.gov.example");
  // Field order as Suricata writes it.
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  std::string line = render_alert(suricata_alert());
  EXPECT_LT(line.find("\"timestamp\""), line.find("\"flow_id\""));
  EXPECT_LT(line.find("\"flow_id\""), line.find("\"event_type\""));
  EXPECT_LT(line.find("\"event_type\""), line.find("\"src_ip\""));
  EXPECT_LT(line.find("\"proto\""), line.find("\"alert\":{"));
}

// LLMNR and DHCP objects in Suricata 9's layout, and the "tunnel" object of a tunnelled packet.
TEST(Eve, LlmnrDhcpAndTunnelObjects) {
  v1::Alert a = suricata_alert();
  a.mutable_net()->clear_http();
  auto* l = a.mutable_net()->mutable_llmnr();
  l->set_type("response");
  l->set_id(49985);
  l->set_flags("8000");
  auto* q = l->add_queries();
  q->set_rrname("hs2011");
  q->set_rrtype("a");
  auto* an = l->add_answers();
  an->set_rrname("HS2011");
  an->set_rrtype("a");
  an->set_ttl(30);
  an->set_rdata("192.168.10.101");
  auto* d = a.mutable_net()->mutable_dhcp();
  d->set_type("reply");
  d->set_id(0xef645744u);
  d->set_client_mac("00:11:22:33:44:55");
  d->set_dhcp_type("ack");
  AlertExtras x;
  x.tunnel = true;
  x.tunnel_src_ip = "192.168.203.1";
  x.tunnel_dest_ip = "192.168.202.1";
  x.tunnel_ports = true;
  x.tunnel_src_port = 45149;
  x.tunnel_dest_port = 4789;
  x.tunnel_proto = "UDP";
  auto j = nlohmann::json::parse(render_alert(a, {}, &x));
  EXPECT_EQ(j["llmnr"]["type"], "response");
  EXPECT_EQ(j["llmnr"]["opcode"], 0);
  EXPECT_EQ(j["llmnr"]["queries"][0]["rrtype"], "a");
  EXPECT_EQ(j["llmnr"]["answers"][0]["a"], "192.168.10.101");
  EXPECT_EQ(j["llmnr"]["answers"][0]["ttl"], 30);
  EXPECT_EQ(j["dhcp"]["type"], "reply");
  EXPECT_EQ(j["dhcp"]["id"], 0xef645744u);
  EXPECT_EQ(j["dhcp"]["dhcp_type"], "ack");
  EXPECT_EQ(j["tunnel"]["dest_port"], 4789);
  EXPECT_EQ(j["tunnel"]["proto"], "UDP");
  EXPECT_EQ(j["tunnel"]["depth"], 0);
  EXPECT_FALSE(nlohmann::json::parse(render_alert(a)).contains("tunnel"));
}

TEST(Eve, NonSuricataSignatureIdIsStableAndHighBit) {
  auto j = nlohmann::json::parse(render_alert(sigma_alert()));
  uint32_t sid = j["alert"]["signature_id"];
  EXPECT_EQ(sid, derived_signature_id(v1::ENGINE_SIGMA, "8a1fb3a8-6b3e-4a5b-9b7e-2f3c4d5e6f70"));
  EXPECT_GE(sid, 0x80000000u);
  EXPECT_NE(derived_signature_id(v1::ENGINE_SIGMA, "a"), derived_signature_id(v1::ENGINE_YARA, "a"));
}

TEST(Eve, TimestampEdges) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01T00:00:00.000000+0000");
  EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59.999999+0000");
  EXPECT_EQ(format_timestamp(951782400000001), "2000-02-29T00:00:00.000001+0000");
}

TEST(Eve, EscapingKeepsJsonValidForHostileBytes) {
  v1::Alert a = sigma_alert();
  std::string nasty = "a\"b\\c\n\x01\x7f\xff\xc3\xa9\xed\xa0\x80\xf0\x9f\x98\x80 end";
  a.mutable_log()->set_line(nasty);
  std::string line = render_alert(a);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["log"]["line"], "a\"b\\c\n\x01\x7f\xc3\xbf\xc3\xa9\xc3\xad\xc2\xa0\xc2\x80\xf0\x9f\x98\x80 end");
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(Eve, Base64AndPrintable) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(printable(std::string("GET /\r\n\x00\xff", 9)), "GET /....");
}

}  // namespace
}  // namespace picket::eve
