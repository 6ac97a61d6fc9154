#include "common/eve/eve.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

#include "common/rule_id.h"

namespace picket::eve {
namespace {

const char* action_name(v1::Action a) {
  // Picket only watches, so even drop/reject rules are "allowed" traffic, as Suricata writes in IDS mode.
  (void)a;
  return "allowed";
}

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto b = static_cast<uint8_t>(c);
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

bool is_icmp(const std::string& proto) { return proto == "ICMP" || proto == "IPv6-ICMP"; }

void write_file_state(JsonWriter& w, const v1::FileState& s) {
  w.begin_object();
  w.kv("sha256", s.sha256());
  w.kv("size", s.size());
  char mode[16];
  std::snprintf(mode, sizeof mode, "%04o", s.mode() & 07777u);
  w.kv("mode", mode);
  w.kv("uid", s.uid());
  w.kv("gid", s.gid());
  w.kv("mtime", format_timestamp(s.mtime_ns() / 1000));
  w.end_object();
}

}  // namespace

std::string format_timestamp(int64_t epoch_us) {
  int64_t secs = epoch_us / 1'000'000;
  int64_t us = epoch_us % 1'000'000;
  if (us < 0) {
    us += 1'000'000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+0000", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(us));
  return buf;
}

std::string printable(std::string_view bytes) {
  std::string out(bytes);
  for (char& c : out) {
    auto b = static_cast<uint8_t>(c);
    if (b < 0x20 || b > 0x7e) c = '.';
  }
  return out;
}

void write_header(JsonWriter& w, int64_t event_time_us, const v1::NetworkInfo* net, std::string_view event_type) {
  w.kv("timestamp", format_timestamp(event_time_us));
  if (net != nullptr && net->flow_id() != 0) w.kv("flow_id", net->flow_id());
  if (net != nullptr && !net->in_iface().empty()) w.kv("in_iface", net->in_iface());
  if (net != nullptr && net->pcap_cnt() != 0) w.kv("pcap_cnt", net->pcap_cnt());
  w.kv("event_type", event_type);
  if (net != nullptr && !net->src_ip().empty()) {
    if (net->vlan() != 0) {
      w.key("vlan");
      w.begin_array();
      w.number(net->vlan());
      w.end_array();
    }
    bool icmp = is_icmp(net->proto());
    w.kv("src_ip", net->src_ip());
    if (!icmp) w.kv("src_port", net->src_port());
    w.kv("dest_ip", net->dest_ip());
    if (!icmp) w.kv("dest_port", net->dest_port());
    w.kv("proto", net->proto());
    if (icmp) {
      w.kv("icmp_type", net->icmp_type());
      w.kv("icmp_code", net->icmp_code());
    }
    if (net->ip_version() != 0) w.kv("ip_v", net->ip_version());
  }
}

void write_http(JsonWriter& w, const v1::HttpInfo& http) {
  w.begin_object();
  if (!http.hostname().empty()) w.kv("hostname", http.hostname());
  if (!http.url().empty()) w.kv("url", http.url());
  if (!http.http_user_agent().empty()) w.kv("http_user_agent", http.http_user_agent());
  if (!http.http_content_type().empty()) w.kv("http_content_type", http.http_content_type());
  if (!http.http_refer().empty()) w.kv("http_refer", http.http_refer());
  if (!http.http_method().empty()) w.kv("http_method", http.http_method());
  if (!http.protocol().empty()) w.kv("protocol", http.protocol());
  if (http.status() != 0) w.kv("status", http.status());
  if (http.length() != 0) w.kv("length", http.length());
  auto headers = [&](std::string_view name, const auto& list) {
    if (list.empty()) return;
    w.key(name);
    w.begin_array();
    for (const auto& h : list) {
      w.begin_object();
      w.kv("name", h.name());
      w.kv("value", h.value());
      w.end_object();
    }
    w.end_array();
  };
  headers("request_headers", http.request_headers());
  headers("response_headers", http.response_headers());
  w.end_object();
}

void write_dns(JsonWriter& w, const v1::DnsInfo& dns) {
  w.begin_object();
  if (!dns.type().empty()) w.kv("type", dns.type());
  w.kv("id", dns.id());
  if (!dns.rrname().empty()) w.kv("rrname", dns.rrname());
  if (!dns.rrtype().empty()) w.kv("rrtype", dns.rrtype());
  if (!dns.rcode().empty()) w.kv("rcode", dns.rcode());
  if (!dns.answers().empty()) {
    w.key("answers");
    w.begin_array();
    for (const auto& a : dns.answers()) {
      w.begin_object();
      w.kv("rrname", a.rrname());
      w.kv("rrtype", a.rrtype());
      w.kv("ttl", a.ttl());
      if (!a.rdata().empty()) w.kv("rdata", a.rdata());
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

void write_llmnr(JsonWriter& w, const v1::LlmnrInfo& m) {
  w.begin_object();
  w.kv("type", m.type());
  w.kv("id", m.id());
  if (!m.flags().empty()) w.kv("flags", m.flags());
  w.kv("opcode", m.opcode());
  if (!m.queries().empty()) {
    w.key("queries");
    w.begin_array();
    for (const auto& q : m.queries()) {
      w.begin_object();
      w.kv("rrname", q.rrname());
      w.kv("rrtype", q.rrtype());
      w.end_object();
    }
    w.end_array();
  }
  if (!m.answers().empty()) {
    w.key("answers");
    w.begin_array();
    for (const auto& a : m.answers()) {
      w.begin_object();
      w.kv("rrname", a.rrname());
      w.kv("rrtype", a.rrtype());
      w.kv("ttl", a.ttl());
      if (!a.rdata().empty()) w.kv(a.rrtype(), a.rdata());  // "a": "192.0.2.1", "ptr": "host.example"
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

void write_dhcp(JsonWriter& w, const v1::DhcpInfo& d) {
  w.begin_object();
  w.kv("type", d.type());
  w.kv("id", d.id());
  if (!d.client_mac().empty()) w.kv("client_mac", d.client_mac());
  if (!d.assigned_ip().empty()) w.kv("assigned_ip", d.assigned_ip());
  if (!d.client_ip().empty()) w.kv("client_ip", d.client_ip());
  if (!d.dhcp_type().empty()) w.kv("dhcp_type", d.dhcp_type());
  if (!d.hostname().empty()) w.kv("hostname", d.hostname());
  w.end_object();
}

void write_tls(JsonWriter& w, const v1::TlsInfo& tls) {
  w.begin_object();
  if (!tls.subject().empty()) w.kv("subject", tls.subject());
  if (!tls.issuerdn().empty()) w.kv("issuerdn", tls.issuerdn());
  if (!tls.fingerprint().empty()) w.kv("fingerprint", tls.fingerprint());
  if (!tls.sni().empty()) w.kv("sni", tls.sni());
  if (!tls.version().empty()) w.kv("version", tls.version());
  if (!tls.ja3_hash().empty() || !tls.ja3_string().empty()) {
    w.key("ja3");
    w.begin_object();
    w.kv("hash", tls.ja3_hash());
    w.kv("string", tls.ja3_string());
    w.end_object();
  }
  if (!tls.ja3s_hash().empty() || !tls.ja3s_string().empty()) {
    w.key("ja3s");
    w.begin_object();
    w.kv("hash", tls.ja3s_hash());
    w.kv("string", tls.ja3s_string());
    w.end_object();
  }
  w.end_object();
}

std::string_view linktype_name(int linktype) {
  switch (linktype) {
    case 0: return "NULL";
    case 1: return "EN10MB";
    case 9: return "PPP";
    case 12: return "RAW";
    case 50: return "PPP_SERIAL";
    case 101: return "RAW";
    case 104: return "C_HDLC";
    case 108: return "LOOP";
    case 113: return "LINUX_SLL";
    case 228: return "IPv4";
    case 229: return "IPv6";
    case 276: return "LINUX_SLL2";
    default: return "";
  }
}

namespace {

std::string mac_string(const uint8_t* m) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return buf;
}

// Suricata's order: pkt_src and ether follow the header's tuple, before "alert".
void write_extras_head(JsonWriter& w, const AlertExtras& x) {
  if (!x.pkt_src.empty()) w.kv("pkt_src", x.pkt_src);
  if (x.ether) {
    w.key("ether");
    w.begin_object();
    w.kv("src_mac", mac_string(x.src_mac));
    w.kv("dest_mac", mac_string(x.dest_mac));
    w.end_object();
  }
}

void write_extras_tunnel(JsonWriter& w, const AlertExtras& x) {
  if (!x.tunnel) return;
  w.key("tunnel");
  w.begin_object();
  w.kv("src_ip", x.tunnel_src_ip);
  if (x.tunnel_ports) w.kv("src_port", x.tunnel_src_port);
  w.kv("dest_ip", x.tunnel_dest_ip);
  if (x.tunnel_ports) w.kv("dest_port", x.tunnel_dest_port);
  w.kv("proto", x.tunnel_proto);
  w.kv("depth", x.tunnel_depth);
  w.kv("pkt_src", "wire/pcap");
  w.end_object();
}

void write_extras_flow(JsonWriter& w, const AlertExtras& x) {
  if (!x.flow) return;
  w.key("flow");
  w.begin_object();
  w.kv("pkts_toserver", x.pkts_toserver);
  w.kv("pkts_toclient", x.pkts_toclient);
  w.kv("bytes_toserver", x.bytes_toserver);
  w.kv("bytes_toclient", x.bytes_toclient);
  w.kv("start", format_timestamp(x.flow_start_us));
  w.kv("src_ip", x.flow_src_ip);
  w.kv("dest_ip", x.flow_dest_ip);
  if (x.flow_ports) {
    w.kv("src_port", x.flow_src_port);
    w.kv("dest_port", x.flow_dest_port);
  }
  w.end_object();
}

void write_extras_packet(JsonWriter& w, const AlertExtras& x) {
  if (!x.packet || x.packet_bytes.empty()) return;
  w.kv("packet", base64_encode(x.packet_bytes));
  w.key("packet_info");
  w.begin_object();
  w.kv("linktype", static_cast<int64_t>(x.linktype));
  if (auto name = linktype_name(x.linktype); !name.empty()) w.kv("linktype_name", name);
  w.end_object();
}

}  // namespace

std::string render_alert(const v1::Alert& a, const EveOptions& options, const AlertExtras* extras) {
  JsonWriter w;
  w.begin_object();
  const v1::NetworkInfo* net = a.has_net() ? &a.net() : nullptr;
  write_header(w, a.event_time_us(), net, "alert");
  if (extras != nullptr) write_extras_head(w, *extras);
  if (extras != nullptr) write_extras_tunnel(w, *extras);
  if (net != nullptr && (net->tx_id() != 0 || (extras != nullptr && extras->has_tx))) w.kv("tx_id", net->tx_id());

  const v1::RuleRef& r = a.rule();
  w.key("alert");
  w.begin_object();
  w.kv("action", action_name(r.action()));
  w.kv("gid", r.gid() != 0 ? r.gid() : 1u);
  uint32_t sid = r.engine() == v1::ENGINE_SURICATA ? r.sid() : derived_signature_id(r.engine(), r.rule_id());
  w.kv("signature_id", sid);
  w.kv("rev", r.rev());
  w.kv("signature", r.title());
  w.kv("category", r.category());
  w.kv("severity", r.severity() >= 1 && r.severity() <= 4 ? r.severity() : 3u);
  if (!r.metadata().empty() && options.rule_metadata) {
    // Sorted keys: protobuf maps have no order, and golden files need one.
    std::map<std::string, const v1::StringList*> sorted;
    for (const auto& [k, v] : r.metadata()) sorted.emplace(k, &v);
    w.key("metadata");
    w.begin_object();
    for (const auto& [k, v] : sorted) {
      w.key(k);
      w.begin_array();
      for (const auto& s : v->values()) w.string(s);
      w.end_array();
    }
    w.end_object();
  }
  if (extras != nullptr && !extras->rule_text.empty()) w.kv("rule", extras->rule_text);
  w.kv("engine", engine_name(r.engine()));
  w.kv("rule_id", r.rule_id());
  if (!r.tags().empty()) {
    w.key("tags");
    w.begin_array();
    for (const auto& t : r.tags()) w.string(t);
    w.end_array();
  }
  w.end_object();

  if (net != nullptr) {
    if (!net->app_proto().empty()) w.kv("app_proto", net->app_proto());
    if (net->has_http() && options.app_layer) {
      w.key("http");
      write_http(w, net->http());
    }
    if (net->has_dns() && options.app_layer) {
      w.key("dns");
      write_dns(w, net->dns());
    }
    if (net->has_tls() && options.app_layer) {
      w.key("tls");
      write_tls(w, net->tls());
    }
    if (net->has_llmnr() && options.app_layer) {
      w.key("llmnr");
      write_llmnr(w, net->llmnr());
    }
    if (net->has_dhcp() && options.app_layer) {
      w.key("dhcp");
      write_dhcp(w, net->dhcp());
    }
  }
  if (extras != nullptr) write_extras_flow(w, *extras);
  if (net != nullptr && !net->payload().empty()) {
    if (options.payload) w.kv("payload", base64_encode(net->payload()));
    if (options.payload_printable) w.kv("payload_printable", printable(net->payload()));
    w.kv("stream", net->stream() ? 1 : 0);
  }
  if (extras != nullptr) write_extras_packet(w, *extras);
  if (extras != nullptr && !extras->verdict.empty()) {
    w.key("verdict");
    w.begin_object();
    w.kv("action", extras->verdict);
    w.end_object();
  }

  if (a.has_log()) {
    const auto& log = a.log();
    w.key("log");
    w.begin_object();
    w.kv("source", log.source());
    if (!log.format().empty()) w.kv("format", log.format());
    w.kv("line", log.line());
    w.key("fields");
    w.begin_object();
    std::map<std::string, std::string> fields(log.fields().begin(), log.fields().end());
    for (const auto& [k, v] : fields) w.kv(k, v);
    w.end_object();
    w.end_object();
  }

  if (a.has_file()) {
    const auto& f = a.file();
    w.key("file");
    w.begin_object();
    w.kv("path", f.path());
    w.kv("size", f.size());
    if (!f.sha256().empty()) w.kv("sha256", f.sha256());
    if (!f.change().empty()) w.kv("change", f.change());
    if (f.has_before()) {
      w.key("before");
      write_file_state(w, f.before());
    }
    if (f.has_after()) {
      w.key("after");
      write_file_state(w, f.after());
    }
    w.end_object();
  }

  if (r.engine() == v1::ENGINE_YARA) {
    w.key("yara");
    w.begin_object();
    w.kv("rule", r.title());
    w.kv("namespace", a.has_file() ? a.file().yara_namespace() : std::string());
    w.key("tags");
    w.begin_array();
    for (const auto& t : r.tags()) w.string(t);
    w.end_array();
    w.key("strings");
    w.begin_array();
    if (a.has_file()) {
      for (const auto& s : a.file().strings()) {
        w.begin_object();
        w.kv("id", s.identifier());
        w.kv("offset", s.offset());
        w.kv("data", printable(s.data()));
        w.kv("data_hex", hex(s.data()));
        w.end_object();
      }
    }
    w.end_array();
    w.end_object();
  }

  if (a.has_correlation()) {
    const auto& c = a.correlation();
    w.key("correlation");
    w.begin_object();
    w.kv("incident_id", c.incident_id());
    std::map<std::string, std::string> group(c.group().begin(), c.group().end());
    w.key("group");
    w.begin_object();
    for (const auto& [k, v] : group) w.kv(k, v);
    w.end_object();
    w.kv("member_count", static_cast<uint64_t>(c.members_size()));
    w.end_object();
  }

  if (!a.host().empty()) w.kv("host", a.host());
  if (options.picket_extras && (a.seq() != 0 || !a.metadata().empty())) {
    w.key("picket");
    w.begin_object();
    if (a.seq() != 0) w.kv("seq", a.seq());
    if (!a.metadata().empty()) {
      std::map<std::string, std::string> md(a.metadata().begin(), a.metadata().end());
      w.key("metadata");
      w.begin_object();
      for (const auto& [k, v] : md) w.kv(k, v);
      w.end_object();
    }
    w.end_object();
  }
  w.end_object();
  return w.take();
}

std::string render_incident(const v1::Incident& inc) {
  JsonWriter w;
  w.begin_object();
  w.kv("timestamp", format_timestamp(inc.last_seen_us()));
  w.kv("event_type", "incident");
  w.key("incident");
  w.begin_object();
  w.kv("id", inc.id());
  w.kv("title", inc.title());
  w.kv("severity", inc.severity() >= 1 && inc.severity() <= 4 ? inc.severity() : 3u);
  w.kv("status", inc.status());
  w.kv("rule_id", inc.rule_id());
  w.kv("first_seen", format_timestamp(inc.first_seen_us()));
  w.kv("last_seen", format_timestamp(inc.last_seen_us()));
  w.key("agents");
  w.begin_array();
  for (const auto& s : inc.agents()) w.string(s);
  w.end_array();
  w.key("orgs");
  w.begin_array();
  for (const auto& s : inc.orgs()) w.string(s);
  w.end_array();
  // Every agent and organisation involved: the lists name at most the collector's correlate.max-listed.
  w.kv("agent_count", static_cast<uint64_t>(std::max<int>(inc.agents_size(), static_cast<int>(inc.agent_count()))));
  w.kv("org_count", static_cast<uint64_t>(std::max<int>(inc.orgs_size(), static_cast<int>(inc.org_count()))));
  w.key("members");
  w.begin_array();
  for (const auto& m : inc.members()) {
    w.begin_object();
    w.kv("agent", hex(m.agent_key()));
    w.kv("epoch", hex(m.epoch()));
    w.kv("seq", m.seq());
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace picket::eve
