// Wire schema round trips, and tolerance of fields from a newer peer.
#include <gtest/gtest.h>
#include <google/protobuf/util/message_differencer.h>

#include "picket.pb.h"

namespace picket::v1 {
namespace {

Alert full_alert() {
  Alert a;
  a.set_event_time_us(1796032800123456);
  a.set_seq(18446744073709551615ull);
  a.set_host("web01");
  (*a.mutable_metadata())["org.ministry"] = "finance";
  auto* r = a.mutable_rule();
  r->set_engine(ENGINE_SURICATA);
  r->set_rule_id("2010935");
  r->set_sid(2010935);
  r->set_gid(1);
  r->set_rev(3);
  r->set_title("ET SCAN");
  r->set_severity(2);
  r->set_category("Potentially Bad Traffic");
  r->add_tags("scan");
  r->set_action(ACTION_DROP);
  (*r->mutable_metadata())["created_at"].add_values("2010_07_30");
  auto* n = a.mutable_net();
  n->set_src_ip("2001:db8::1");
  n->set_src_port(65535);
  n->set_dest_ip("10.0.0.1");
  n->set_dest_port(443);
  n->set_proto("TCP");
  n->set_flow_id(0xffffffffffffffffull);
  n->set_app_proto("tls");
  n->set_payload(std::string("\x00\x01\xff", 3));
  n->mutable_tls()->set_sni("portal.gov.example");
  n->mutable_tls()->set_ja3_hash("e7d705a3286e19ea42f587b344ee6865");
  n->mutable_dns()->set_rrname("x.example");
  n->mutable_dns()->add_answers()->set_rdata("192.0.2.1");
  n->mutable_http()->add_request_headers()->set_name("Host");
  auto* l = a.mutable_log();
  l->set_source("/var/log/auth.log");
  (*l->mutable_fields())["user"] = "root";
  auto* f = a.mutable_file();
  f->set_path("/var/www/x.php");
  f->add_strings()->set_identifier("$a");
  f->mutable_before()->set_mode(0644);
  a.mutable_correlation()->add_members()->set_seq(1);
  return a;
}

TEST(Proto, AlertRoundTrip) {
  Alert a = full_alert();
  std::string bytes;
  ASSERT_TRUE(a.SerializeToString(&bytes));
  Alert b;
  ASSERT_TRUE(b.ParseFromString(bytes));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a, b));
}

TEST(Proto, EnvelopeRoundTripForEveryBody) {
  std::vector<Envelope> envs(6);
  envs[0].mutable_hello()->set_host_name("web01");
  (*envs[0].mutable_hello()->mutable_labels())["province"] = "north";
  *envs[1].mutable_batch()->add_alerts() = full_alert();
  envs[1].mutable_batch()->set_epoch(std::string(16, '\x7f'));
  envs[2].mutable_ack()->set_acked_seq(77);
  envs[3].mutable_heartbeat()->mutable_counters()->set_capture_drops(5);
  envs[3].mutable_heartbeat()->add_rule_sets()->set_engine("suricata");
  *envs[4].mutable_alert() = full_alert();
  envs[5].mutable_incident()->set_status("open");
  for (auto& e : envs) {
    e.set_schema_version(SCHEMA_VERSION_1);
    std::string bytes = e.SerializeAsString();
    Envelope back;
    ASSERT_TRUE(back.ParseFromString(bytes));
    EXPECT_EQ(back.body_case(), e.body_case());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(e, back));
  }
}

// Appends a field a newer peer might send: number 1000, length-delimited.
std::string with_unknown_field(std::string bytes) {
  // tag = (1000 << 3) | 2 = 8002 -> varint 0xc2 0x3e
  bytes += '\xc2';
  bytes += '\x3e';
  bytes += '\x03';
  bytes += "new";
  // and a varint field 1001: tag = 8008 -> 0xc8 0x3e, value 150 -> 0x96 0x01
  bytes += '\xc8';
  bytes += '\x3e';
  bytes += '\x96';
  bytes += '\x01';
  return bytes;
}

TEST(Proto, UnknownFieldsFromNewerPeerAreIgnored) {
  Alert a = full_alert();
  Alert b;
  ASSERT_TRUE(b.ParseFromString(with_unknown_field(a.SerializeAsString())));
  EXPECT_EQ(b.rule().sid(), 2010935u);
  EXPECT_EQ(b.net().tls().sni(), "portal.gov.example");

  Heartbeat hb;
  hb.set_version("9.9.9");
  Heartbeat hb2;
  ASSERT_TRUE(hb2.ParseFromString(with_unknown_field(hb.SerializeAsString())));
  EXPECT_EQ(hb2.version(), "9.9.9");
}

TEST(Proto, UnknownEnvelopeBodyFromNewerPeerIsNotSet) {
  Envelope e;
  e.set_schema_version(SCHEMA_VERSION_1);
  Envelope back;
  ASSERT_TRUE(back.ParseFromString(with_unknown_field(e.SerializeAsString())));
  EXPECT_EQ(back.body_case(), Envelope::BODY_NOT_SET);
  EXPECT_EQ(back.schema_version(), SCHEMA_VERSION_1);
}

TEST(Proto, UnknownEnumValueIsKept) {
  // Engine 99 from a newer peer: proto3 keeps the number; readers treat it as unknown.
  Alert a;
  a.mutable_rule()->set_engine(static_cast<Engine>(99));
  Alert b;
  ASSERT_TRUE(b.ParseFromString(a.SerializeAsString()));
  EXPECT_EQ(static_cast<int>(b.rule().engine()), 99);
}

TEST(Proto, GarbageIsRejectedNotFatal) {
  Envelope e;
  EXPECT_FALSE(e.ParseFromString(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11)));
  EXPECT_FALSE(e.ParseFromString(std::string("\x1a\x7f\x00", 3)));  // length beyond the end
}

}  // namespace
}  // namespace picket::v1
