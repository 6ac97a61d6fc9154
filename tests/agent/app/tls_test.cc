// Tests agent/app/tls_*.cc: record and handshake reassembly, ClientHello/ServerHello fields, JA3/JA3S
// (against the published example from the JA3 README), certificates made with OpenSSL in the test.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "agent/app/tls.h"
#include "tests/agent/app/test_util.h"

namespace picket::app {
namespace {

using Bytes = std::vector<uint8_t>;

void put8(Bytes& b, size_t v) { b.push_back(static_cast<uint8_t>(v)); }
void put16(Bytes& b, size_t v) {
  put8(b, v >> 8);
  put8(b, v & 0xff);
}
void put24(Bytes& b, size_t v) {
  put8(b, v >> 16);
  put16(b, v & 0xffff);
}
void append(Bytes& b, const Bytes& x) { b.insert(b.end(), x.begin(), x.end()); }

Bytes ext(uint16_t type, const Bytes& data) {
  Bytes b;
  put16(b, type);
  put16(b, data.size());
  append(b, data);
  return b;
}

Bytes handshake(uint8_t type, const Bytes& body) {
  Bytes b;
  put8(b, type);
  put24(b, body.size());
  append(b, body);
  return b;
}

Bytes record(uint8_t type, const Bytes& body, uint16_t version = 0x0301) {
  Bytes b;
  put8(b, type);
  put16(b, version);
  put16(b, body.size());
  append(b, body);
  return b;
}

// The JA3 README's example fields, plus GREASE values that JA3 must ignore.
Bytes ja3_example_client_hello(const std::string& sni) {
  Bytes body;
  put16(body, 0x0301);  // 769
  body.insert(body.end(), 32, 0x42);
  put8(body, 0);  // session id
  std::vector<uint16_t> ciphers = {0x0a0a, 47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4};
  put16(body, ciphers.size() * 2);
  for (uint16_t c : ciphers) put16(body, c);
  put8(body, 1);
  put8(body, 0);  // null compression
  Bytes exts;
  append(exts, ext(0x1a1a, {}));
  Bytes sni_list;
  put8(sni_list, 0);
  put16(sni_list, sni.size());
  sni_list.insert(sni_list.end(), sni.begin(), sni.end());
  Bytes sni_ext;
  put16(sni_ext, sni_list.size());
  append(sni_ext, sni_list);
  append(exts, ext(0, sni_ext));
  Bytes groups;
  put16(groups, 8);
  for (uint16_t g : {0x2a2a, 23, 24, 25}) put16(groups, g);
  append(exts, ext(10, groups));
  append(exts, ext(11, {1, 0}));
  put16(body, exts.size());
  append(body, exts);
  return handshake(1, body);
}

constexpr char kJa3Example[] = "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0";
constexpr char kJa3ExampleHash[] = "ada70206e40642a3e4461f35503241d5";  // published with the JA3 README

Bytes server_hello(bool tls13) {
  Bytes body;
  put16(body, 0x0303);
  body.insert(body.end(), 32, 0x11);
  put8(body, 0);
  put16(body, 0xc02f);
  put8(body, 0);
  Bytes exts;
  append(exts, ext(0xff01, {0}));
  append(exts, ext(16, {0, 3, 2, 'h', '2'}));
  if (tls13) append(exts, ext(43, {0x03, 0x04}));
  append(exts, ext(11, {1, 0}));
  put16(body, exts.size());
  append(body, exts);
  return handshake(2, body);
}

struct Cert {
  Bytes der;
  std::string sha1;
};

Cert make_cert() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  EXPECT_TRUE(key);
  std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
  X509_set_version(x.get(), 2);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(nullptr, BN_free);
  BIGNUM* raw = nullptr;
  BN_hex2bn(&raw, "8F0102");
  bn.reset(raw);
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x.get()));
  ASN1_TIME_set_string(X509_getm_notBefore(x.get()), "20240102030405Z");
  ASN1_TIME_set_string(X509_getm_notAfter(x.get()), "20340102030405Z");
  X509_NAME* subj = X509_get_subject_name(x.get());
  auto add = [](X509_NAME* n, const char* f, const char* v) {
    X509_NAME_add_entry_by_txt(n, f, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(v), -1, -1, 0);
  };
  add(subj, "C", "US");
  add(subj, "O", "Picket Test");
  add(subj, "CN", "www.example.com");
  X509_NAME* iss = X509_get_issuer_name(x.get());
  add(iss, "C", "US");
  add(iss, "O", "Picket CA");
  add(iss, "CN", "Picket Root");
  X509_set_pubkey(x.get(), key.get());
  EXPECT_GT(X509_sign(x.get(), key.get(), EVP_sha256()), 0);
  unsigned char* der = nullptr;
  int n = i2d_X509(x.get(), &der);
  Cert c;
  c.der.assign(der, der + n);
  OPENSSL_free(der);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(c.der.data(), c.der.size(), md, &len, EVP_sha1(), nullptr);
  char buf[4];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof(buf), i == 0 ? "%02x" : ":%02x", md[i]);
    c.sha1 += buf;
  }
  return c;
}

Bytes certificate_message(const Bytes& der) {
  Bytes list;
  put24(list, der.size());
  append(list, der);
  put24(list, 3);
  append(list, {1, 2, 3});  // a second (bogus) certificate: only the first is decoded
  Bytes body;
  put24(body, list.size());
  append(body, list);
  return handshake(11, body);
}

TEST(AppTls, Ja3MatchesPublishedExample) {
  AppLimits limits;
  TlsClientHello ch;
  Bytes hs = ja3_example_client_hello("example.org");
  ASSERT_TRUE(parse_client_hello(std::span<const uint8_t>(hs).subspan(4), limits, ch));
  EXPECT_EQ(ch.ja3_string, kJa3Example);
  EXPECT_EQ(ch.ja3_hash, kJa3ExampleHash);
  EXPECT_EQ(md5_hex(kJa3Example), kJa3ExampleHash);
  EXPECT_EQ(ch.sni, "example.org");
  EXPECT_EQ(ch.cipher_suites.size(), 13u);  // GREASE kept in the raw list
  EXPECT_TRUE(tls_is_grease(0x0a0a));
  EXPECT_TRUE(tls_is_grease(0xfafa));
  EXPECT_FALSE(tls_is_grease(0x0a1a));
}

TEST(AppTls, ClientHelloAcrossRecordsAtEverySplit) {
  Bytes hs = ja3_example_client_hello("split.example.net");
  // The handshake message spans two records; then the stream is cut at every byte.
  Bytes stream = record(22, Bytes(hs.begin(), hs.begin() + 30));
  append(stream, record(22, Bytes(hs.begin() + 30, hs.end())));
  for (size_t split = 0; split <= stream.size(); ++split) {
    AppLimits limits;
    AppCounters c;
    TlsParser tls(limits, c);
    test::RecordingSink sink;
    std::span<const uint8_t> all(stream);
    tls.feed(Direction::kToServer, all.first(split), &sink);
    tls.feed(Direction::kToServer, all.subspan(split), &sink);
    ASSERT_EQ(sink.count(AppEventKind::kTlsClientHello), 1u) << split;
    EXPECT_EQ(tls.tls_sni(), "split.example.net");
    EXPECT_EQ(tls.ja3_hash(), kJa3ExampleHash);
    EXPECT_EQ(tls.tls_version(), "TLS 1.0");
  }
}

// Application-data records split across segments are skipped without buffering; the record boundaries
// stay right, so a record after them is still parsed (here a ClientHello after 9000 bytes of app data in
// 7-byte pieces, which only happens in a test, but proves the byte accounting).
TEST(AppTls, ApplicationDataSkippedAcrossSegments) {
  Bytes stream = record(23, Bytes(9000, 0xAB), 0x0303);
  append(stream, record(23, Bytes(5, 0xCD), 0x0303));
  const size_t app_bytes = stream.size();
  append(stream, record(22, ja3_example_client_hello("after.example")));
  AppLimits limits;
  AppCounters c;
  TlsParser tls(limits, c);
  test::RecordingSink sink;
  std::span<const uint8_t> all(stream);
  for (size_t pos = 0; pos < app_bytes; pos += 7) {
    tls.feed(Direction::kToServer, all.subspan(pos, std::min<size_t>(7, app_bytes - pos)), &sink);
  }
  EXPECT_EQ(c.tls_records, 2u);
  EXPECT_EQ(c.tls_bad_record, 0u);
  tls.feed(Direction::kToServer, all.subspan(app_bytes), &sink);
  EXPECT_EQ(c.tls_records, 3u);
  EXPECT_EQ(c.tls_bad_record, 0u);
  // The direction is encrypted after application data, so the late hello is counted but not parsed.
  EXPECT_EQ(sink.count(AppEventKind::kTlsClientHello), 0u);
}

TEST(AppTls, ServerFlightWithCertificateOneByteAtATime) {
  Cert cert = make_cert();
  Bytes flight;
  Bytes hs = server_hello(false);
  append(hs, certificate_message(cert.der));
  append(hs, handshake(14, {}));  // ServerHelloDone
  // Records of at most 100 bytes, so the certificate spans many.
  for (size_t i = 0; i < hs.size(); i += 100) {
    append(flight, record(22, Bytes(hs.begin() + i, hs.begin() + std::min(hs.size(), i + 100)), 0x0303));
  }
  append(flight, record(20, {1}, 0x0303));
  append(flight, record(22, Bytes(40, 0xee), 0x0303));  // encrypted Finished: must not be parsed
  AppLimits limits;
  AppCounters c;
  TlsParser tls(limits, c);
  test::RecordingSink sink;
  Bytes client = ja3_example_client_hello("www.example.com");
  tls.feed(Direction::kToServer, record(22, client), &sink);
  for (uint8_t b : flight) tls.feed(Direction::kToClient, std::span<const uint8_t>(&b, 1), &sink);
  EXPECT_EQ(sink.count(AppEventKind::kTlsServerHello), 1u);
  EXPECT_EQ(sink.count(AppEventKind::kTlsCertificate), 1u);
  EXPECT_EQ(tls.ja3s_string(), "771,49199,65281-16-11");
  EXPECT_EQ(tls.ja3s_hash(), md5_hex("771,49199,65281-16-11"));
  EXPECT_EQ(tls.server_hello().alpn, "h2");
  EXPECT_EQ(tls.tls_version(), "TLS 1.2");
  EXPECT_EQ(tls.tls_cert_subject(), "C=US, O=Picket Test, CN=www.example.com");
  EXPECT_EQ(tls.tls_cert_issuer(), "C=US, O=Picket CA, CN=Picket Root");
  EXPECT_EQ(tls.tls_cert_serial(), "00:8F:01:02");
  EXPECT_EQ(tls.tls_cert_fingerprint(), cert.sha1);
  EXPECT_EQ(tls.certificate().not_before, "2024-01-02T03:04:05");
  EXPECT_EQ(tls.certificate().not_after, "2034-01-02T03:04:05");
  EXPECT_EQ(tls.certificate().chain_length, 2u);
  EXPECT_TRUE(tls.encrypted(Direction::kToClient));
  EXPECT_EQ(c.tls_bad_handshake + c.tls_bad_record + c.tls_bad_certificate, 0u);
  // A second flow with the same certificate (served from the per-thread decode cache) sees the same fields.
  TlsCertificate again;
  Bytes cm = certificate_message(cert.der);
  ASSERT_TRUE(parse_certificate_message(std::span<const uint8_t>(cm).subspan(4), again));
  EXPECT_EQ(again.subject, tls.tls_cert_subject());
  EXPECT_EQ(again.serial, tls.tls_cert_serial());
  EXPECT_EQ(again.fingerprint, cert.sha1);
  EXPECT_EQ(again.chain_length, 2u);
  // The client's CCS completes the handshake.
  tls.feed(Direction::kToServer, record(20, {1}, 0x0303), &sink);
  EXPECT_EQ(sink.count(AppEventKind::kTlsHandshakeDone), 1u);
}

TEST(AppTls, Tls13VersionFromSupportedVersions) {
  AppLimits limits;
  AppCounters c;
  TlsParser tls(limits, c);
  Bytes flight = record(22, server_hello(true), 0x0303);
  append(flight, record(20, {1}, 0x0303));
  append(flight, record(23, Bytes(50, 0x99), 0x0303));
  tls.feed(Direction::kToClient, flight, nullptr);
  EXPECT_EQ(tls.tls_version(), "TLS 1.3");
  EXPECT_EQ(tls.ja3s_string(), "771,49199,65281-16-43-11");
  EXPECT_TRUE(tls.encrypted(Direction::kToClient));
}

TEST(AppTls, MalformedInputIsCountedNotFatal) {
  AppLimits limits;
  AppCounters c;
  {
    TlsParser tls(limits, c);
    Bytes junk = {0x47, 0x45, 0x54, 0x20, 0x2f, 0x20};
    tls.feed(Direction::kToServer, junk, nullptr);
    EXPECT_EQ(c.tls_bad_record, 1u);
    EXPECT_TRUE(tls.failed(Direction::kToServer));
    tls.feed(Direction::kToServer, junk, nullptr);
    EXPECT_EQ(c.tls_data_after_error, 1u);
  }
  {
    TlsParser tls(limits, c);
    Bytes v2 = {0x80, 0x2e, 0x01, 0x00, 0x02};  // SSLv2 ClientHello header
    tls.feed(Direction::kToServer, v2, nullptr);
    EXPECT_EQ(c.tls_sslv2, 1u);
  }
  {
    TlsParser tls(limits, c);
    tls.feed(Direction::kToClient, record(22, ja3_example_client_hello("x")), nullptr);
    EXPECT_EQ(c.tls_bad_handshake, 1u);  // a ClientHello from the server
    EXPECT_EQ(tls.tls_sni(), "");
  }
  {
    TlsParser tls(limits, c);
    Bytes huge = {22, 3, 1, 0xff, 0xff};
    tls.feed(Direction::kToServer, huge, nullptr);
    EXPECT_EQ(c.tls_record_too_long, 1u);
  }
  {
    limits.tls_max_handshake_message = 1000;
    TlsParser tls(limits, c);
    Bytes hs = {1, 0x10, 0, 0};  // claims 1 MiB
    tls.feed(Direction::kToServer, record(22, hs), nullptr);
    EXPECT_EQ(c.tls_handshake_too_long, 1u);
  }
  {
    AppLimits l2;
    TlsParser tls(l2, c);
    Bytes body = {3, 1, 0};  // truncated ClientHello
    tls.feed(Direction::kToServer, record(22, handshake(1, body)), nullptr);
    EXPECT_EQ(c.tls_bad_client_hello, 1u);
  }
  {
    AppLimits l2;
    TlsParser tls(l2, c);
    Bytes bogus = {0, 0, 6, 0, 0, 3, 1, 2, 3};
    tls.feed(Direction::kToClient, record(22, handshake(11, bogus)), nullptr);
    EXPECT_EQ(c.tls_bad_certificate, 1u);
    EXPECT_EQ(tls.tls_cert_subject(), "");
  }
}

TEST(AppTls, VersionNames) {
  EXPECT_EQ(tls_version_name(0x0304), "TLS 1.3");
  EXPECT_EQ(tls_version_name(0x0300), "SSLv3");
  EXPECT_EQ(tls_version_name(0x7f1c), "0x7f1c");
}

}  // namespace
}  // namespace picket::app
