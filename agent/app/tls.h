#pragma once
// TLS handshake parsing: record-layer reassembly across segments, handshake messages spanning records,
// ClientHello, ServerHello and (TLS <= 1.2) the first certificate, JA3/JA3S.
//
//   picket::app::TlsParser tls(limits, counters);   // one per TCP flow (AppState owns it)
//   tls.feed(Direction::kToServer, bytes, sink);     // kTlsClientHello etc. events with e.tls == &tls
//   tls.tls_sni(); tls.ja3_hash(); tls.tls_cert_subject();
//
// After a ChangeCipherSpec in a direction, or once a TLS 1.3 ServerHello was seen, that direction's
// handshake records are encrypted: records are still framed (and counted) but not parsed.
// Certificates are decoded with OpenSSL's d2i_X509 (a well-kept library); each thread keeps its last 64
// decoded certificates keyed by SHA-1 (OpenSSL 3 spends ~100 us per decode, and servers present the same
// certificate to every client). A TlsParser is not thread-safe; one flow lives on one worker.
//
// JA3 (https://github.com/salesforce/ja3): "SSLVersion,Ciphers,Extensions,EllipticCurves,PointFormats",
// decimal values joined by '-', GREASE values (0x?a?a with equal bytes) left out everywhere; the hash is
// the lowercase MD5 hex of the string. JA3S: "SSLVersion,Cipher,Extensions". SSLVersion is the hello's
// legacy version field (771 for TLS 1.2 and 1.3 hellos), as the JA3 definition says.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/app/app_event.h"
#include "agent/app/types.h"

namespace picket::app {

struct TlsClientHello {
  bool present = false;
  uint16_t legacy_version = 0;
  std::vector<uint16_t> cipher_suites;      // as sent, GREASE included
  std::vector<uint16_t> extensions;         // extension types in order, GREASE included
  std::vector<uint16_t> supported_versions; // from supported_versions (43)
  std::vector<uint16_t> supported_groups;   // from supported_groups (10)
  std::vector<uint8_t> ec_point_formats;    // from ec_point_formats (11)
  std::vector<std::string> alpn;            // from ALPN (16)
  std::string sni;                          // first host_name in server_name (0), as sent
  std::string ja3_string;
  std::string ja3_hash;
};

struct TlsServerHello {
  bool present = false;
  uint16_t legacy_version = 0;
  uint16_t cipher_suite = 0;
  std::vector<uint16_t> extensions;
  uint16_t selected_version = 0;  // from supported_versions, 0 when absent
  std::string alpn;
  std::string ja3s_string;
  std::string ja3s_hash;
};

struct TlsCertificate {
  bool present = false;
  std::string subject;      // "C=US, O=Example, CN=www.example.com" (cert order, ", " separated)
  std::string issuer;
  std::string serial;       // uppercase hex bytes joined by ':' ("00:E2:1F")
  std::string fingerprint;  // SHA-1 of the DER, lowercase hex joined by ':'
  std::string not_before;   // "2016-01-01T00:00:00" (UTC)
  std::string not_after;
  size_t chain_length = 0;  // certificates in the message
};

// "TLS 1.2", "TLS 1.3", "TLS 1.1", "TLS 1.0", "SSLv3", "SSLv2", else "0x%04x".
std::string tls_version_name(uint16_t version);
// JA3 helpers, pure (exposed for tests).
bool tls_is_grease(uint16_t v);
std::string ja3_string(const TlsClientHello& hello);
std::string ja3s_string(const TlsServerHello& hello);
std::string md5_hex(std::string_view data);

// Parses a ClientHello/ServerHello/Certificate handshake body (after the 4-byte handshake header).
bool parse_client_hello(std::span<const uint8_t> body, const AppLimits& limits, TlsClientHello& out);
bool parse_server_hello(std::span<const uint8_t> body, const AppLimits& limits, TlsServerHello& out);
bool parse_certificate_message(std::span<const uint8_t> body, TlsCertificate& out);

class TlsParser {
 public:
  TlsParser(const AppLimits& limits, AppCounters& counters);
  void feed(Direction dir, std::span<const uint8_t> data, AppEventSink* sink);

  const TlsClientHello& client_hello() const { return client_hello_; }
  const TlsServerHello& server_hello() const { return server_hello_; }
  const TlsCertificate& certificate() const { return cert_; }
  // The negotiated version: ServerHello's supported_versions, else its legacy version; before the
  // ServerHello, the ClientHello's legacy version. 0 when nothing was seen.
  uint16_t version() const;

  // --- sticky buffers (Suricata names) ---
  std::string_view tls_sni() const { return client_hello_.sni; }
  std::string_view tls_cert_subject() const { return cert_.subject; }
  std::string_view tls_cert_issuer() const { return cert_.issuer; }
  std::string_view tls_cert_serial() const { return cert_.serial; }
  std::string_view tls_cert_fingerprint() const { return cert_.fingerprint; }
  std::string_view tls_version() const { return version_name_; }
  std::string_view ja3_hash() const { return client_hello_.ja3_hash; }
  std::string_view ja3_string() const { return client_hello_.ja3_string; }
  std::string_view ja3s_hash() const { return server_hello_.ja3s_hash; }
  std::string_view ja3s_string() const { return server_hello_.ja3s_string; }

  bool encrypted(Direction d) const { return sides_[dir_index(d)].encrypted; }
  bool failed(Direction d) const { return sides_[dir_index(d)].failed; }

 private:
  struct Side {
    std::vector<uint8_t> record;     // partial record (header + fragment)
    std::vector<uint8_t> handshake;  // handshake bytes spanning records
    size_t skip = 0;                 // bytes of the current record still to skip (not buffered)
    bool encrypted = false;
    bool failed = false;
    bool done_event = false;
  };
  void on_record(Direction dir, uint8_t type, std::span<const uint8_t> fragment, AppEventSink* sink);
  void on_handshake(Direction dir, uint8_t type, std::span<const uint8_t> body, AppEventSink* sink);
  void emit(Direction dir, AppEventKind kind, AppEventSink* sink);
  void update_version();

  const AppLimits& limits_;
  AppCounters& counters_;
  Side sides_[2];
  TlsClientHello client_hello_;
  TlsServerHello server_hello_;
  TlsCertificate cert_;
  std::string version_name_;
};

}  // namespace picket::app
