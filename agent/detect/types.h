#pragma once
// Small shared vocabulary of the detection engine: actions, protocols, inspection buffers and numeric
// comparisons. Plain values; any thread may use them.
//
//   detect::Buf b;
//   if (detect::buffer_by_name("http.uri", &b)) { ... }
#include <cstdint>
#include <string_view>

namespace picket::detect {

enum class Action : uint8_t { kAlert, kPass, kDrop, kReject };

// The protocol in a rule header. kIp/kTcp/kUdp/kIcmp match on the packet; the others on the detected
// application protocol of the flow (and imply tcp or udp as the app protocol does).
enum class Proto : uint8_t {
  kIp, kTcp, kUdp, kIcmp, kHttp, kDns, kTls, kSmtp, kFtp, kSsh, kSmb, kDcerpc, kNfs, kSnmp, kSip, kRdp,
  kImap, kPop3, kKrb5, kDhcp, kNtp, kTftp, kIrc, kMqtt, kModbus, kDnp3, kEnip, kHttp2, kQuic, kRfb, kTcpPkt,
  kUdpPkt, kIcmpv4, kIcmpv6, kTcpStream, kSctp, kIpv4, kIpv6, kHttp1, kPgsql, kLlmnr,
};
// Does a flow whose detected protocol is `flow` satisfy a rule header protocol `rule`? Equal, or "http"
// (HTTP/1 or HTTP/2) for an HTTP/2 flow, as in Suricata; "http1" only HTTP/1 flows (carried as kHttp).
inline bool app_proto_satisfies(Proto rule, Proto flow) {
  return rule == flow || (rule == Proto::kHttp && flow == Proto::kHttp2) ||
         (rule == Proto::kHttp1 && flow == Proto::kHttp);
}
bool proto_by_name(std::string_view name, Proto* out);
std::string_view proto_name(Proto p);
// The transport an application protocol runs on: 6 (tcp), 17 (udp) or 0 (either / any IP).
uint8_t proto_transport(Proto p);
inline bool proto_is_app(Proto p) {
  return p != Proto::kIp && p != Proto::kTcp && p != Proto::kUdp && p != Proto::kIcmp && p != Proto::kTcpPkt &&
         p != Proto::kUdpPkt && p != Proto::kIcmpv4 && p != Proto::kIcmpv6 && p != Proto::kTcpStream &&
         p != Proto::kSctp && p != Proto::kIpv4 && p != Proto::kIpv6;
}

// Inspection buffers. kPayload is the packet payload or reassembled stream data (a content without a
// sticky buffer); the others are filled from application-layer transactions.
enum class Buf : uint8_t {
  kPayload,
  kHttpUri, kHttpUriRaw, kHttpMethod, kHttpHost, kHttpHostRaw, kHttpUserAgent, kHttpHeader, kHttpHeaderRaw,
  kHttpHeaderNames, kHttpCookie, kHttpContentType, kHttpContentLen, kHttpRequestLine, kHttpRequestBody,
  kHttpStatCode, kHttpStatMsg, kHttpResponseLine, kHttpResponseBody, kHttpStart, kHttpReferer, kHttpAccept,
  kHttpAcceptEnc, kHttpAcceptLang, kHttpConnection, kHttpLocation, kHttpServer, kHttpProtocol,
  kFileData, kDnsQuery, kDnsQueryName, kDnsAnswerName, kTlsSni, kTlsCertSubject, kTlsCertIssuer, kTlsCertSerial, kTlsCertFingerprint,
  kTlsCerts, kTlsVersion, kJa3Hash, kJa3String, kJa3sHash, kJa3sString, kSshSoftware, kSshProto,
  kBase64Data,
  kCount,
};
inline constexpr int kBufCount = static_cast<int>(Buf::kCount);
std::string_view buffer_name(Buf b);
// Canonical name ("http.uri") or legacy sticky spelling ("http_uri" is a modifier, see keywords).
bool buffer_by_name(std::string_view name, Buf* out);
// The transaction side a buffer comes from: 1 to_server, 2 to_client, 0 either/packet.
int buffer_direction(Buf b);
// The application protocol a buffer implies (kIp when none).
Proto buffer_proto(Buf b);

// A numeric comparison as written in dsize, ttl, bsize, urilen, itype...: "N", "<N", ">N", "<=N", ">=N",
// "!N", "A<>B" (exclusive range) and "A-B" (inclusive, urilen style is exclusive; see parse).
struct NumCmp {
  enum Op : uint8_t { kEq, kLt, kGt, kLe, kGe, kNe, kRange } op = kEq;
  int64_t a = 0;
  int64_t b = 0;
  bool match(int64_t v) const {
    switch (op) {
      case kEq: return v == a;
      case kLt: return v < a;
      case kGt: return v > a;
      case kLe: return v <= a;
      case kGe: return v >= a;
      case kNe: return v != a;
      case kRange: return v > a && v < b;
    }
    return false;
  }
};
// Parses a comparison; `range_dash` lets "A-B" mean an exclusive range too. False on a bad value.
bool parse_num_cmp(std::string_view text, int64_t max, NumCmp* out);

}  // namespace picket::detect
