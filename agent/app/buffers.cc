#include "agent/app/buffers.h"

#include <array>

namespace picket::app {
namespace {

using B = StickyBuffer;
using D = BufferDirs;

constexpr std::array<StickyBufferInfo, static_cast<size_t>(B::kCount)> kInfo = {{
    {"http.uri", B::kHttpUri, AppProto::kHttp, D::kToServer},
    {"http.uri.raw", B::kHttpUriRaw, AppProto::kHttp, D::kToServer},
    {"http.method", B::kHttpMethod, AppProto::kHttp, D::kToServer},
    {"http.host", B::kHttpHost, AppProto::kHttp, D::kToServer},
    {"http.host.raw", B::kHttpHostRaw, AppProto::kHttp, D::kToServer},
    {"http.user_agent", B::kHttpUserAgent, AppProto::kHttp, D::kToServer},
    {"http.header", B::kHttpHeader, AppProto::kHttp, D::kBoth},
    {"http.header.raw", B::kHttpHeaderRaw, AppProto::kHttp, D::kBoth},
    {"http.header_names", B::kHttpHeaderNames, AppProto::kHttp, D::kBoth},
    {"http.cookie", B::kHttpCookie, AppProto::kHttp, D::kBoth},
    {"http.content_type", B::kHttpContentType, AppProto::kHttp, D::kBoth},
    {"http.request_line", B::kHttpRequestLine, AppProto::kHttp, D::kToServer},
    {"http.request_body", B::kHttpRequestBody, AppProto::kHttp, D::kToServer},
    {"http.stat_code", B::kHttpStatCode, AppProto::kHttp, D::kToClient},
    {"http.stat_msg", B::kHttpStatMsg, AppProto::kHttp, D::kToClient},
    {"http.response_line", B::kHttpResponseLine, AppProto::kHttp, D::kToClient},
    {"http.response_body", B::kHttpResponseBody, AppProto::kHttp, D::kToClient},
    {"http.server", B::kHttpServer, AppProto::kHttp, D::kToClient},
    {"http.referer", B::kHttpReferer, AppProto::kHttp, D::kToServer},
    {"http.accept", B::kHttpAccept, AppProto::kHttp, D::kToServer},
    {"http.content_len", B::kHttpContentLen, AppProto::kHttp, D::kBoth},
    {"http.protocol", B::kHttpProtocol, AppProto::kHttp, D::kBoth},
    {"http.start", B::kHttpStart, AppProto::kHttp, D::kBoth},
    {"file.data", B::kFileData, AppProto::kHttp, D::kToClient},
    {"dns.query", B::kDnsQuery, AppProto::kDns, D::kToServer},
    {"tls.sni", B::kTlsSni, AppProto::kTls, D::kToServer},
    {"tls.cert_subject", B::kTlsCertSubject, AppProto::kTls, D::kToClient},
    {"tls.cert_issuer", B::kTlsCertIssuer, AppProto::kTls, D::kToClient},
    {"tls.cert_serial", B::kTlsCertSerial, AppProto::kTls, D::kToClient},
    {"tls.cert_fingerprint", B::kTlsCertFingerprint, AppProto::kTls, D::kToClient},
    {"tls.version", B::kTlsVersion, AppProto::kTls, D::kBoth},
    {"ja3.hash", B::kJa3Hash, AppProto::kTls, D::kToServer},
    {"ja3.string", B::kJa3String, AppProto::kTls, D::kToServer},
    {"ja3s.hash", B::kJa3sHash, AppProto::kTls, D::kToClient},
    {"ja3s.string", B::kJa3sString, AppProto::kTls, D::kToClient},
}};

struct Alias {
  std::string_view name;
  B id;
};
constexpr Alias kAliases[] = {
    {"http_uri", B::kHttpUri},
    {"uricontent", B::kHttpUri},
    {"http_raw_uri", B::kHttpUriRaw},
    {"http_method", B::kHttpMethod},
    {"http_host", B::kHttpHost},
    {"http_raw_host", B::kHttpHostRaw},
    {"http_user_agent", B::kHttpUserAgent},
    {"http_header", B::kHttpHeader},
    {"http_raw_header", B::kHttpHeaderRaw},
    {"http_header_names", B::kHttpHeaderNames},
    {"http_cookie", B::kHttpCookie},
    {"http_content_type", B::kHttpContentType},
    {"http_request_line", B::kHttpRequestLine},
    {"http_client_body", B::kHttpRequestBody},
    {"http_stat_code", B::kHttpStatCode},
    {"http_stat_msg", B::kHttpStatMsg},
    {"http_response_line", B::kHttpResponseLine},
    {"http_server_body", B::kHttpResponseBody},
    {"http_server", B::kHttpServer},
    {"http_referer", B::kHttpReferer},
    {"http_accept", B::kHttpAccept},
    {"http_content_len", B::kHttpContentLen},
    {"http_protocol", B::kHttpProtocol},
    {"http_start", B::kHttpStart},
    {"file_data", B::kFileData},
    {"dns_query", B::kDnsQuery},
    {"tls_sni", B::kTlsSni},
    {"tls_cert_subject", B::kTlsCertSubject},
    {"tls_cert_issuer", B::kTlsCertIssuer},
    {"tls_cert_serial", B::kTlsCertSerial},
    {"tls_cert_fingerprint", B::kTlsCertFingerprint},
    {"ja3_hash", B::kJa3Hash},
    {"ja3_string", B::kJa3String},
    {"ja3s_hash", B::kJa3sHash},
    {"ja3s_string", B::kJa3sString},
};

}  // namespace

std::optional<StickyBuffer> sticky_buffer_from_name(std::string_view name) {
  for (const StickyBufferInfo& i : kInfo) {
    if (i.name == name) return i.id;
  }
  for (const Alias& a : kAliases) {
    if (a.name == name) return a.id;
  }
  return std::nullopt;
}

const StickyBufferInfo& sticky_buffer_info(StickyBuffer b) { return kInfo[static_cast<size_t>(b)]; }

std::string_view http_buffer(const HttpTx& tx, StickyBuffer b, Direction dir) {
  switch (b) {
    case B::kHttpUri: return tx.http_uri();
    case B::kHttpUriRaw: return tx.http_uri_raw();
    case B::kHttpMethod: return tx.http_method();
    case B::kHttpHost: return tx.http_host();
    case B::kHttpHostRaw: return tx.http_host_raw();
    case B::kHttpUserAgent: return tx.http_user_agent();
    case B::kHttpHeader: return tx.http_header(dir);
    case B::kHttpHeaderRaw: return tx.http_header_raw(dir);
    case B::kHttpHeaderNames: return tx.http_header_names(dir);
    case B::kHttpCookie: return tx.http_cookie(dir);
    case B::kHttpContentType: return tx.http_content_type(dir);
    case B::kHttpRequestLine: return tx.http_request_line();
    case B::kHttpRequestBody: return tx.http_request_body();
    case B::kHttpStatCode: return tx.http_stat_code();
    case B::kHttpStatMsg: return tx.http_stat_msg();
    case B::kHttpResponseLine: return tx.http_response_line();
    case B::kHttpResponseBody: return tx.http_response_body();
    case B::kHttpServer: return tx.http_server();
    case B::kHttpReferer: return tx.http_referer();
    case B::kHttpAccept: return tx.http_accept();
    case B::kHttpContentLen: return tx.http_content_len(dir);
    case B::kHttpProtocol: return tx.http_protocol(dir);
    case B::kHttpStart: return tx.http_start(dir);
    case B::kFileData: return tx.file_data();
    default: return {};
  }
}

std::string_view tls_buffer(const TlsParser& tls, StickyBuffer b) {
  switch (b) {
    case B::kTlsSni: return tls.tls_sni();
    case B::kTlsCertSubject: return tls.tls_cert_subject();
    case B::kTlsCertIssuer: return tls.tls_cert_issuer();
    case B::kTlsCertSerial: return tls.tls_cert_serial();
    case B::kTlsCertFingerprint: return tls.tls_cert_fingerprint();
    case B::kTlsVersion: return tls.tls_version();
    case B::kJa3Hash: return tls.ja3_hash();
    case B::kJa3String: return tls.ja3_string();
    case B::kJa3sHash: return tls.ja3s_hash();
    case B::kJa3sString: return tls.ja3s_string();
    default: return {};
  }
}

std::string_view dns_buffer(const DnsMessage& msg, StickyBuffer b, size_t index) {
  if (b == B::kDnsQuery) return msg.dns_query(index);
  return {};
}

}  // namespace picket::app
