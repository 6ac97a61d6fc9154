// Real traffic: runs the app-layer parsers over the corpus pcaps (read with libpcap, a naive in-order TCP
// reassembly written here, UDP payloads as datagrams) and compares what they extract with tshark:
// DNS query names (any port: DNS, mDNS, LLMNR), HTTP (Host, URI) pairs, JA3/JA3S strings and hashes, and the first certificate's serial.
// Skips when the corpus or tshark is absent; fails instead under CI=true.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "agent/app/app_state.h"
#include "tests/support/process.h"

namespace picket::app {
namespace {

struct Seen {
  std::set<std::string> dns_names;
  std::set<std::string> http;  // "host uri"
  std::set<std::string> ja3;   // "string hash"
  std::set<std::string> ja3s;
  std::set<std::string> cert_serials;  // lowercase hex, no colons
};

struct Sink : AppEventSink {
  Seen* seen;
  explicit Sink(Seen* s) : seen(s) {}
  void on_app_event(const AppEvent& e) override {
    if (e.kind == AppEventKind::kDnsMessage) {
      for (const auto& q : e.dns->questions) seen->dns_names.insert(q.name);
    } else if (e.kind == AppEventKind::kHttpRequestHeaders) {
      seen->http.insert(std::string(e.http->request.header("Host")) + " " + std::string(e.http->http_uri_raw()));
    } else if (e.kind == AppEventKind::kTlsClientHello) {
      seen->ja3.insert(std::string(e.tls->ja3_string()) + " " + std::string(e.tls->ja3_hash()));
    } else if (e.kind == AppEventKind::kTlsServerHello) {
      seen->ja3s.insert(std::string(e.tls->ja3s_string()) + " " + std::string(e.tls->ja3s_hash()));
    } else if (e.kind == AppEventKind::kTlsCertificate) {
      std::string s;
      for (char c : e.tls->tls_cert_serial()) {
        if (c != ':') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
      seen->cert_serials.insert(s);
    }
  }
};

// One direction of a TCP connection, delivered in sequence order; retransmitted bytes are dropped.
struct TcpDir {
  bool have_seq = false;
  uint32_t next = 0;
  std::map<uint32_t, std::string> ooo;
};

struct Flow {
  std::unique_ptr<AppState> app;
  bool tcp = false;
  std::string client;  // "ip:port" of the initiator
  TcpDir dirs[2];
};

void deliver(Flow& f, int d, uint32_t seq, std::string data, Sink& sink) {
  TcpDir& t = f.dirs[d];
  if (!t.have_seq) {
    t.have_seq = true;
    t.next = seq;
  }
  int32_t off = static_cast<int32_t>(seq - t.next);
  if (off < 0) {
    if (static_cast<size_t>(-off) >= data.size()) return;
    data.erase(0, static_cast<size_t>(-off));
    seq = t.next;
    off = 0;
  }
  if (off > 0) {
    if (t.ooo.size() < 1000) t.ooo.emplace(seq, std::move(data));
    return;
  }
  f.app->on_data(static_cast<Direction>(d), {reinterpret_cast<const uint8_t*>(data.data()), data.size()}, &sink);
  t.next += static_cast<uint32_t>(data.size());
  for (auto it = t.ooo.begin(); it != t.ooo.end();) {
    int32_t o = static_cast<int32_t>(it->first - t.next);
    if (o > 0) break;
    std::string d2 = std::move(it->second);
    uint32_t s2 = it->first;
    it = t.ooo.erase(it);
    if (static_cast<size_t>(-o) < d2.size()) {
      d2.erase(0, static_cast<size_t>(-o));
      (void)s2;
      f.app->on_data(static_cast<Direction>(d), {reinterpret_cast<const uint8_t*>(d2.data()), d2.size()}, &sink);
      t.next += static_cast<uint32_t>(d2.size());
    }
  }
}

std::string addr(const uint8_t* p, size_t n, uint16_t port) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += std::to_string(p[i]) + ".";
  return s + ":" + std::to_string(port);
}

Seen run_parsers(const std::string& path) {
  Seen seen;
  Sink sink(&seen);
  AppLimits limits;
  AppCounters counters;
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* pc = pcap_open_offline(path.c_str(), err);
  if (pc == nullptr) {
    ADD_FAILURE() << err;
    return seen;
  }
  int link = pcap_datalink(pc);
  std::map<std::string, Flow> flows;
  pcap_pkthdr* h;
  const u_char* pkt;
  while (pcap_next_ex(pc, &h, &pkt) == 1) {
    size_t n = h->caplen, off = 0;
    uint16_t etype = 0;
    if (link == DLT_EN10MB) {
      if (n < 14) continue;
      etype = static_cast<uint16_t>((pkt[12] << 8) | pkt[13]);
      off = 14;
      while ((etype == 0x8100 || etype == 0x88a8) && n >= off + 4) {
        etype = static_cast<uint16_t>((pkt[off + 2] << 8) | pkt[off + 3]);
        off += 4;
      }
    } else {
      continue;
    }
    const uint8_t *src, *dst;
    size_t alen;
    uint8_t proto;
    size_t l4;
    size_t end = n;
    if (etype == 0x0800) {
      if (n < off + 20) continue;
      size_t ihl = (pkt[off] & 0xf) * 4u;
      size_t tot = (size_t{pkt[off + 2]} << 8) | pkt[off + 3];
      uint16_t frag = static_cast<uint16_t>(((pkt[off + 6] << 8) | pkt[off + 7]) & 0x3fff);
      if (frag != 0) continue;  // fragments: not reassembled by this naive reader
      proto = pkt[off + 9];
      src = pkt + off + 12;
      dst = pkt + off + 16;
      alen = 4;
      l4 = off + ihl;
      end = std::min(n, off + tot);
    } else if (etype == 0x86dd) {
      if (n < off + 40) continue;
      proto = pkt[off + 6];
      src = pkt + off + 8;
      dst = pkt + off + 24;
      alen = 16;
      l4 = off + 40;
      end = std::min(n, off + 40 + ((size_t{pkt[off + 4]} << 8) | pkt[off + 5]));
    } else {
      continue;
    }
    if (l4 > end) continue;
    if (proto == 17 && end >= l4 + 8) {
      uint16_t sp = static_cast<uint16_t>((pkt[l4] << 8) | pkt[l4 + 1]);
      uint16_t dp = static_cast<uint16_t>((pkt[l4 + 2] << 8) | pkt[l4 + 3]);
      std::string a = addr(src, alen, sp), b = addr(dst, alen, dp);
      std::string key = std::min(a, b) + "|" + std::max(a, b) + "|u";
      Flow& f = flows[key];
      if (!f.app) {
        f.client = a;
        f.app = std::make_unique<AppState>(limits, counters, dp);
      }
      Direction d = a == f.client ? Direction::kToServer : Direction::kToClient;
      f.app->on_datagram(d, {pkt + l4 + 8, end - l4 - 8}, sp, dp, &sink);
    } else if (proto == 6 && end >= l4 + 20) {
      uint16_t sp = static_cast<uint16_t>((pkt[l4] << 8) | pkt[l4 + 1]);
      uint16_t dp = static_cast<uint16_t>((pkt[l4 + 2] << 8) | pkt[l4 + 3]);
      uint32_t seq = (uint32_t{pkt[l4 + 4]} << 24) | (uint32_t{pkt[l4 + 5]} << 16) | (uint32_t{pkt[l4 + 6]} << 8) |
                     pkt[l4 + 7];
      size_t doff = (pkt[l4 + 12] >> 4) * 4u;
      uint8_t flags = pkt[l4 + 13];
      std::string a = addr(src, alen, sp), b = addr(dst, alen, dp);
      std::string key = std::min(a, b) + "|" + std::max(a, b) + "|t";
      Flow& f = flows[key];
      bool syn = (flags & 0x02) != 0, ack = (flags & 0x10) != 0;
      if (!f.app) {
        // The initiator sends the SYN without ACK; without a handshake the first sender is the client.
        bool from_server = syn && ack;
        f.client = from_server ? b : a;
        f.app = std::make_unique<AppState>(limits, counters, from_server ? sp : dp);
      }
      int d = a == f.client ? 0 : 1;
      if (syn) {
        f.dirs[d].have_seq = true;
        f.dirs[d].next = seq + 1;
        continue;
      }
      if (l4 + doff > end) continue;
      std::string data(reinterpret_cast<const char*>(pkt + l4 + doff), end - l4 - doff);
      if (!data.empty()) deliver(f, d, seq, std::move(data), sink);
    }
  }
  pcap_close(pc);
  return seen;
}

// test::run uses execv: resolve the program through PATH here.
std::string which(const std::string& prog) {
  const char* path = std::getenv("PATH");
  std::istringstream in(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(in, dir, ':')) {
    std::string cand = dir + "/" + prog;
    if (!dir.empty() && access(cand.c_str(), X_OK) == 0) return cand;
  }
  return {};
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

// One tshark pass per file; multi-valued fields are aggregated with '|' and zipped by position.
bool tshark_seen(const std::string& file, Seen* out) {
  std::vector<std::string> argv = {which("tshark"), "-r", file, "-Y",
                                   // DNS is detected by content on any port (LLMNR on 5355 is DNS too);
                                   // NBNS (137) has DNS's layout but is another protocol for both.
                                   "(dns || mdns || llmnr) || "
                                   "http.request || (tcp && tls.handshake)",
                                   "-T", "fields", "-E", "separator=/t", "-E", "aggregator=|",
                                   "-e", "dns.qry.name", "-e", "http.request.method", "-e", "http.host",
                                   "-e", "http.request.uri", "-e", "tls.handshake.ja3_full",
                                   "-e", "tls.handshake.ja3", "-e", "tls.handshake.ja3s_full",
                                   "-e", "tls.handshake.ja3s", "-e", "x509af.serialNumber"};
  auto r = test::run(argv, std::chrono::seconds(300));
  if (r.exit_code != 0) return false;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> f = split(line, '\t');
    f.resize(9);
    for (const auto& n : split(f[0], '|')) {
      if (!n.empty()) out->dns_names.insert(n);
    }
    auto methods = split(f[1], '|'), hosts = split(f[2], '|'), uris = split(f[3], '|');
    for (size_t i = 0; i < methods.size(); ++i) {
      if (methods[i].empty()) continue;
      out->http.insert((i < hosts.size() ? hosts[i] : "") + " " + (i < uris.size() ? uris[i] : ""));
    }
    auto j = split(f[4], '|'), jh = split(f[5], '|');
    for (size_t i = 0; i < j.size(); ++i) out->ja3.insert(j[i] + " " + (i < jh.size() ? jh[i] : ""));
    auto js = split(f[6], '|'), jsh = split(f[7], '|');
    for (size_t i = 0; i < js.size(); ++i) out->ja3s.insert(js[i] + " " + (i < jsh.size() ? jsh[i] : ""));
    for (const auto& sn : split(f[8], '|')) {
      if (!sn.empty()) out->cert_serials.insert(sn);
    }
  }
  return true;
}

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += "  [" + x + "]\n";
  return out;
}

TEST(AppCorpus, MatchesTshark) {
  std::string corpus = test::corpus_dir();
  if (corpus.empty() || !std::filesystem::exists(corpus + "/pcaps")) {
    if (test::in_ci()) FAIL() << "corpus missing under CI";
    GTEST_SKIP() << "corpus not found (../shared/corpus)";
  }
  if (which("tshark").empty()) {
    if (test::in_ci()) FAIL() << "tshark missing under CI";
    GTEST_SKIP() << "tshark not installed";
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(corpus + "/pcaps")) {
    std::string p = e.path().string();
    if (p.ends_with(".pcap") || p.ends_with(".pcapng")) files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  size_t total_dns = 0, total_http = 0, total_ja3 = 0, total_certs = 0;
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    Seen mine = run_parsers(file);
    Seen theirs;
    ASSERT_TRUE(tshark_seen(file, &theirs));
    EXPECT_EQ(mine.dns_names, theirs.dns_names) << "mine:\n" << join(mine.dns_names) << "tshark:\n" << join(theirs.dns_names);
    EXPECT_EQ(mine.http, theirs.http) << "mine:\n" << join(mine.http) << "tshark:\n" << join(theirs.http);
    EXPECT_EQ(mine.ja3, theirs.ja3) << "mine:\n" << join(mine.ja3) << "tshark:\n" << join(theirs.ja3);
    EXPECT_EQ(mine.ja3s, theirs.ja3s) << "mine:\n" << join(mine.ja3s) << "tshark:\n" << join(theirs.ja3s);
    // tshark lists every certificate's serial; ours is the first certificate's.
    for (const auto& sn : mine.cert_serials) EXPECT_TRUE(theirs.cert_serials.count(sn)) << sn;
    total_dns += theirs.dns_names.size();
    total_http += theirs.http.size();
    total_ja3 += theirs.ja3.size();
    total_certs += mine.cert_serials.size();
  }
  // The corpus does contain each protocol; an empty comparison would prove nothing.
  EXPECT_GT(total_dns, 5u);
  EXPECT_GT(total_http, 50u);
  EXPECT_GT(total_ja3, 1u);
  EXPECT_GT(total_certs, 1u);
}

}  // namespace
}  // namespace picket::app
