// Compares, for every pcap in the shared corpus (../shared/corpus/pcaps), what Picket sees with what
// tshark sees: frames per protocol, TCP/UDP conversations, HTTP requests (host + URI), DNS query names
// and TLS SNIs. A difference fails unless tshark_known_differences.txt lists (file, metric) with its
// explanation. Without tshark or the corpus the test skips, except under CI=true where it fails.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace picket {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Metrics = std::map<std::string, std::string>;  // metric -> rendered value (counts, or sorted lists)

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

std::string lower_host(std::string h) {
  for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!h.empty() && h.front() != '[') {
    size_t colon = h.rfind(':');
    if (colon != std::string::npos && h.find(':') == colon) h.resize(colon);
  }
  while (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

std::string render(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  std::string out = std::to_string(v.size()) + ":";
  for (const auto& s : v) out += " [" + s + "]";
  return out;
}

bool tshark_available() { return test::run({"/usr/bin/tshark", "--version"}, std::chrono::seconds(60)).exit_code == 0; }

Metrics tshark_metrics(const std::string& pcap) {
  auto r = test::run({"/usr/bin/tshark", "-n", "-r", pcap, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E",
                      "aggregator=|", "-e", "frame.protocols", "-e", "http.request.method", "-e", "http.host", "-e",
                      "http.request.uri", "-e", "dns.flags.response", "-e", "dns.qry.name", "-e",
                      "tls.handshake.type", "-e", "tls.handshake.extensions_server_name", "-e", "tcp.stream", "-e",
                      "udp.stream"},
                     std::chrono::seconds(300));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, uint64_t> frames;
  std::set<std::string> tcp_streams, udp_streams;
  std::vector<std::string> http, dns, tls;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    auto f = split(line, '\t');
    f.resize(10);
    std::set<std::string> layers;
    for (const auto& l : split(f[0], ':')) layers.insert(l);
    for (const char* p : {"ip", "ipv6", "tcp", "udp", "icmp", "icmpv6", "arp"}) {
      if (layers.count(p)) ++frames[p];
    }
    if (!f[1].empty()) {
      auto hosts = split(f[2], '|');
      auto uris = split(f[3], '|');
      auto methods = split(f[1], '|');
      for (size_t i = 0; i < methods.size(); ++i) {
        http.push_back(lower_host(i < hosts.size() ? hosts[i] : "") + " " + (i < uris.size() ? uris[i] : ""));
      }
    }
    if (!f[4].empty()) {
      auto flags = split(f[4], '|');
      bool all_queries = std::all_of(flags.begin(), flags.end(), [](const std::string& x) { return x == "0" || x == "False"; });
      if (all_queries) {
        for (const auto& n : split(f[5], '|')) dns.push_back(n == "<Root>" ? "" : n);
      }
    }
    if (!f[6].empty()) {
      auto types = split(f[6], '|');
      if (std::find(types.begin(), types.end(), "1") != types.end()) tls.push_back(f[7]);
    }
    if (!f[8].empty()) tcp_streams.insert(f[8]);
    if (!f[9].empty()) udp_streams.insert(f[9]);
  }
  Metrics m;
  m["proto.ip"] = std::to_string(frames["ip"]);
  m["proto.ipv6"] = std::to_string(frames["ipv6"]);
  m["proto.tcp"] = std::to_string(frames["tcp"]);
  m["proto.udp"] = std::to_string(frames["udp"]);
  m["proto.icmp"] = std::to_string(frames["icmp"]);
  m["proto.icmpv6"] = std::to_string(frames["icmpv6"]);
  m["proto.arp"] = std::to_string(frames["arp"]);
  m["conv.tcp"] = std::to_string(tcp_streams.size());
  m["conv.udp"] = std::to_string(udp_streams.size());
  m["http"] = render(http);
  m["dns"] = render(dns);
  m["tls"] = render(tls);
  return m;
}

Metrics picket_metrics(const std::string& pcap, const test::TempDir& dir) {
  std::string eve = dir.file(fs::path(pcap).filename().string() + ".eve.json");
  // -k none: tshark does not validate checksums either (and captures made on the sending host carry
  // offloaded ones); midstream: tshark shows traffic of connections whose handshake is not captured.
  auto r = test::run({test::program_path("picket-agent"), "--read-pcap", pcap, "--eve-log", eve, "--eve-types",
                      "http,dns,tls,stats", "-k", "none", "--set", "stream.midstream=true", "--set",
                      "privacy.redact=false", "--set", "detect.workers=1"},
                     std::chrono::seconds(300));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> http, dns, tls;
  json stats;
  std::ifstream in(eve);
  std::string line;
  while (std::getline(in, line)) {
    json e = json::parse(line, nullptr, false);
    if (e.is_discarded()) continue;
    std::string t = e.value("event_type", "");
    if (t == "http") {
      http.push_back(lower_host(e["http"].value("hostname", "")) + " " + e["http"].value("url", ""));
    } else if (t == "dns" && e["dns"].value("type", "") == "query") {
      dns.push_back(e["dns"].value("rrname", ""));
    } else if (t == "tls") {
      tls.push_back(e["tls"].value("sni", ""));
    } else if (t == "stats") {
      stats = e["stats"];
    }
  }
  auto n = [&stats](const char* k) { return std::to_string(stats.value(k, 0)); };
  Metrics m;
  m["proto.ip"] = n("decoder.ipv4");
  m["proto.ipv6"] = n("decoder.ipv6");
  m["proto.tcp"] = n("decoder.tcp");
  m["proto.udp"] = n("decoder.udp");
  m["proto.icmp"] = n("decoder.icmpv4");
  m["proto.icmpv6"] = n("decoder.icmpv6");
  m["proto.arp"] = n("decoder.arp");
  m["conv.tcp"] = n("flow.tcp");
  m["conv.udp"] = n("flow.udp");
  m["http"] = render(http);
  m["dns"] = render(dns);
  m["tls"] = render(tls);
  return m;
}

// "file metric explanation" per line; '#' comments.
std::map<std::pair<std::string, std::string>, std::string> known_differences() {
  std::map<std::pair<std::string, std::string>, std::string> out;
  std::ifstream in(std::string(PICKET_SOURCE_DIR) + "/tests/agent/pipeline/tshark_known_differences.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string file, metric, why;
    ls >> file >> metric;
    std::getline(ls, why);
    out[{file, metric}] = why;
  }
  return out;
}

TEST(TsharkCompare, EveryCorpusPcap) {
  std::string corpus = test::corpus_dir();
  if (corpus.empty() || !fs::exists(corpus + "/pcaps")) {
    if (test::in_ci()) FAIL() << "corpus missing (CI=true)";
    GTEST_SKIP() << "shared corpus not found";
  }
  if (!tshark_available()) {
    if (test::in_ci()) FAIL() << "tshark missing (CI=true)";
    GTEST_SKIP() << "tshark not installed";
  }
  auto known = known_differences();
  std::vector<std::string> pcaps;
  for (const auto& e : fs::recursive_directory_iterator(corpus + "/pcaps")) {
    std::string ext = e.path().extension().string();
    if (ext == ".pcap" || ext == ".pcapng") pcaps.push_back(e.path().string());
  }
  std::sort(pcaps.begin(), pcaps.end());
  ASSERT_FALSE(pcaps.empty());
  test::TempDir dir;
  int compared = 0, known_used = 0;
  for (const auto& pcap : pcaps) {
    std::string name = fs::path(pcap).filename().string();
    Metrics t = tshark_metrics(pcap);
    Metrics p = picket_metrics(pcap, dir);
    for (const auto& [metric, tv] : t) {
      ++compared;
      const std::string& pv = p[metric];
      auto k = known.find({name, metric});
      if (tv == pv) {
        if (k != known.end()) std::cout << "note: known difference no longer differs: " << name << " " << metric << "\n";
        continue;
      }
      if (k != known.end()) {
        ++known_used;
        continue;
      }
      ADD_FAILURE() << name << " " << metric << "\n  tshark: " << tv << "\n  picket: " << pv;
    }
  }
  std::cout << pcaps.size() << " pcaps, " << compared << " comparisons, " << known_used
            << " known differences\n";
}

}  // namespace
}  // namespace picket
