#pragma once
// Test/bench fixtures: builds packets byte by byte (Ethernet, VLAN, IPv4/IPv6, fragments, TCP, UDP, ICMP,
// GRE, VXLAN) with correct checksums, TCP conversations, and writes classic pcap files. Header-only and
// independent of agent/decode (it must not share the code it tests).
//
//   picket::testpkt::PcapWriter w;
//   picket::testpkt::TcpConv c("10.0.0.1", 40000, "10.0.0.2", 80);
//   for (auto& f : c.handshake()) w.add(f);
//   w.add(c.data(true, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
//   w.save("/tmp/x.pcap");
//
// Not thread-safe objects; pure helpers.
#include <arpa/inet.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace picket::testpkt {

using Bytes = std::vector<uint8_t>;

inline Bytes str(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline void put16(Bytes& b, uint16_t v) { b.push_back(v >> 8); b.push_back(v & 0xff); }
inline void put32(Bytes& b, uint32_t v) { put16(b, v >> 16); put16(b, v & 0xffff); }
inline void set16(Bytes& b, size_t at, uint16_t v) { b[at] = v >> 8; b[at + 1] = v & 0xff; }

struct Addr {
  uint8_t b[16] = {};
  bool v6 = false;
  Addr() = default;
  Addr(const char* text) {  // NOLINT: implicit for brevity in tests
    if (std::strchr(text, ':') != nullptr) {
      v6 = true;
      inet_pton(AF_INET6, text, b);
    } else {
      inet_pton(AF_INET, text, b);
    }
  }
  size_t len() const { return v6 ? 16 : 4; }
};

inline uint32_t sum16(const uint8_t* p, size_t n, uint32_t s = 0) {
  for (size_t i = 0; i + 1 < n; i += 2) s += (p[i] << 8) | p[i + 1];
  if (n & 1) s += p[n - 1] << 8;
  return s;
}
inline uint16_t fold(uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(~s);
}
inline uint32_t pseudo(const Addr& s, const Addr& d, uint8_t proto, size_t len) {
  uint32_t x = sum16(s.b, s.len());
  x = sum16(d.b, d.len(), x);
  return x + proto + static_cast<uint32_t>(len);
}

// Transport segment with checksum filled for the given addresses.
inline Bytes tcp(const Addr& s, const Addr& d, uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack, uint8_t flags,
                 const Bytes& payload, const Bytes& options = {}, uint16_t window = 65535) {
  Bytes t;
  put16(t, sp); put16(t, dp); put32(t, seq); put32(t, ack);
  size_t hl = 20 + ((options.size() + 3) / 4) * 4;
  t.push_back(static_cast<uint8_t>((hl / 4) << 4));
  t.push_back(flags);
  put16(t, window); put16(t, 0); put16(t, 0);
  t.insert(t.end(), options.begin(), options.end());
  while (t.size() < hl) t.push_back(0);
  t.insert(t.end(), payload.begin(), payload.end());
  set16(t, 16, fold(sum16(t.data(), t.size(), pseudo(s, d, 6, t.size()))));
  return t;
}
inline Bytes udp(const Addr& s, const Addr& d, uint16_t sp, uint16_t dp, const Bytes& payload) {
  Bytes u;
  put16(u, sp); put16(u, dp); put16(u, static_cast<uint16_t>(8 + payload.size())); put16(u, 0);
  u.insert(u.end(), payload.begin(), payload.end());
  uint16_t c = fold(sum16(u.data(), u.size(), pseudo(s, d, 17, u.size())));
  set16(u, 6, c == 0 ? 0xffff : c);
  return u;
}
inline Bytes icmp_echo(uint8_t type, uint16_t id, uint16_t seq, const Bytes& payload) {
  Bytes m{type, 0, 0, 0};
  put16(m, id); put16(m, seq);
  m.insert(m.end(), payload.begin(), payload.end());
  set16(m, 2, fold(sum16(m.data(), m.size())));
  return m;
}
inline Bytes icmpv6_echo(const Addr& s, const Addr& d, uint8_t type, uint16_t id, uint16_t seq, const Bytes& payload) {
  Bytes m{type, 0, 0, 0};
  put16(m, id); put16(m, seq);
  m.insert(m.end(), payload.begin(), payload.end());
  set16(m, 2, fold(sum16(m.data(), m.size(), pseudo(s, d, 58, m.size()))));
  return m;
}

struct Ip4Opts {
  uint16_t id = 1;
  uint8_t ttl = 64;
  bool df = false, mf = false;
  uint16_t frag_offset = 0;  // bytes, multiple of 8
  Bytes options;             // padded to 4 bytes
};
inline Bytes ipv4(const Addr& s, const Addr& d, uint8_t proto, const Bytes& payload, const Ip4Opts& o = {}) {
  Bytes h;
  size_t hl = 20 + ((o.options.size() + 3) / 4) * 4;
  h.push_back(static_cast<uint8_t>(0x40 | (hl / 4)));
  h.push_back(0);
  put16(h, static_cast<uint16_t>(hl + payload.size()));
  put16(h, o.id);
  put16(h, static_cast<uint16_t>((o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | (o.frag_offset / 8)));
  h.push_back(o.ttl);
  h.push_back(proto);
  put16(h, 0);
  h.insert(h.end(), s.b, s.b + 4);
  h.insert(h.end(), d.b, d.b + 4);
  h.insert(h.end(), o.options.begin(), o.options.end());
  while (h.size() < hl) h.push_back(0);
  set16(h, 10, fold(sum16(h.data(), hl)));
  h.insert(h.end(), payload.begin(), payload.end());
  return h;
}
// `ext`: raw extension headers placed before the payload; `first_next` is the Next Header of the fixed
// header (the first extension's type, or `proto` when there is none).
inline Bytes ipv6(const Addr& s, const Addr& d, uint8_t first_next, const Bytes& payload_with_ext,
                  uint8_t hop_limit = 64) {
  Bytes h;
  put32(h, 0x60000000u);
  put16(h, static_cast<uint16_t>(payload_with_ext.size()));
  h.push_back(first_next);
  h.push_back(hop_limit);
  h.insert(h.end(), s.b, s.b + 16);
  h.insert(h.end(), d.b, d.b + 16);
  h.insert(h.end(), payload_with_ext.begin(), payload_with_ext.end());
  return h;
}
inline Bytes ip(const Addr& s, const Addr& d, uint8_t proto, const Bytes& payload) {
  return s.v6 ? ipv6(s, d, proto, payload) : ipv4(s, d, proto, payload);
}

// IPv4 fragments of a transport payload (already including its header), `size` bytes each (multiple of 8).
inline std::vector<Bytes> ipv4_fragments(const Addr& s, const Addr& d, uint8_t proto, const Bytes& l4, size_t size,
                                         uint16_t id) {
  std::vector<Bytes> out;
  for (size_t off = 0; off < l4.size(); off += size) {
    size_t n = std::min(size, l4.size() - off);
    Ip4Opts o;
    o.id = id;
    o.frag_offset = static_cast<uint16_t>(off);
    o.mf = off + n < l4.size();
    out.push_back(ipv4(s, d, proto, Bytes(l4.begin() + off, l4.begin() + off + n), o));
  }
  return out;
}
inline Bytes ipv6_fragment(const Addr& s, const Addr& d, uint8_t proto, const Bytes& part, size_t offset, bool more,
                           uint32_t id) {
  Bytes f{proto, 0};
  put16(f, static_cast<uint16_t>(offset | (more ? 1 : 0)));
  put32(f, id);
  f.insert(f.end(), part.begin(), part.end());
  return ipv6(s, d, 44, f);
}
inline std::vector<Bytes> ipv6_fragments(const Addr& s, const Addr& d, uint8_t proto, const Bytes& l4, size_t size,
                                         uint32_t id) {
  std::vector<Bytes> out;
  for (size_t off = 0; off < l4.size(); off += size) {
    size_t n = std::min(size, l4.size() - off);
    out.push_back(ipv6_fragment(s, d, proto, Bytes(l4.begin() + off, l4.begin() + off + n), off,
                                off + n < l4.size(), id));
  }
  return out;
}

inline Bytes eth(const Bytes& l3, bool v6, const std::vector<uint16_t>& vlans = {}) {
  Bytes e = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x66, 0x77, 0x88, 0x99, 0xaa};
  for (size_t i = 0; i < vlans.size(); ++i) {
    put16(e, i == 0 && vlans.size() > 1 ? 0x88a8 : 0x8100);
    put16(e, vlans[i]);
  }
  put16(e, v6 ? 0x86dd : 0x0800);
  e.insert(e.end(), l3.begin(), l3.end());
  return e;
}

struct Frame {
  int64_t ts_us = 0;
  Bytes data;
};

// Classic pcap (microsecond timestamps, little-endian header).
class PcapWriter {
 public:
  explicit PcapWriter(uint32_t linktype = 1) {
    auto w32 = [this](uint32_t v) { for (int i = 0; i < 4; ++i) buf_.push_back((v >> (8 * i)) & 0xff); };
    w32(0xa1b2c3d4);
    buf_.push_back(2); buf_.push_back(0); buf_.push_back(4); buf_.push_back(0);
    w32(0); w32(0); w32(262144); w32(linktype);
  }
  void add(int64_t ts_us, const Bytes& frame) {
    auto w32 = [this](uint32_t v) { for (int i = 0; i < 4; ++i) buf_.push_back((v >> (8 * i)) & 0xff); };
    w32(static_cast<uint32_t>(ts_us / 1000000));
    w32(static_cast<uint32_t>(ts_us % 1000000));
    w32(static_cast<uint32_t>(frame.size()));
    w32(static_cast<uint32_t>(frame.size()));
    buf_.insert(buf_.end(), frame.begin(), frame.end());
    ++count_;
  }
  // Ethernet-wraps an IP packet at the next timestamp.
  void add_ip(const Bytes& l3, int64_t step_us = 1000) {
    ts_ += step_us;
    add(ts_, eth(l3, !l3.empty() && (l3[0] >> 4) == 6));
  }
  const Bytes& bytes() const { return buf_; }
  size_t count() const { return count_; }
  bool save(const std::string& path) const {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return false;
    bool ok = std::fwrite(buf_.data(), 1, buf_.size(), f) == buf_.size();
    return std::fclose(f) == 0 && ok;
  }

 private:
  Bytes buf_;
  size_t count_ = 0;
  int64_t ts_ = 1'700'000'000'000'000;
};

// A TCP conversation: produces IP packets with consistent sequence numbers.
class TcpConv {
 public:
  TcpConv(Addr c, uint16_t cp, Addr s, uint16_t sp, uint32_t cisn = 1000, uint32_t sisn = 5000)
      : c_(c), s_(s), cp_(cp), sp_(sp), cseq_(cisn), sseq_(sisn) {}
  static constexpr uint8_t FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;

  std::vector<Bytes> handshake() {
    std::vector<Bytes> v;
    v.push_back(pkt(true, SYN, cseq_, 0, {}));
    v.push_back(pkt(false, SYN | ACK, sseq_, cseq_ + 1, {}));
    ++cseq_;
    ++sseq_;
    v.push_back(pkt(true, ACK, cseq_, sseq_, {}));
    return v;
  }
  // In-order data from the client (to_server=true) or server; advances the sequence.
  Bytes data(bool to_server, const Bytes& d, uint8_t flags = PSH | ACK) {
    uint32_t& seq = to_server ? cseq_ : sseq_;
    Bytes p = pkt(to_server, flags, seq, to_server ? sseq_ : cseq_, d);
    seq += static_cast<uint32_t>(d.size());
    return p;
  }
  Bytes data(bool to_server, std::string_view d) { return data(to_server, str(d)); }
  // Data at an explicit offset from the current sequence of that side, without advancing it.
  Bytes at(bool to_server, int64_t rel, const Bytes& d, uint8_t flags = PSH | ACK) {
    uint32_t seq = (to_server ? cseq_ : sseq_) + static_cast<uint32_t>(rel);
    return pkt(to_server, flags, seq, to_server ? sseq_ : cseq_, d);
  }
  void advance(bool to_server, uint32_t n) { (to_server ? cseq_ : sseq_) += n; }
  std::vector<Bytes> close() {
    std::vector<Bytes> v;
    v.push_back(pkt(true, FIN | ACK, cseq_, sseq_, {}));
    ++cseq_;
    v.push_back(pkt(false, FIN | ACK, sseq_, cseq_, {}));
    ++sseq_;
    v.push_back(pkt(true, ACK, cseq_, sseq_, {}));
    return v;
  }
  Bytes pkt(bool to_server, uint8_t flags, uint32_t seq, uint32_t ack, const Bytes& d) const {
    const Addr& a = to_server ? c_ : s_;
    const Addr& b = to_server ? s_ : c_;
    return ip(a, b, 6, tcp(a, b, to_server ? cp_ : sp_, to_server ? sp_ : cp_, seq, ack, flags, d));
  }
  uint32_t seq(bool to_server) const { return to_server ? cseq_ : sseq_; }

 private:
  Addr c_, s_;
  uint16_t cp_, sp_;
  uint32_t cseq_, sseq_;
};

// A DNS query message for `name` (type A).
inline Bytes dns_query(uint16_t id, std::string_view name, uint16_t qtype = 1) {
  Bytes m;
  put16(m, id); put16(m, 0x0100); put16(m, 1); put16(m, 0); put16(m, 0); put16(m, 0);
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    m.push_back(static_cast<uint8_t>(dot - start));
    m.insert(m.end(), name.begin() + start, name.begin() + dot);
    start = dot + 1;
  }
  m.push_back(0);
  put16(m, qtype); put16(m, 1);
  return m;
}
// The response to dns_query(id, name) with one A record.
inline Bytes dns_answer(uint16_t id, std::string_view name, const uint8_t addr[4]) {
  Bytes m = dns_query(id, name);
  m[2] = 0x81; m[3] = 0x80;  // QR RD RA
  m[7] = 1;                  // ancount
  put16(m, 0xc00c); put16(m, 1); put16(m, 1); put32(m, 300); put16(m, 4);
  m.insert(m.end(), addr, addr + 4);
  return m;
}

// A minimal TLS 1.2 ClientHello record with SNI `host`.
inline Bytes tls_client_hello(std::string_view host) {
  Bytes ext;
  // server_name
  Bytes sni;
  put16(sni, static_cast<uint16_t>(host.size() + 3));
  sni.push_back(0);
  put16(sni, static_cast<uint16_t>(host.size()));
  sni.insert(sni.end(), host.begin(), host.end());
  put16(ext, 0); put16(ext, static_cast<uint16_t>(sni.size())); ext.insert(ext.end(), sni.begin(), sni.end());
  // supported_groups, ec_point_formats
  put16(ext, 10); put16(ext, 6); put16(ext, 4); put16(ext, 23); put16(ext, 24);
  put16(ext, 11); put16(ext, 2); ext.push_back(1); ext.push_back(0);
  Bytes body;
  put16(body, 0x0303);
  for (int i = 0; i < 32; ++i) body.push_back(static_cast<uint8_t>(i));
  body.push_back(0);  // session id
  put16(body, 4); put16(body, 0xc02f); put16(body, 0x009c);
  body.push_back(1); body.push_back(0);  // compression
  put16(body, static_cast<uint16_t>(ext.size()));
  body.insert(body.end(), ext.begin(), ext.end());
  Bytes hs{1, 0, 0, 0};
  hs[1] = static_cast<uint8_t>(body.size() >> 16); hs[2] = static_cast<uint8_t>(body.size() >> 8);
  hs[3] = static_cast<uint8_t>(body.size());
  hs.insert(hs.end(), body.begin(), body.end());
  Bytes rec{0x16, 0x03, 0x01};
  put16(rec, static_cast<uint16_t>(hs.size()));
  rec.insert(rec.end(), hs.begin(), hs.end());
  return rec;
}

}  // namespace picket::testpkt
