#include "agent/output/eve_writer.h"

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "common/eve/eve.h"

namespace picket::output {

Result<EveTypes> EveTypes::parse(std::string_view list) {
  EveTypes t{false, false, false, false, false, false};
  if (list.empty()) return EveTypes{};
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name == "alert") t.alert = true;
    else if (name == "flow") t.flow = true;
    else if (name == "http") t.http = true;
    else if (name == "dns") t.dns = true;
    else if (name == "tls") t.tls = true;
    else if (name == "stats") t.stats = true;
    else if (name == "log" || name.empty()) {}
    else return Error{.file = "--eve-types", .message = "unknown EVE event type '" + std::string(name) +
                                                          "' (expected alert, flow, http, dns, tls, stats)"};
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return t;
}

Result<std::unique_ptr<EveFileWriter>> EveFileWriter::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return Error{.file = path, .message = std::string("cannot write EVE log: ") + std::strerror(errno)};
  std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
  return std::make_unique<EveFileWriter>(f);
}

EveFileWriter::~EveFileWriter() { std::fclose(f_); }

void EveFileWriter::write_(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), f_);
  std::fputc('\n', f_);
}

void EveFileWriter::flush_() { std::fflush(f_); }

void fill_network(const flow::Flow* f, const decode::Packet* p, flow::Direction dir, v1::NetworkInfo* net) {
  if (p != nullptr && p->ip_version != 0) {
    net->set_src_ip(p->src.to_string());
    net->set_dest_ip(p->dst.to_string());
    net->set_src_port(p->sp);
    net->set_dest_port(p->dp);
    net->set_proto(decode::proto_name(p->proto));
    net->set_ip_version(p->ip_version);
    net->set_vlan(p->vlan_count > 0 ? p->vlan[0] : 0);
    net->set_pcap_cnt(p->pcap_cnt);
    if (p->is_icmp()) {
      net->set_icmp_type(p->icmp_type);
      net->set_icmp_code(p->icmp_code);
    }
  } else if (f != nullptr) {
    bool ts = dir == flow::Direction::kToServer;
    const auto& k = f->key;
    net->set_src_ip((ts ? k.client : k.server).to_string());
    net->set_dest_ip((ts ? k.server : k.client).to_string());
    net->set_src_port(ts ? k.client_port : k.server_port);
    net->set_dest_port(ts ? k.server_port : k.client_port);
    net->set_proto(decode::proto_name(k.proto));
    net->set_ip_version(k.client.family);
    net->set_vlan(k.vlan[0]);
  }
  if (f != nullptr) {
    net->set_flow_id(f->flow_id);
    net->set_app_proto(flow::app_proto_name(f->app_proto));
  }
  net->set_direction(flow::direction_name(dir));
}

void fill_http(const app::HttpTx& tx, const Redaction& r, v1::HttpInfo* out) {
  if (!tx.host_raw.empty() || !tx.host.empty()) out->set_hostname(tx.host.empty() ? std::string(tx.host_raw) : tx.host);
  out->set_url(redact_uri(tx.uri_raw, r));
  out->set_http_method(std::string(tx.method));
  out->set_protocol(std::string(tx.request_protocol));
  if (tx.status > 0) out->set_status(static_cast<uint32_t>(tx.status));
  out->set_http_user_agent(std::string(tx.http_user_agent()));
  // As Suricata logs it: the media type, without parameters ("text/html; charset=..." -> "text/html").
  std::string_view ctype = tx.response.header("Content-Type");
  out->set_http_content_type(std::string(ctype.substr(0, std::min(ctype.find(';'), ctype.size()))));
  out->set_http_refer(std::string(tx.http_referer()));
  out->set_length(tx.response.body_bytes);
}

void fill_dns(const app::DnsMessage& msg, size_t question, v1::DnsInfo* out) {
  out->set_type(msg.is_response() ? "answer" : "query");
  out->set_id(msg.id);
  if (question < msg.questions.size()) {
    out->set_rrname(msg.questions[question].name);
    out->set_rrtype(app::dns_type_name(msg.questions[question].type));
  }
  if (msg.is_response()) {
    out->set_rcode(app::dns_rcode_name(msg.rcode()));
    for (const auto& a : msg.answers) {
      auto* x = out->add_answers();
      x->set_rrname(a.name);
      x->set_rrtype(app::dns_type_name(a.type));
      x->set_ttl(a.ttl);
      x->set_rdata(a.rdata);
    }
  }
}

namespace {
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string ipv4_text(uint32_t a) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
  return buf;
}
}  // namespace

void fill_llmnr(const app::DnsMessage& msg, v1::LlmnrInfo* out) {
  out->set_type(msg.is_response() ? "response" : "request");
  out->set_id(msg.id);
  char flags[8];
  std::snprintf(flags, sizeof flags, "%x", static_cast<unsigned>(msg.flags));
  out->set_flags(flags);
  out->set_opcode(msg.opcode());
  for (const auto& q : msg.questions) {
    auto* x = out->add_queries();
    x->set_rrname(q.name);
    x->set_rrtype(lower(app::dns_type_name(q.type)));
  }
  for (const auto& a : msg.answers) {
    auto* x = out->add_answers();
    x->set_rrname(a.name);
    x->set_rrtype(lower(app::dns_type_name(a.type)));
    x->set_ttl(a.ttl);
    x->set_rdata(a.rdata);
  }
}

void fill_dhcp(const app::DhcpMessage& msg, v1::DhcpInfo* out) {
  out->set_type(msg.is_request() ? "request" : "reply");
  out->set_id(msg.xid);
  const auto& m = msg.client_mac;
  if (m != std::array<uint8_t, 6>{}) {
    char mac[18];
    std::snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    out->set_client_mac(mac);
  }
  out->set_assigned_ip(ipv4_text(msg.yiaddr));
  out->set_client_ip(ipv4_text(msg.ciaddr));
  if (msg.message_type != 0) out->set_dhcp_type(app::dhcp_message_type_name(msg.message_type));
  if (!msg.hostname.empty()) out->set_hostname(msg.hostname);
}

void fill_tls(const app::TlsParser& tls, v1::TlsInfo* out) {
  out->set_sni(std::string(tls.tls_sni()));
  if (tls.version() != 0) out->set_version(app::tls_version_name(tls.version()));
  out->set_subject(std::string(tls.tls_cert_subject()));
  out->set_issuerdn(std::string(tls.tls_cert_issuer()));
  out->set_fingerprint(std::string(tls.tls_cert_fingerprint()));
  out->set_ja3_hash(std::string(tls.ja3_hash()));
  out->set_ja3_string(std::string(tls.ja3_string()));
  out->set_ja3s_hash(std::string(tls.ja3s_hash()));
  out->set_ja3s_string(std::string(tls.ja3s_string()));
}

namespace {
void write_app_proto(eve::JsonWriter& w, const flow::Flow& f) {
  if (f.app_proto != flow::AppProto::kUnknown) w.kv("app_proto", flow::app_proto_name(f.app_proto));
}

std::string hex2(uint8_t v) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s += d[v >> 4];
  s += d[v & 15];
  return s;
}
}  // namespace

std::string render_flow(const flow::Flow& f) {
  v1::NetworkInfo net;
  fill_network(&f, nullptr, flow::Direction::kToServer, &net);
  eve::JsonWriter w;
  w.begin_object();
  eve::write_header(w, f.first_ts_us, &net, "flow");
  write_app_proto(w, f);
  w.key("flow");
  w.begin_object();
  w.kv("pkts_toserver", f.pkts[0]);
  w.kv("pkts_toclient", f.pkts[1]);
  w.kv("bytes_toserver", f.bytes[0]);
  w.kv("bytes_toclient", f.bytes[1]);
  w.kv("start", eve::format_timestamp(f.first_ts_us));
  w.kv("end", eve::format_timestamp(f.last_ts_us));
  w.kv("age", static_cast<int64_t>((f.last_ts_us - f.first_ts_us) / 1'000'000));
  w.kv("state", f.bypassed ? "bypassed" : flow::flow_state_name(f.state));
  w.kv("reason", flow::end_reason_name(f.end_reason));
  w.kv("alerted", f.alerted);
  if (f.action != flow::FlowAction::kNone) w.kv("action", flow::flow_action_name(f.action));
  w.end_object();
  if (f.key.proto == decode::kProtoTcp) {
    uint8_t all = f.tcp_flags_seen[0] | f.tcp_flags_seen[1];
    w.key("tcp");
    w.begin_object();
    w.kv("tcp_flags", hex2(all));
    w.kv("tcp_flags_ts", hex2(f.tcp_flags_seen[0]));
    w.kv("tcp_flags_tc", hex2(f.tcp_flags_seen[1]));
    if (all & decode::kTcpSyn) w.kv("syn", true);
    if (all & decode::kTcpFin) w.kv("fin", true);
    if (all & decode::kTcpRst) w.kv("rst", true);
    if (all & decode::kTcpPsh) w.kv("psh", true);
    if (all & decode::kTcpAck) w.kv("ack", true);
    if (all & decode::kTcpUrg) w.kv("urg", true);
    w.kv("state", f.rst_seen ? "closed" : f.state == flow::FlowState::kClosed ? "closed"
                             : f.state == flow::FlowState::kEstablished ? "established" : "syn_sent");
    w.end_object();
  }
  w.end_object();
  return w.take();
}

std::string render_http(const flow::Flow& f, const app::HttpTx& tx, int64_t ts_us, const Redaction& r) {
  v1::NetworkInfo net;
  fill_network(&f, nullptr, flow::Direction::kToServer, &net);
  v1::HttpInfo http;
  fill_http(tx, r, &http);
  eve::JsonWriter w;
  w.begin_object();
  eve::write_header(w, ts_us, &net, "http");
  write_app_proto(w, f);
  w.kv("tx_id", tx.id);
  w.key("http");
  eve::write_http(w, http);
  w.end_object();
  return w.take();
}

std::string render_dns(const flow::Flow& f, flow::Direction dir, const app::DnsMessage& msg, uint64_t tx_id,
                       int64_t ts_us, size_t question) {
  v1::NetworkInfo net;
  fill_network(&f, nullptr, dir, &net);
  v1::DnsInfo dns;
  fill_dns(msg, question, &dns);
  eve::JsonWriter w;
  w.begin_object();
  eve::write_header(w, ts_us, &net, "dns");
  write_app_proto(w, f);
  w.key("dns");
  eve::write_dns(w, dns);
  w.kv("tx_id", tx_id);
  w.end_object();
  return w.take();
}

std::string render_tls(const flow::Flow& f, const app::TlsParser& tls, int64_t ts_us) {
  v1::NetworkInfo net;
  fill_network(&f, nullptr, flow::Direction::kToServer, &net);
  v1::TlsInfo info;
  fill_tls(tls, &info);
  eve::JsonWriter w;
  w.begin_object();
  eve::write_header(w, ts_us, &net, "tls");
  write_app_proto(w, f);
  w.key("tls");
  eve::write_tls(w, info);
  w.end_object();
  return w.take();
}

}  // namespace picket::output
