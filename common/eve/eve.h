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
};

// "2026-11-30T10:00:00.123456+0000" for microseconds since the epoch (UTC).
std::string format_timestamp(int64_t epoch_us);

// Suricata's printable rendering of payload bytes: printable ASCII kept, anything else as '.'.
std::string printable(std::string_view bytes);

std::string render_alert(const v1::Alert& alert, const EveOptions& options = {});
std::string render_incident(const v1::Incident& incident);

// timestamp, flow_id, in_iface, pcap_cnt, event_type, src_ip, src_port, dest_ip, dest_port, proto
// (icmp_type/icmp_code instead of ports for ICMP). Opens nothing and closes nothing: call between
// begin_object() and the event's own fields.
void write_header(JsonWriter& w, int64_t event_time_us, const v1::NetworkInfo* net, std::string_view event_type);
void write_http(JsonWriter& w, const v1::HttpInfo& http);  // the value of "http"
void write_dns(JsonWriter& w, const v1::DnsInfo& dns);     // the value of "dns"
void write_tls(JsonWriter& w, const v1::TlsInfo& tls);     // the value of "tls"

}  // namespace picket::eve
