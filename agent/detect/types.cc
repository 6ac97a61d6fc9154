#include "agent/detect/types.h"

#include <array>
#include <charconv>

#include "agent/detect/util.h"

namespace picket::detect {
namespace {

struct ProtoInfo {
  Proto p;
  std::string_view name;
  uint8_t transport;
};
constexpr std::array kProtos = {
    ProtoInfo{Proto::kIp, "ip", 0},          ProtoInfo{Proto::kTcp, "tcp", 6},
    ProtoInfo{Proto::kUdp, "udp", 17},       ProtoInfo{Proto::kIcmp, "icmp", 1},
    ProtoInfo{Proto::kHttp, "http", 6},      ProtoInfo{Proto::kDns, "dns", 0},
    ProtoInfo{Proto::kTls, "tls", 6},        ProtoInfo{Proto::kSmtp, "smtp", 6},
    ProtoInfo{Proto::kFtp, "ftp", 6},        ProtoInfo{Proto::kSsh, "ssh", 6},
    ProtoInfo{Proto::kSmb, "smb", 6},        ProtoInfo{Proto::kDcerpc, "dcerpc", 0},
    ProtoInfo{Proto::kNfs, "nfs", 0},        ProtoInfo{Proto::kSnmp, "snmp", 17},
    ProtoInfo{Proto::kSip, "sip", 0},        ProtoInfo{Proto::kRdp, "rdp", 6},
    ProtoInfo{Proto::kImap, "imap", 6},      ProtoInfo{Proto::kPop3, "pop3", 6},
    ProtoInfo{Proto::kKrb5, "krb5", 0},      ProtoInfo{Proto::kDhcp, "dhcp", 17},
    ProtoInfo{Proto::kNtp, "ntp", 17},       ProtoInfo{Proto::kTftp, "tftp", 17},
    ProtoInfo{Proto::kIrc, "irc", 6},        ProtoInfo{Proto::kMqtt, "mqtt", 6},
    ProtoInfo{Proto::kModbus, "modbus", 6},  ProtoInfo{Proto::kDnp3, "dnp3", 6},
    ProtoInfo{Proto::kEnip, "enip", 0},      ProtoInfo{Proto::kHttp2, "http2", 6},
    ProtoInfo{Proto::kQuic, "quic", 17},     ProtoInfo{Proto::kRfb, "rfb", 6},
    ProtoInfo{Proto::kTcpPkt, "tcp-pkt", 6}, ProtoInfo{Proto::kUdpPkt, "udp-pkt", 17},
    ProtoInfo{Proto::kIcmpv4, "icmpv4", 1},  ProtoInfo{Proto::kIcmpv6, "icmpv6", 58},
    ProtoInfo{Proto::kTcpStream, "tcp-stream", 6}, ProtoInfo{Proto::kSctp, "sctp", 132},
    ProtoInfo{Proto::kIpv4, "ipv4", 0},      ProtoInfo{Proto::kIpv6, "ipv6", 0},
    ProtoInfo{Proto::kIpv4, "ip4", 0},       ProtoInfo{Proto::kIpv6, "ip6", 0},
    ProtoInfo{Proto::kHttp1, "http1", 6},    ProtoInfo{Proto::kPgsql, "pgsql", 6},
    ProtoInfo{Proto::kLlmnr, "llmnr", 0},
};

struct BufInfo {
  Buf b;
  std::string_view name;
  int dir;
  Proto proto;
};
constexpr std::array kBufs = {
    BufInfo{Buf::kPayload, "pkt_data", 0, Proto::kIp},
    BufInfo{Buf::kHttpUri, "http.uri", 1, Proto::kHttp},
    BufInfo{Buf::kHttpUriRaw, "http.uri.raw", 1, Proto::kHttp},
    BufInfo{Buf::kHttpMethod, "http.method", 1, Proto::kHttp},
    BufInfo{Buf::kHttpHost, "http.host", 1, Proto::kHttp},
    BufInfo{Buf::kHttpHostRaw, "http.host.raw", 1, Proto::kHttp},
    BufInfo{Buf::kHttpUserAgent, "http.user_agent", 1, Proto::kHttp},
    BufInfo{Buf::kHttpHeader, "http.header", 0, Proto::kHttp},
    BufInfo{Buf::kHttpHeaderRaw, "http.header.raw", 0, Proto::kHttp},
    BufInfo{Buf::kHttpHeaderNames, "http.header_names", 0, Proto::kHttp},
    BufInfo{Buf::kHttpCookie, "http.cookie", 0, Proto::kHttp},
    BufInfo{Buf::kHttpContentType, "http.content_type", 0, Proto::kHttp},
    BufInfo{Buf::kHttpContentLen, "http.content_len", 0, Proto::kHttp},
    BufInfo{Buf::kHttpRequestLine, "http.request_line", 1, Proto::kHttp},
    BufInfo{Buf::kHttpRequestBody, "http.request_body", 1, Proto::kHttp},
    BufInfo{Buf::kHttpStatCode, "http.stat_code", 2, Proto::kHttp},
    BufInfo{Buf::kHttpStatMsg, "http.stat_msg", 2, Proto::kHttp},
    BufInfo{Buf::kHttpResponseLine, "http.response_line", 2, Proto::kHttp},
    BufInfo{Buf::kHttpResponseBody, "http.response_body", 2, Proto::kHttp},
    BufInfo{Buf::kHttpStart, "http.start", 0, Proto::kHttp},
    BufInfo{Buf::kHttpReferer, "http.referer", 1, Proto::kHttp},
    BufInfo{Buf::kHttpAccept, "http.accept", 1, Proto::kHttp},
    BufInfo{Buf::kHttpAcceptEnc, "http.accept_enc", 1, Proto::kHttp},
    BufInfo{Buf::kHttpAcceptLang, "http.accept_lang", 1, Proto::kHttp},
    BufInfo{Buf::kHttpConnection, "http.connection", 0, Proto::kHttp},
    BufInfo{Buf::kHttpLocation, "http.location", 2, Proto::kHttp},
    BufInfo{Buf::kHttpServer, "http.server", 2, Proto::kHttp},
    BufInfo{Buf::kHttpProtocol, "http.protocol", 0, Proto::kHttp},
    BufInfo{Buf::kFileData, "file.data", 0, Proto::kIp},
    BufInfo{Buf::kDnsQuery, "dns.query", 1, Proto::kDns},
    // Suricata 8 multi-buffers: question names of requests and responses, answer names of responses.
    BufInfo{Buf::kDnsQueryName, "dns.query.name", 0, Proto::kDns},
    BufInfo{Buf::kDnsAnswerName, "dns.answer.name", 2, Proto::kDns},
    BufInfo{Buf::kTlsSni, "tls.sni", 1, Proto::kTls},
    BufInfo{Buf::kTlsCertSubject, "tls.cert_subject", 2, Proto::kTls},
    BufInfo{Buf::kTlsCertIssuer, "tls.cert_issuer", 2, Proto::kTls},
    BufInfo{Buf::kTlsCertSerial, "tls.cert_serial", 2, Proto::kTls},
    BufInfo{Buf::kTlsCertFingerprint, "tls.cert_fingerprint", 2, Proto::kTls},
    BufInfo{Buf::kTlsCerts, "tls.certs", 2, Proto::kTls},
    BufInfo{Buf::kTlsVersion, "tls.version", 0, Proto::kTls},
    BufInfo{Buf::kJa3Hash, "ja3.hash", 1, Proto::kTls},
    BufInfo{Buf::kJa3String, "ja3.string", 1, Proto::kTls},
    BufInfo{Buf::kJa3sHash, "ja3s.hash", 2, Proto::kTls},
    BufInfo{Buf::kJa3sString, "ja3s.string", 2, Proto::kTls},
    BufInfo{Buf::kSshSoftware, "ssh.software", 0, Proto::kSsh},
    BufInfo{Buf::kSshProto, "ssh.proto", 0, Proto::kSsh},
    BufInfo{Buf::kBase64Data, "base64_data", 0, Proto::kIp},
};
static_assert(kBufs.size() == kBufCount, "one row per buffer");

}  // namespace

bool proto_by_name(std::string_view name, Proto* out) {
  for (const auto& p : kProtos) {
    if (iequals(p.name, name)) {
      *out = p.p;
      return true;
    }
  }
  return false;
}

std::string_view proto_name(Proto p) {
  for (const auto& i : kProtos) {
    if (i.p == p) return i.name;
  }
  return "?";
}

uint8_t proto_transport(Proto p) {
  for (const auto& i : kProtos) {
    if (i.p == p) return i.transport;
  }
  return 0;
}

std::string_view buffer_name(Buf b) { return kBufs[static_cast<size_t>(b)].name; }
int buffer_direction(Buf b) { return kBufs[static_cast<size_t>(b)].dir; }
Proto buffer_proto(Buf b) { return kBufs[static_cast<size_t>(b)].proto; }

bool buffer_by_name(std::string_view name, Buf* out) {
  for (const auto& i : kBufs) {
    if (i.name == name) {
      *out = i.b;
      return true;
    }
  }
  return false;
}

bool parse_num_cmp(std::string_view text, int64_t max, NumCmp* out) {
  text = trim(text);
  NumCmp c;
  auto num = [max](std::string_view s, int64_t* v) {
    s = trim(s);
    if (s.empty()) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && *v >= 0 && *v <= max;
  };
  auto range_at = text.find("<>");
  if (range_at != std::string_view::npos) {
    c.op = NumCmp::kRange;
    if (!num(text.substr(0, range_at), &c.a) || !num(text.substr(range_at + 2), &c.b) || c.a >= c.b) {
      return false;
    }
    *out = c;
    return true;
  }
  if (text.starts_with("<=")) {
    c.op = NumCmp::kLe, text.remove_prefix(2);
  } else if (text.starts_with(">=")) {
    c.op = NumCmp::kGe, text.remove_prefix(2);
  } else if (text.starts_with("<")) {
    c.op = NumCmp::kLt, text.remove_prefix(1);
  } else if (text.starts_with(">")) {
    c.op = NumCmp::kGt, text.remove_prefix(1);
  } else if (text.starts_with("!")) {
    c.op = NumCmp::kNe, text.remove_prefix(1);
  } else if (text.starts_with("=")) {
    text.remove_prefix(1);
  }
  auto dash = text.find('-');
  if (c.op == NumCmp::kEq && dash != std::string_view::npos && dash > 0) {
    c.op = NumCmp::kRange;
    if (!num(text.substr(0, dash), &c.a) || !num(text.substr(dash + 1), &c.b) || c.a >= c.b) return false;
    *out = c;
    return true;
  }
  if (!num(text, &c.a)) return false;
  *out = c;
  return true;
}

}  // namespace picket::detect
