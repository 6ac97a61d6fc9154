// App-layer parser throughput (google-benchmark): HTTP transactions fed in MTU-sized segments, a gzip
// chunked response, DNS messages, a TLS handshake flight with a certificate. Prints bytes/s per case.
//   build/hr-app/bench/net/app_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <zlib.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/app/app_state.h"
#include "agent/app/dns.h"
#include "agent/app/tls.h"

namespace {

using picket::app::AppCounters;
using picket::app::AppLimits;
using picket::app::AppState;
using picket::app::Direction;

struct NullSink : picket::app::AppEventSink {
  size_t n = 0;
  void on_app_event(const picket::app::AppEvent& e) override { n += 1 + e.data.size(); }
};

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

void feed_segments(AppState& app, Direction d, const std::string& s, NullSink& sink, size_t mss = 1448) {
  for (size_t i = 0; i < s.size(); i += mss) {
    app.on_data(d, as_bytes(s).subspan(i, std::min(mss, s.size() - i)), &sink);
  }
}

const std::string& request() {
  static const std::string r =
      "GET /static/js/app.bundle.min.js?v=2024.11.30&lang=en HTTP/1.1\r\n"
      "Host: portal.example.gov\r\n"
      "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n"
      "Accept: */*\r\nAccept-Language: en-US,en;q=0.9\r\nAccept-Encoding: gzip, deflate\r\n"
      "Referer: https://portal.example.gov/services/index.html\r\n"
      "Cookie: JSESSIONID=0123456789ABCDEF; pref=dark; consent=yes\r\nConnection: keep-alive\r\n\r\n";
  return r;
}

void BM_HttpTransactions(benchmark::State& state) {
  size_t body_size = static_cast<size_t>(state.range(0));
  std::string resp = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/javascript\r\nContent-Length: " +
                     std::to_string(body_size) + "\r\n\r\n" + std::string(body_size, 'x');
  AppLimits limits;
  uint64_t bytes = 0;
  for (auto _ : state) {
    AppCounters c;
    AppState app(limits, c, 80);
    NullSink sink;
    for (int i = 0; i < 16; ++i) {
      feed_segments(app, Direction::kToServer, request(), sink);
      feed_segments(app, Direction::kToClient, resp, sink);
    }
    bytes += 16 * (request().size() + resp.size());
    benchmark::DoNotOptimize(sink.n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_HttpTransactions)->Arg(0)->Arg(800)->Arg(16 * 1024);

void BM_HttpChunkedGzip(benchmark::State& state) {
  std::string body;
  for (int i = 0; i < 2000; ++i) body += "<div class=\"row\">item " + std::to_string(i) + " of the listing</div>\n";
  uLongf cap = compressBound(body.size()) + 32;
  std::string gz(cap, '\0');
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  zs.next_in = reinterpret_cast<Bytef*>(body.data());
  zs.avail_in = static_cast<uInt>(body.size());
  zs.next_out = reinterpret_cast<Bytef*>(gz.data());
  zs.avail_out = static_cast<uInt>(gz.size());
  deflate(&zs, Z_FINISH);
  gz.resize(zs.total_out);
  deflateEnd(&zs);
  std::string resp = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n";
  for (size_t i = 0; i < gz.size(); i += 4000) {
    std::string part = gz.substr(i, 4000);
    char hex[16];
    snprintf(hex, sizeof(hex), "%zx\r\n", part.size());
    resp += hex + part + "\r\n";
  }
  resp += "0\r\n\r\n";
  AppLimits limits;
  limits.http_response_body_limit = 1 << 20;  // decode everything
  uint64_t bytes = 0;
  for (auto _ : state) {
    AppCounters c;
    AppState app(limits, c, 80);
    NullSink sink;
    feed_segments(app, Direction::kToServer, request(), sink);
    feed_segments(app, Direction::kToClient, resp, sink);
    bytes += request().size() + resp.size();
    benchmark::DoNotOptimize(sink.n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["decoded_ratio"] = static_cast<double>(body.size()) / static_cast<double>(gz.size());
}
BENCHMARK(BM_HttpChunkedGzip);

std::vector<uint8_t> dns_response() {
  std::vector<uint8_t> m = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 4, 0, 0, 0, 0};
  auto name = [&](const char* n) {
    std::string s(n);
    size_t p = 0;
    while (p < s.size()) {
      size_t d = s.find('.', p);
      if (d == std::string::npos) d = s.size();
      m.push_back(static_cast<uint8_t>(d - p));
      m.insert(m.end(), s.begin() + static_cast<std::ptrdiff_t>(p), s.begin() + static_cast<std::ptrdiff_t>(d));
      p = d + 1;
    }
    m.push_back(0);
  };
  name("www.services.example.gov");
  m.insert(m.end(), {0, 1, 0, 1});
  m.insert(m.end(), {0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 1, 0x2c, 0, 6, 3, 'c', 'd', 'n', 0xc0, 0x10});
  for (uint8_t last : {10, 11, 12}) {
    m.insert(m.end(), {0xc0, 0x2a, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, last});
  }
  return m;
}

void BM_DnsParse(benchmark::State& state) {
  std::vector<uint8_t> m = dns_response();
  AppLimits limits;
  AppCounters c;
  picket::app::DnsMessage msg;
  for (auto _ : state) {
    bool ok = picket::app::parse_dns(m, limits, c, msg);
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * m.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_DnsParse);

void put16(std::string& b, size_t v) {
  b.push_back(static_cast<char>(v >> 8));
  b.push_back(static_cast<char>(v & 0xff));
}
void put24(std::string& b, size_t v) {
  b.push_back(static_cast<char>(v >> 16));
  put16(b, v & 0xffff);
}
std::string record(uint8_t type, const std::string& body) {
  std::string r(1, static_cast<char>(type));
  put16(r, 0x0303);
  put16(r, body.size());
  return r + body;
}
std::string hs(uint8_t type, const std::string& body) {
  std::string h(1, static_cast<char>(type));
  put24(h, body.size());
  return h + body;
}

std::string client_flight() {
  std::string ch;
  put16(ch, 0x0303);
  ch += std::string(32, 'r');
  ch.push_back(0);
  put16(ch, 32);
  for (int i = 0; i < 16; ++i) put16(ch, 0xc000 + i);
  ch += std::string("\x01\x00", 2);
  std::string exts;
  std::string sni;
  sni.push_back(0);
  put16(sni, 19);
  sni += "portal.example.gov.";
  std::string sni_ext;
  put16(sni_ext, sni.size());
  sni_ext += sni;
  put16(exts, 0);
  put16(exts, sni_ext.size());
  exts += sni_ext;
  put16(exts, 10);
  put16(exts, 8);
  put16(exts, 6);
  put16(exts, 29);
  put16(exts, 23);
  put16(exts, 24);
  put16(ch, exts.size());
  ch += exts;
  return record(22, hs(1, ch));
}

// ServerHello + a self-signed certificate with this serial + ServerHelloDone + ChangeCipherSpec.
std::string server_flight(long serial) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 86400);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("portal.example.gov"), -1, -1, 0);
  X509_set_issuer_name(x.get(), X509_get_subject_name(x.get()));
  X509_set_pubkey(x.get(), key.get());
  X509_sign(x.get(), key.get(), EVP_sha256());
  unsigned char* der = nullptr;
  int n = i2d_X509(x.get(), &der);
  std::string cert(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  std::string sh;
  put16(sh, 0x0303);
  sh += std::string(32, 's');
  sh.push_back(0);
  put16(sh, 0xc02f);
  sh.push_back(0);
  put16(sh, 0);
  std::string list;
  put24(list, cert.size());
  list += cert;
  std::string cm;
  put24(cm, list.size());
  cm += list;
  return record(22, hs(2, sh) + hs(11, cm) + hs(14, "")) + record(20, "\x01");
}

// range(0) distinct server certificates, used round robin: 1 = every flow sees the same certificate
// (the per-thread decode cache hits), 512 = more certificates than the cache holds (every decode misses).
void BM_TlsHandshake(benchmark::State& state) {
  std::string client = client_flight();
  std::vector<std::string> servers;
  for (long i = 0; i < state.range(0); ++i) servers.push_back(server_flight(1000 + i));
  AppLimits limits;
  uint64_t bytes = 0;
  size_t next = 0;
  for (auto _ : state) {
    const std::string& server = servers[next++ % servers.size()];
    AppCounters c;
    AppState app(limits, c, 443);
    NullSink sink;
    feed_segments(app, Direction::kToServer, client, sink);
    feed_segments(app, Direction::kToClient, server, sink);
    bytes += client.size() + server.size();
    benchmark::DoNotOptimize(sink.n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TlsHandshake)->Arg(1)->Arg(512);

}  // namespace

BENCHMARK_MAIN();
