// Tests collector/publish/eve_file.cc and syslog_cef.cc with real files and real UDP/TCP sockets.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "collector/publish/eve_file.h"
#include "collector/publish/syslog_cef.h"
#include "tests/support/process.h"

namespace picket::collector::publish {
namespace {

v1::Alert alert() {
  v1::Alert a;
  a.set_event_time_us(1'790'000'000'123'456);
  a.set_seq(7);
  a.set_host("web-01");
  a.mutable_rule()->set_engine(v1::ENGINE_SURICATA);
  a.mutable_rule()->set_rule_id("2010935");
  a.mutable_rule()->set_sid(2010935);
  a.mutable_rule()->set_title("ET SCAN a|b=c");
  a.mutable_rule()->set_severity(2);
  a.mutable_net()->set_src_ip("203.0.113.5");
  a.mutable_net()->set_src_port(4444);
  a.mutable_net()->set_dest_ip("10.0.0.10");
  a.mutable_net()->set_dest_port(1433);
  a.mutable_net()->set_proto("TCP");
  return a;
}

TEST(EveFileSink, WritesLinesAndRotates) {
  test::TempDir dir;
  std::string path = dir.file("eve.json");
  auto sink = make_eve_file_sink({.path = path, .max_bytes = 4096, .keep = 2});
  ASSERT_TRUE(sink.ok()) << sink.error().format();
  for (int i = 0; i < 60; ++i) (*sink)->alert(alert(), "web-01", "org=finance");
  v1::Incident inc;
  inc.set_id("INC-1");
  inc.set_title("t");
  (*sink)->incident(inc);
  (*sink)->flush();
  EXPECT_EQ((*sink)->stats().written, 61u);
  EXPECT_GE((*sink)->stats().rotations, 2u);
  EXPECT_TRUE(std::filesystem::exists(path + ".1"));
  EXPECT_TRUE(std::filesystem::exists(path + ".2"));
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));
  for (const std::string& p : {path, path + ".1"}) {
    EXPECT_LE(std::filesystem::file_size(p), 4096u);
    std::ifstream in(p);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line);
      EXPECT_TRUE(j["event_type"] == "alert" || j["event_type"] == "incident");
      ++n;
    }
    EXPECT_GT(n, 0);
  }
}

TEST(SyslogCef, FormatsRfc5424AndCef) {
  std::string cef = format_cef_alert(alert(), "web-01", "org=finance");
  EXPECT_EQ(cef.rfind("CEF:0|Picket|picket|" PICKET_VERSION "|2010935|ET SCAN a\\|b=c|7|", 0), 0u) << cef;
  EXPECT_NE(cef.find("src=203.0.113.5 spt=4444 dst=10.0.0.10 dpt=1433 proto=TCP"), std::string::npos) << cef;
  EXPECT_NE(cef.find("cs3=web-01 cs4Label=org cs4=org\\=finance"), std::string::npos) << cef;
  std::string line = format_syslog(16, 2, 1'790'000'000'123'456, "coll ector", "alert", cef);
  EXPECT_EQ(line.rfind("<131>1 2026-09-21T", 0), 0u) << line;
  EXPECT_NE(line.find(".123456Z collector picket - alert - CEF:0|"), std::string::npos) << line;
  EXPECT_FALSE(make_syslog_cef_sink({.target = "http://x:1"}).ok());
  EXPECT_FALSE(make_syslog_cef_sink({.target = "udp://x"}).ok());
}

int bound_socket(int type, int* port) {
  int fd = ::socket(AF_INET, type, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
  socklen_t len = sizeof sa;
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  *port = ntohs(sa.sin_port);
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

TEST(SyslogCef, SendsOverUdp) {
  int port = 0;
  int fd = bound_socket(SOCK_DGRAM, &port);
  auto sink = make_syslog_cef_sink({.target = "udp://127.0.0.1:" + std::to_string(port), .hostname = "c1"});
  ASSERT_TRUE(sink.ok());
  (*sink)->alert(alert(), "web-01", "");
  char buf[9000];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ::close(fd);
  ASSERT_GT(n, 0);
  std::string msg(buf, static_cast<size_t>(n));
  EXPECT_EQ(msg.rfind("<131>1 ", 0), 0u) << msg;
  EXPECT_NE(msg.find(" c1 picket - alert - CEF:0|Picket|"), std::string::npos) << msg;
}

TEST(SyslogCef, SendsOverTcpWithOctetCounting) {
  int port = 0;
  int lfd = bound_socket(SOCK_STREAM, &port);
  ASSERT_EQ(::listen(lfd, 1), 0);
  auto sink = make_syslog_cef_sink({.target = "tcp://127.0.0.1:" + std::to_string(port), .hostname = "c1"});
  ASSERT_TRUE(sink.ok());
  v1::Incident inc;
  inc.set_id("INC-9");
  inc.set_title("Port scan then login");
  inc.set_severity(1);
  inc.set_status("open");
  inc.set_rule_id("correlation:x");
  (*sink)->incident(inc);
  (*sink)->alert(alert(), "web-01", "");
  int cfd = ::accept(lfd, nullptr, nullptr);
  ASSERT_GE(cfd, 0);
  timeval tv{30, 0};
  setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string data;
  char buf[4096];
  while (data.find("CEF", data.find("CEF") + 1) == std::string::npos) {
    ssize_t n = ::recv(cfd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(cfd);
  ::close(lfd);
  size_t sp = data.find(' ');
  ASSERT_NE(sp, std::string::npos);
  size_t len = std::stoul(data.substr(0, sp));
  std::string first = data.substr(sp + 1, len);
  EXPECT_EQ(first.rfind("<130>1 ", 0), 0u) << first;
  EXPECT_NE(first.find("|correlation:x|Port scan then login|10|"), std::string::npos) << first;
  EXPECT_NE(first.find("externalId=INC-9"), std::string::npos) << first;
  EXPECT_EQ(data.substr(sp + 1 + len).find(' ') != std::string::npos, true);
  EXPECT_EQ((*sink)->stats().written, 2u);
}

}  // namespace
}  // namespace picket::collector::publish
