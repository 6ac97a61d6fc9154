// ClientHello/ServerHello parsing and JA3/JA3S.
#include <openssl/evp.h>

#include <cstdio>

#include "agent/app/tls.h"

namespace picket::app {
namespace {

// Bounds-checked big-endian reader over a span; any overrun sets ok = false and returns zeros.
struct Reader {
  std::span<const uint8_t> d;
  size_t pos = 0;
  bool ok = true;

  size_t left() const { return pos <= d.size() ? d.size() - pos : 0; }
  uint8_t u8() {
    if (left() < 1) { ok = false; return 0; }
    return d[pos++];
  }
  uint16_t u16() {
    if (left() < 2) { ok = false; return 0; }
    uint16_t v = static_cast<uint16_t>((d[pos] << 8) | d[pos + 1]);
    pos += 2;
    return v;
  }
  std::span<const uint8_t> bytes(size_t n) {
    if (left() < n) { ok = false; pos = d.size(); return {}; }
    auto s = d.subspan(pos, n);
    pos += n;
    return s;
  }
};

void append_list(std::string& out, const std::vector<uint16_t>& v) {
  bool first = true;
  for (uint16_t x : v) {
    if (tls_is_grease(x)) continue;
    if (!first) out.push_back('-');
    out += std::to_string(x);
    first = false;
  }
}

void parse_sni(std::span<const uint8_t> ext, std::string& sni) {
  Reader r{ext};
  size_t list_len = r.u16();
  auto list = r.bytes(list_len);
  if (!r.ok) return;
  Reader l{list};
  while (l.ok && l.left() >= 3) {
    uint8_t type = l.u8();
    size_t n = l.u16();
    auto name = l.bytes(n);
    if (!l.ok) return;
    if (type == 0) {
      sni.assign(reinterpret_cast<const char*>(name.data()), name.size());
      return;
    }
  }
}

void parse_u16_list(std::span<const uint8_t> ext, size_t len_bytes, std::vector<uint16_t>& out) {
  Reader r{ext};
  size_t n = len_bytes == 1 ? r.u8() : r.u16();
  auto list = r.bytes(n);
  if (!r.ok) return;
  for (size_t i = 0; i + 1 < list.size(); i += 2) out.push_back(static_cast<uint16_t>((list[i] << 8) | list[i + 1]));
}

void parse_alpn(std::span<const uint8_t> ext, std::vector<std::string>& out) {
  Reader r{ext};
  size_t n = r.u16();
  auto list = r.bytes(n);
  if (!r.ok) return;
  Reader l{list};
  while (l.ok && l.left() > 0) {
    size_t len = l.u8();
    auto p = l.bytes(len);
    if (!l.ok) return;
    out.emplace_back(reinterpret_cast<const char*>(p.data()), p.size());
  }
}

}  // namespace

bool tls_is_grease(uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

std::string tls_version_name(uint16_t v) {
  switch (v) {
    case 0x0304: return "TLS 1.3";
    case 0x0303: return "TLS 1.2";
    case 0x0302: return "TLS 1.1";
    case 0x0301: return "TLS 1.0";
    case 0x0300: return "SSLv3";
    case 0x0002: return "SSLv2";
    default: break;
  }
  char buf[8];
  std::snprintf(buf, sizeof(buf), "0x%04x", static_cast<unsigned>(v));
  return buf;
}

std::string ja3_string(const TlsClientHello& h) {
  std::string s = std::to_string(h.legacy_version);
  s.push_back(',');
  append_list(s, h.cipher_suites);
  s.push_back(',');
  append_list(s, h.extensions);
  s.push_back(',');
  append_list(s, h.supported_groups);
  s.push_back(',');
  for (size_t i = 0; i < h.ec_point_formats.size(); ++i) {
    if (i > 0) s.push_back('-');
    s += std::to_string(h.ec_point_formats[i]);
  }
  return s;
}

std::string ja3s_string(const TlsServerHello& h) {
  std::string s = std::to_string(h.legacy_version);
  s.push_back(',');
  s += std::to_string(h.cipher_suite);
  s.push_back(',');
  append_list(s, h.extensions);
  return s;
}

std::string md5_hex(std::string_view data) {
  // Fetched once: OpenSSL 3's implicit fetch behind EVP_md5() takes locks on every call.
  static EVP_MD* const kMd5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (kMd5 == nullptr || EVP_Digest(data.data(), data.size(), md, &len, kMd5, nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xf]);
  }
  return out;
}

bool parse_client_hello(std::span<const uint8_t> body, const AppLimits& limits, TlsClientHello& out) {
  out = TlsClientHello{};
  Reader r{body};
  out.legacy_version = r.u16();
  r.bytes(32);  // random
  r.bytes(r.u8());  // session id
  size_t cs_len = r.u16();
  auto cs = r.bytes(cs_len);
  if (!r.ok || cs_len % 2 != 0 || cs_len / 2 > limits.tls_max_ciphers) return false;
  out.cipher_suites.reserve(cs_len / 2);
  for (size_t i = 0; i + 1 < cs.size(); i += 2) out.cipher_suites.push_back(static_cast<uint16_t>((cs[i] << 8) | cs[i + 1]));
  r.bytes(r.u8());  // compression methods
  if (!r.ok) return false;
  if (r.left() >= 2) {
    size_t ext_len = r.u16();
    auto exts = r.bytes(ext_len);
    if (!r.ok) return false;
    Reader e{exts};
    while (e.left() >= 4) {
      uint16_t type = e.u16();
      size_t len = e.u16();
      auto data = e.bytes(len);
      if (!e.ok) return false;
      if (out.extensions.size() >= limits.tls_max_extensions) return false;
      out.extensions.push_back(type);
      switch (type) {
        case 0: parse_sni(data, out.sni); break;
        case 10: parse_u16_list(data, 2, out.supported_groups); break;
        case 11: {
          Reader p{data};
          size_t n = p.u8();
          auto f = p.bytes(n);
          if (p.ok) out.ec_point_formats.assign(f.begin(), f.end());
          break;
        }
        case 16: parse_alpn(data, out.alpn); break;
        case 43: parse_u16_list(data, 1, out.supported_versions); break;
        default: break;
      }
    }
  }
  out.present = true;
  out.ja3_string = ja3_string(out);
  out.ja3_hash = md5_hex(out.ja3_string);
  return true;
}

bool parse_server_hello(std::span<const uint8_t> body, const AppLimits& limits, TlsServerHello& out) {
  out = TlsServerHello{};
  Reader r{body};
  out.legacy_version = r.u16();
  r.bytes(32);
  r.bytes(r.u8());
  out.cipher_suite = r.u16();
  r.u8();  // compression method
  if (!r.ok) return false;
  if (r.left() >= 2) {
    size_t ext_len = r.u16();
    auto exts = r.bytes(ext_len);
    if (!r.ok) return false;
    Reader e{exts};
    while (e.left() >= 4) {
      uint16_t type = e.u16();
      size_t len = e.u16();
      auto data = e.bytes(len);
      if (!e.ok) return false;
      if (out.extensions.size() >= limits.tls_max_extensions) return false;
      out.extensions.push_back(type);
      if (type == 43 && data.size() == 2) out.selected_version = static_cast<uint16_t>((data[0] << 8) | data[1]);
      if (type == 16) {
        std::vector<std::string> alpn;
        parse_alpn(data, alpn);
        if (!alpn.empty()) out.alpn = alpn.front();
      }
    }
  }
  out.present = true;
  out.ja3s_string = ja3s_string(out);
  out.ja3s_hash = md5_hex(out.ja3s_string);
  return true;
}

}  // namespace picket::app
