#pragma once
// EVE JSON rendering: one renderer for every engine, in Suricata's layout, so that tools reading
// Suricata's eve.json read Picket's.
//
//   picket::v1::Alert a = ...;
//   std::string line = picket::eve::render_alert(a);   // one line, no trailing newline
//
// Every engine's alert is `event_type: alert`, with alert.engine and alert.rule_id added to Suricata's
// alert object. signature_id is the sid for Suricata rules and the derived 32-bit id otherwise
// (common/rule_id.h). Severity is Suricata's 1 (highest) .. 4.
//
// The building blocks (network header, http/dns/tls objects) are public so that the agent's other event
// types (flow, http, dns, tls, log) use exactly the same field names and order.
//
// Pure functions; safe from any thread.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/eve/json_writer.h"
#include "picket.pb.h"

namespace picket::eve {

struct EveOptions {
  bool payload = true;            // write "payload" (base64) when the alert carries one
  bool payload_printable = true;  // and "payload_printable"
  bool picket_extras = true;      // write the "picket" object (seq, agent metadata)
  bool rule_metadata = true;      // write alert.metadata (Suricata's eve alert `metadata` option)
  bool app_layer = true;          // write the http/dns/tls objects of the alert's transaction (same option)
};

// "2026-11-30T10:00:00.123456+0000" for microseconds since the epoch (UTC).
std::string format_timestamp(int64_t epoch_us);

// Suricata's printable rendering of payload bytes: printable ASCII kept, anything else as '.'.
std::string printable(std::string_view bytes);

// Fields of a network alert that only the packet pipeline knows (agent/pipeline/alert_router.cc fills them
// per the outputs.eve.alert.* options); a field is written when it is set here.
struct AlertExtras {
  std::string_view pkt_src;  // EVE "pkt_src": "wire/pcap", "defrag", "gre tunnel", ...; empty: not written
  bool has_tx = false;       // the alert is on a transaction: write tx_id even when it is 0
  bool ether = false;        // write "ether": {"src_mac", "dest_mac"} from the two arrays below
  uint8_t src_mac[6] = {}, dest_mac[6] = {};
  bool flow = false;         // write the "flow" object below (the flow's counters at alert time)
  uint64_t pkts_toserver = 0, pkts_toclient = 0, bytes_toserver = 0, bytes_toclient = 0;
  int64_t flow_start_us = 0;
  std::string flow_src_ip, flow_dest_ip;  // the flow's client and server
  uint32_t flow_src_port = 0, flow_dest_port = 0;
  bool flow_ports = false;   // write src_port/dest_port in "flow" (TCP/UDP/SCTP)
  bool packet = false;       // write "packet" (base64 of `packet_bytes`) and "packet_info"
  std::string_view packet_bytes;  // the packet from its link header on
  std::string packet_storage;     // owns packet_bytes when the caller had to assemble them
  int linktype = 0;          // DLT of packet_bytes (packet_info.linktype / linktype_name)
  std::string_view rule_text;  // write alert.rule (the rule as written) when not empty
  std::string_view verdict;    // write "verdict": {"action": verdict} when not empty ("alert", "pass")
  // A tunnelled packet: "tunnel" {src_ip, src_port, dest_ip, dest_port, proto, depth, pkt_src} with the
  // outermost packet's tuple (ports only when tunnel_ports).
  bool tunnel = false;
  std::string tunnel_src_ip, tunnel_dest_ip;
  uint32_t tunnel_src_port = 0, tunnel_dest_port = 0;
  bool tunnel_ports = false;
  std::string tunnel_proto;
  uint32_t tunnel_depth = 0;
};

// Suricata's name of a DLT in packet_info.linktype_name ("EN10MB", "RAW", "C_HDLC", "PPP", "IPv6"...),
// "" when unknown.
std::string_view linktype_name(int linktype);

std::string render_alert(const v1::Alert& alert, const EveOptions& options = {}, const AlertExtras* extras = nullptr);
std::string render_incident(const v1::Incident& incident);

// timestamp, flow_id, in_iface, pcap_cnt, event_type, src_ip, src_port, dest_ip, dest_port, proto
// (icmp_type/icmp_code instead of ports for ICMP). Opens nothing and closes nothing: call between
// begin_object() and the event's own fields.
void write_header(JsonWriter& w, int64_t event_time_us, const v1::NetworkInfo* net, std::string_view event_type);
void write_http(JsonWriter& w, const v1::HttpInfo& http);  // the value of "http"
void write_dns(JsonWriter& w, const v1::DnsInfo& dns);     // the value of "dns"
void write_tls(JsonWriter& w, const v1::TlsInfo& tls);     // the value of "tls"
void write_llmnr(JsonWriter& w, const v1::LlmnrInfo& m);   // the value of "llmnr"
void write_dhcp(JsonWriter& w, const v1::DhcpInfo& d);     // the value of "dhcp"

}  // namespace picket::eve
