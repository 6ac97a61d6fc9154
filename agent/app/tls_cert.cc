// First certificate of a TLS <= 1.2 Certificate message, decoded with OpenSSL (d2i_X509).
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <memory>

#include "agent/app/tls.h"

namespace picket::app {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

// "C=US, O=Example, CN=host": attributes in certificate order, short names, ", " between RDNs, values
// as UTF-8 with control characters escaped (no RFC 2253 escaping of ',' or '+').
std::string name_to_string(const X509_NAME* name) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  unsigned long flags = XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | ASN1_STRFLGS_UTF8_CONVERT | ASN1_STRFLGS_ESC_CTRL |
                        ASN1_STRFLGS_DUMP_UNKNOWN | ASN1_STRFLGS_DUMP_DER;
  if (X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) return {};
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<size_t>(len));
}

std::string hex_join(const unsigned char* p, size_t n, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(n * 3);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out.push_back(':');
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 0xf]);
  }
  return out;
}

std::string time_to_string(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

// Decoding a certificate with OpenSSL 3 costs ~100 us (its key decoders take locks); servers present the
// same certificate to every client, so each worker thread keeps the last few decoded ones, keyed by the
// SHA-1 of the DER (which we compute anyway for the fingerprint).
constexpr size_t kCacheSlots = 64;
struct CacheSlot {
  std::string fingerprint;
  TlsCertificate cert;
};
thread_local std::array<CacheSlot, kCacheSlots> t_cache;

}  // namespace

bool parse_certificate_message(std::span<const uint8_t> body, TlsCertificate& out) {
  out = TlsCertificate{};
  if (body.size() < 3) return false;
  size_t total = (size_t{body[0]} << 16) | (size_t{body[1]} << 8) | body[2];
  if (total + 3 > body.size()) return false;
  std::span<const uint8_t> list = body.subspan(3, total);
  std::span<const uint8_t> first;
  size_t pos = 0;
  while (pos + 3 <= list.size()) {
    size_t len = (size_t{list[pos]} << 16) | (size_t{list[pos + 1]} << 8) | list[pos + 2];
    if (pos + 3 + len > list.size()) return false;
    if (out.chain_length == 0) first = list.subspan(pos + 3, len);
    ++out.chain_length;
    pos += 3 + len;
  }
  if (first.empty()) return false;
  static EVP_MD* const kSha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (kSha1 == nullptr || EVP_Digest(first.data(), first.size(), md, &md_len, kSha1, nullptr) != 1) return false;
  std::string fingerprint = hex_join(md, md_len, false);
  CacheSlot& slot = t_cache[(size_t{md[0]} | (size_t{md[1]} << 8)) % kCacheSlots];
  if (slot.fingerprint == fingerprint) {
    size_t chain = out.chain_length;
    out = slot.cert;
    out.chain_length = chain;
    return true;
  }
  const unsigned char* p = first.data();
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(first.size())));
  if (!cert) return false;
  out.subject = name_to_string(X509_get_subject_name(cert.get()));
  out.issuer = name_to_string(X509_get_issuer_name(cert.get()));
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  if (serial != nullptr) {
    // The INTEGER's DER content octets (a leading 00 kept), as the certificate carries them.
    unsigned char* der = nullptr;
    int n = i2d_ASN1_INTEGER(serial, &der);
    if (n > 2 && der != nullptr) {
      size_t off = 2;
      if (der[1] & 0x80) off = 2 + (der[1] & 0x7f);
      if (off < static_cast<size_t>(n)) out.serial = hex_join(der + off, static_cast<size_t>(n) - off, true);
    }
    OPENSSL_free(der);
  }
  out.fingerprint = std::move(fingerprint);
  out.not_before = time_to_string(X509_get0_notBefore(cert.get()));
  out.not_after = time_to_string(X509_get0_notAfter(cert.get()));
  out.present = true;
  slot.fingerprint = out.fingerprint;
  slot.cert = out;
  return true;
}

}  // namespace picket::app
