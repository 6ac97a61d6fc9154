// picket-rulesbench: the rule engine alone on a capture. Loads the rules (load + Hyperscan build time, peak
// RSS), then matches every packet of the pcap as a packet-mode Input (Ethernet/VLAN, IPv4/IPv6, TCP/UDP/
// ICMP headers decoded here, payload as pkt_data; no reassembly or app layer, which bench/net measures) on
// one thread, and prints Gbit/s over the capture's bytes and the alert count. RUNS passes, median printed.
//
//   picket-rulesbench --pcap /tmp/picket-bench.pcap [--rules PATH]... [--limit N] [--runs 3] [--cache-dir D]
#include <pcap/pcap.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "agent/detect/engine.h"
#include "agent/detect/parser.h"

namespace {

using namespace picket::detect;  // NOLINT: small benchmark program

struct Pkt {
  std::vector<uint8_t> bytes;
  size_t wire = 0;
};

bool decode(const Pkt& p, Input* in) {
  const uint8_t* d = p.bytes.data();
  size_t n = p.bytes.size(), off = 14;
  if (n < 14) return false;
  uint16_t et = static_cast<uint16_t>(d[12] << 8 | d[13]);
  while ((et == 0x8100 || et == 0x88a8) && n >= off + 4) {
    et = static_cast<uint16_t>(d[off + 2] << 8 | d[off + 3]);
    off += 4;
  }
  uint8_t proto = 0;
  size_t l4 = 0, end = n;
  if (et == 0x0800 && n >= off + 20) {
    size_t ihl = (d[off] & 0x0f) * 4u;
    size_t tot = static_cast<size_t>(d[off + 2] << 8 | d[off + 3]);
    end = std::min(n, off + tot);
    proto = d[off + 9];
    in->ttl = d[off + 8];
    uint32_t s, t;
    std::memcpy(&s, d + off + 12, 4);
    std::memcpy(&t, d + off + 16, 4);
    in->src = IpAddr::v4(__builtin_bswap32(s));
    in->dst = IpAddr::v4(__builtin_bswap32(t));
    l4 = off + ihl;
  } else if (et == 0x86dd && n >= off + 40) {
    proto = d[off + 6];
    in->ttl = d[off + 7];
    in->src = IpAddr::v6(d + off + 8);
    in->dst = IpAddr::v6(d + off + 24);
    l4 = off + 40;
  } else {
    return false;
  }
  in->ip_proto = proto;
  size_t pay = l4;
  if (proto == 6 && end >= l4 + 20) {
    in->sp = static_cast<uint16_t>(d[l4] << 8 | d[l4 + 1]);
    in->dp = static_cast<uint16_t>(d[l4 + 2] << 8 | d[l4 + 3]);
    in->tcp_flags = d[l4 + 13];
    pay = l4 + (d[l4 + 12] >> 4) * 4u;
  } else if (proto == 17 && end >= l4 + 8) {
    in->sp = static_cast<uint16_t>(d[l4] << 8 | d[l4 + 1]);
    in->dp = static_cast<uint16_t>(d[l4 + 2] << 8 | d[l4 + 3]);
    pay = l4 + 8;
  } else if ((proto == 1 || proto == 58) && end >= l4 + 4) {
    in->icmp_type = d[l4];
    in->icmp_code = d[l4 + 1];
    pay = l4 + 4;
  }
  in->has_flow = true;
  in->established = true;
  in->to_server = in->dp < in->sp;
  if (pay < end) {
    in->set(Buf::kPayload, std::span<const uint8_t>(d + pay, end - pay));
    in->payload_len = static_cast<uint32_t>(end - pay);
  }
  return true;
}

long peak_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  std::string pcap_path;
  std::vector<std::string> rules;
  size_t limit = 0;
  int runs = 3;
  std::string cache_dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--pcap") {
      pcap_path = v;
    } else if (k == "--rules") {
      rules.push_back(v);
    } else if (k == "--limit") {
      limit = std::stoul(v);
    } else if (k == "--runs") {
      runs = std::stoi(v);
    } else if (k == "--cache-dir") {
      cache_dir = v;
    }
  }
  if (pcap_path.empty()) {
    std::fprintf(stderr, "usage: picket-rulesbench --pcap FILE [--rules PATH]... [--limit N] [--runs N]\n");
    return 64;
  }
  EngineConfig cfg;
  cfg.vars.addresses["EXTERNAL_NET"] = "!$HOME_NET";
  cfg.cache_dir = cache_dir;
  auto t0 = std::chrono::steady_clock::now();
  RuleSet set = rules.empty() ? RuleSet{} : load_rules(rules, cfg.vars);
  if (limit > 0 && set.rules.size() > limit) set.rules.resize(limit);
  auto t1 = std::chrono::steady_clock::now();
  auto engine = Engine::build(std::move(set), cfg, nullptr);
  auto t2 = std::chrono::steady_clock::now();
  const auto& st = engine->stats();
  std::printf("rules %zu (prefiltered %zu, ip-only %zu, no fast pattern %zu; %zu patterns in %zu databases)\n",
              st.rules, st.prefiltered, st.iponly, st.no_fast_pattern, st.patterns, st.databases);
  std::printf("load %.2f s (parse %.2f s, build %.2f s; %zu of %zu databases from the cache), "
              "peak RSS after load %ld MB\n",
              std::chrono::duration<double>(t2 - t0).count(), std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count(), st.cached_databases, st.databases,
              peak_rss_kb() / 1024);
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* pc = pcap_open_offline(pcap_path.c_str(), err);
  if (pc == nullptr) {
    std::fprintf(stderr, "%s\n", err);
    return 1;
  }
  std::vector<Pkt> pkts;
  size_t bytes = 0;
  pcap_pkthdr* h;
  const u_char* data;
  while (pcap_next_ex(pc, &h, &data) == 1 && pkts.size() < 2000000) {
    pkts.push_back(Pkt{std::vector<uint8_t>(data, data + h->caplen), h->len});
    bytes += h->len;
  }
  pcap_close(pc);
  auto scratch = engine->make_scratch();
  std::vector<double> secs;
  size_t alerts = 0;
  for (int r = 0; r < runs; ++r) {
    FlowState flow;
    std::vector<Hit> hits;
    alerts = 0;
    auto a = std::chrono::steady_clock::now();
    for (const auto& p : pkts) {
      Input in;
      if (!decode(p, &in)) continue;
      hits.clear();
      engine->match(in, nullptr, *scratch, &hits);
      alerts += hits.size();
    }
    secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(secs.begin(), secs.end());
  double med = secs[secs.size() / 2];
  std::printf("packets %zu, bytes %zu, median %.3f s over %d runs: %.2f Gbit/s, %.0f packets/s, alerts %zu, "
              "peak RSS %ld MB\n",
              pkts.size(), bytes, med, runs, static_cast<double>(bytes) * 8 / med / 1e9,
              static_cast<double>(pkts.size()) / med, alerts, peak_rss_kb() / 1024);
  return 0;
}
