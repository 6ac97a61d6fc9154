// picket-pcapgen: writes a large synthetic capture for the network benchmark (bench/net/run.sh) and the
// demo: thousands of interleaved TCP/UDP flows mixing HTTP (requests, chunked and plain responses),
// DNS over UDP and TLS (ClientHello, ServerHello, encrypted records), packets <= 1514 bytes on the wire,
// plus (optionally) every frame of the pcaps in a folder. Prints the packet-size distribution.
//
//   picket-pcapgen --out /tmp/bench.pcap --size-mb 512 [--flows-active 512] [--extra-pcaps DIR] [--seed N]
#include <pcap/pcap.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "tests/agent/decode/pcap_builder.h"

namespace tp = picket::testpkt;
using tp::Bytes;

namespace {

struct Out {
  std::FILE* f = nullptr;
  uint64_t bytes = 0, packets = 0;
  int64_t ts = 1'750'000'000'000'000;
  std::array<uint64_t, 7> hist{};  // <=64, <=128, <=256, <=512, <=1024, <=1514, >1514
  void frame(const Bytes& d) {
    ts += 7;
    uint32_t hdr[4] = {static_cast<uint32_t>(ts / 1000000), static_cast<uint32_t>(ts % 1000000),
                       static_cast<uint32_t>(d.size()), static_cast<uint32_t>(d.size())};
    std::fwrite(hdr, 4, 4, f);
    std::fwrite(d.data(), 1, d.size(), f);
    bytes += d.size() + 16;
    ++packets;
    size_t n = d.size();
    hist[n <= 64 ? 0 : n <= 128 ? 1 : n <= 256 ? 2 : n <= 512 ? 3 : n <= 1024 ? 4 : n <= 1514 ? 5 : 6]++;
  }
  void ip(const Bytes& l3) { frame(tp::eth(l3, (l3[0] >> 4) == 6)); }
};

// One conversation, producing its packets step by step so that many are interleaved.
struct Conv {
  std::deque<Bytes> pending;  // IP packets still to send
};

std::mt19937_64 rng;

std::string rand_word(size_t n) {
  static const char* a = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += a[rng() % 36];
  return s;
}

tp::Addr v4(uint32_t x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%u.%u.%u.%u", x >> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255);
  return tp::Addr(buf);
}

// Segments `data` into MSS-sized packets from one side, with an ACK from the peer every two segments.
void stream(tp::TcpConv& c, bool to_server, const std::string& data, std::deque<Bytes>& q) {
  const size_t mss = 1448;
  int n = 0;
  for (size_t i = 0; i < data.size(); i += mss) {
    q.push_back(c.data(to_server, tp::str(std::string_view(data).substr(i, mss))));
    if (++n % 2 == 0) q.push_back(c.pkt(!to_server, tp::TcpConv::ACK, c.seq(!to_server), c.seq(to_server), {}));
  }
}

Conv make_http(uint32_t cli, uint32_t srv, uint16_t port) {
  Conv cv;
  tp::TcpConv c(v4(cli), port, v4(srv), 80, static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng()));
  for (auto& b : c.handshake()) cv.pending.push_back(b);
  int requests = 1 + static_cast<int>(rng() % 3);
  for (int r = 0; r < requests; ++r) {
    std::string host = "www." + rand_word(8) + ".example";
    std::string req = "GET /" + rand_word(6) + "/" + rand_word(10) + ".html?id=" + std::to_string(rng() % 100000) +
                      " HTTP/1.1\r\nHost: " + host +
                      "\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) bench\r\nAccept: */*\r\nCookie: sid=" +
                      rand_word(24) + "\r\n\r\n";
    stream(c, true, req, cv.pending);
    size_t body_len = 2000 + rng() % 60000;
    std::string body(body_len, 'x');
    for (size_t i = 0; i < body_len; i += 64) body[i] = static_cast<char>('a' + rng() % 26);
    std::string resp;
    if (rng() % 3 == 0) {
      resp = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n";
      for (size_t i = 0; i < body.size(); i += 8000) {
        std::string part = body.substr(i, 8000);
        char len[16];
        std::snprintf(len, sizeof(len), "%zx\r\n", part.size());
        resp += len + part + "\r\n";
      }
      resp += "0\r\n\r\n";
    } else {
      resp = "HTTP/1.1 200 OK\r\nServer: bench\r\nContent-Type: text/html\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body;
    }
    stream(c, false, resp, cv.pending);
  }
  for (auto& b : c.close()) cv.pending.push_back(b);
  return cv;
}

Conv make_tls(uint32_t cli, uint32_t srv, uint16_t port) {
  Conv cv;
  tp::TcpConv c(v4(cli), port, v4(srv), 443, static_cast<uint32_t>(rng()), static_cast<uint32_t>(rng()));
  for (auto& b : c.handshake()) cv.pending.push_back(b);
  std::string sni = rand_word(10) + ".bench.example";
  Bytes ch = tp::tls_client_hello(sni);
  cv.pending.push_back(c.data(true, ch));
  // ServerHello (TLS 1.2) + ChangeCipherSpec, then encrypted application data both ways.
  Bytes sh_body;
  tp::put16(sh_body, 0x0303);
  for (int i = 0; i < 32; ++i) sh_body.push_back(static_cast<uint8_t>(rng()));
  sh_body.push_back(0);
  tp::put16(sh_body, 0xc02f);
  sh_body.push_back(0);
  tp::put16(sh_body, 0);
  Bytes sh = {0x16, 0x03, 0x03, 0, 0, 2, 0, 0, static_cast<uint8_t>(sh_body.size())};
  sh[4] = static_cast<uint8_t>(sh_body.size() + 4);
  sh.insert(sh.end(), sh_body.begin(), sh_body.end());
  Bytes ccs = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};
  sh.insert(sh.end(), ccs.begin(), ccs.end());
  cv.pending.push_back(c.data(false, sh));
  cv.pending.push_back(c.data(true, ccs));
  auto app_data = [&](bool to_server, size_t total) {
    std::string s;
    while (s.size() < total) {
      size_t n = std::min<size_t>(total - s.size() + 5, 16389) - 5;
      if (n == 0) break;
      s += std::string{'\x17', '\x03', '\x03', static_cast<char>(n >> 8), static_cast<char>(n & 255)};
      for (size_t i = 0; i < n; ++i) s += static_cast<char>(rng());
    }
    stream(c, to_server, s, cv.pending);
  };
  app_data(true, 300 + rng() % 2000);
  app_data(false, 4000 + rng() % 80000);
  for (auto& b : c.close()) cv.pending.push_back(b);
  return cv;
}

Conv make_dns(uint32_t cli, uint32_t srv, uint16_t port) {
  Conv cv;
  std::string name = rand_word(7) + "." + rand_word(5) + ".example";
  uint16_t id = static_cast<uint16_t>(rng());
  tp::Addr a = v4(cli), r = v4(srv);
  cv.pending.push_back(tp::ipv4(a, r, 17, tp::udp(a, r, port, 53, tp::dns_query(id, name))));
  const uint8_t addr[4] = {10, static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng()), 1};
  cv.pending.push_back(tp::ipv4(r, a, 17, tp::udp(r, a, 53, port, tp::dns_answer(id, name, addr))));
  return cv;
}

void append_pcaps(Out& out, const std::string& dir) {
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    std::string ext = e.path().extension().string();
    if (ext != ".pcap" && ext != ".pcapng") continue;
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(e.path().c_str(), err);
    if (p == nullptr) continue;
    if (pcap_datalink(p) != DLT_EN10MB) {
      pcap_close(p);
      continue;
    }
    pcap_pkthdr* h;
    const u_char* d;
    while (pcap_next_ex(p, &h, &d) == 1) {
      if (h->caplen > 1514) continue;
      out.frame(Bytes(d, d + h->caplen));
    }
    pcap_close(p);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_path, extra;
  uint64_t size_mb = 512;
  size_t active = 512;
  uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--out") out_path = v;
    else if (k == "--size-mb") size_mb = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--flows-active") active = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--extra-pcaps") extra = v;
    else if (k == "--seed") seed = std::strtoull(v.c_str(), nullptr, 10);
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 64;
    }
  }
  if (out_path.empty()) {
    std::fprintf(stderr, "usage: picket-pcapgen --out FILE [--size-mb N] [--flows-active N] [--extra-pcaps DIR]\n");
    return 64;
  }
  rng.seed(seed);
  Out out;
  out.f = std::fopen(out_path.c_str(), "wb");
  if (out.f == nullptr) {
    std::perror(out_path.c_str());
    return 1;
  }
  std::setvbuf(out.f, nullptr, _IOFBF, 1 << 22);
  uint32_t hdr[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
  std::fwrite(hdr, 4, 6, out.f);
  if (!extra.empty()) append_pcaps(out, extra);
  const uint64_t target = size_mb << 20;
  std::vector<Conv> convs(active);
  uint64_t flows = 0, http = 0, tls = 0, dns = 0;
  uint32_t next_client = 0;
  auto fresh = [&]() {
    uint32_t cli = (10u << 24) | (1u << 16) | (next_client++ % 60000);
    uint32_t srv = (172u << 24) | (16u << 16) | static_cast<uint32_t>(rng() % 4000);
    uint16_t port = static_cast<uint16_t>(1024 + rng() % 60000);
    ++flows;
    uint64_t k = rng() % 10;
    if (k < 5) {
      ++http;
      return make_http(cli, srv, port);
    }
    if (k < 8) {
      ++tls;
      return make_tls(cli, srv, port);
    }
    ++dns;
    return make_dns(cli, srv, port);
  };
  while (out.bytes < target) {
    for (auto& cv : convs) {
      if (cv.pending.empty()) cv = fresh();
      // Send a small burst from this flow, then move to the next: flows interleave.
      for (int b = 0; b < 3 && !cv.pending.empty(); ++b) {
        out.ip(cv.pending.front());
        cv.pending.pop_front();
      }
      if (out.bytes >= target) break;
    }
  }
  std::fclose(out.f);
  static const char* names[] = {"<=64", "65-128", "129-256", "257-512", "513-1024", "1025-1514", ">1514"};
  std::printf("wrote %s: %.1f MB, %llu packets, %llu flows started (http %llu, tls %llu, dns %llu), avg %.0f B/pkt\n",
              out_path.c_str(), out.bytes / 1048576.0, static_cast<unsigned long long>(out.packets),
              static_cast<unsigned long long>(flows), static_cast<unsigned long long>(http),
              static_cast<unsigned long long>(tls), static_cast<unsigned long long>(dns),
              static_cast<double>(out.bytes - out.packets * 16) / static_cast<double>(out.packets));
  std::printf("packet sizes (bytes on the wire, Ethernet header included):\n");
  for (size_t i = 0; i < out.hist.size(); ++i) {
    std::printf("  %-10s %10llu  %5.1f%%\n", names[i], static_cast<unsigned long long>(out.hist[i]),
                100.0 * static_cast<double>(out.hist[i]) / static_cast<double>(out.packets));
  }
  return 0;
}
