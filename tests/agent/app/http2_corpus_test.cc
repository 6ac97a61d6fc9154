// Real HTTP/2 traffic: the suricata-verify HTTP/2 captures (nghttp2 client/server with Huffman strings and
// a dynamic table shared by many streams; a crafted 70000-byte DATA frame) fed through AppState, both
// directions in capture order (tshark's TCP follow gives them), compared with tshark's own HTTP/2
// dissector: every request's :path and :authority. Skips without the corpus or tshark; fails under CI.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "agent/app/app_state.h"
#include "tests/support/process.h"

namespace picket::app {
namespace {

struct Sink : AppEventSink {
  std::multiset<std::string> paths, authorities;
  void on_app_event(const AppEvent& e) override {
    if (e.kind != AppEventKind::kHttpRequestHeaders || e.http == nullptr) return;
    EXPECT_EQ(e.proto, AppProto::kHttp2);
    paths.emplace(e.http->http_uri_raw());
    authorities.emplace(e.http->http_host_raw());
  }
};

std::string unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string x;
  while (std::getline(ss, x, sep)) out.push_back(x);
  return out;
}

// tshark's full path from PATH ("" when absent): test::run executes a path, it does not search.
std::string find_tshark() {
  const char* path = std::getenv("PATH");
  for (const std::string& dir : split(path != nullptr ? path : "/usr/bin:/bin", ':')) {
    std::string p = dir + "/tshark";
    if (!dir.empty() && std::filesystem::exists(p)) return p;
  }
  return "";
}

struct Case {
  const char* dir;
  uint16_t port;
};

TEST(Http2Corpus, PathsAndAuthoritiesMatchTshark) {
  std::string corpus = test::corpus_dir();
  std::string base = corpus + "/suricata-verify/tests";
  if (corpus.empty() || !std::filesystem::exists(base + "/http2-keywords/input.pcap")) {
    if (test::in_ci()) FAIL() << "corpus missing under CI";
    GTEST_SKIP() << "suricata-verify corpus not found";
  }
  const std::string tshark = find_tshark();
  if (tshark.empty()) {
    if (test::in_ci()) FAIL() << "tshark missing under CI";
    GTEST_SKIP() << "tshark not installed";
  }
  for (const Case& c : {Case{"http2-keywords", 3000}, Case{"http2-long-frame", 8443}}) {
    SCOPED_TRACE(c.dir);
    std::string pcap = base + "/" + c.dir + "/input.pcap";
    auto follow = test::run({tshark, "-r", pcap, "-q", "-z", "follow,tcp,raw,0"});
    ASSERT_EQ(follow.exit_code, 0) << follow.err;
    AppLimits limits;
    AppCounters counters;
    AppState app(limits, counters, c.port);
    Sink sink;
    bool in_data = false;
    for (const std::string& line : split(follow.out, '\n')) {
      if (line.rfind("Node 1:", 0) == 0) {
        in_data = true;
        continue;
      }
      if (!in_data || line.empty() || line[0] == '=') continue;
      bool server = line[0] == '\t';
      std::string bytes = unhex(server ? line.substr(1) : line);
      app.on_data(server ? Direction::kToClient : Direction::kToServer,
                  {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, &sink);
    }
    app.on_close(Direction::kToServer, &sink);
    app.on_close(Direction::kToClient, &sink);
    auto fields = test::run({tshark, "-r", pcap, "-d", "tcp.port==" + std::to_string(c.port) + ",http2", "-Y",
                             "http2.type == 1", "-T", "fields", "-e", "http2.headers.path", "-e",
                             "http2.headers.authority"});
    ASSERT_EQ(fields.exit_code, 0) << fields.err;
    std::multiset<std::string> paths, authorities;
    for (const std::string& line : split(fields.out, '\n')) {
      auto cols = split(line, '\t');
      if (cols.size() >= 1) {
        for (const auto& p : split(cols[0], ',')) if (!p.empty()) paths.insert(p);
      }
      if (cols.size() >= 2) {
        for (const auto& a : split(cols[1], ',')) if (!a.empty()) authorities.insert(a);
      }
    }
    EXPECT_FALSE(paths.empty());
    EXPECT_EQ(sink.paths, paths);
    EXPECT_EQ(sink.authorities, authorities);
    EXPECT_EQ(counters.http2_hpack_error, 0u);
    EXPECT_EQ(counters.http2_bad_frame, 0u);
  }
}

}  // namespace
}  // namespace picket::app
