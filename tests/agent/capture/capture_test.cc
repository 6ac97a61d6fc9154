// tests agent/capture: pcap and pcapng files (pcap_file.cc) and live capture on loopback inside a private
// network namespace (live.cc); skips the live part where unshare(CLONE_NEWNET) is not permitted.
#include "agent/capture/capture.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <string>

#include "tests/agent/decode/pcap_builder.h"
#include "tests/support/process.h"

namespace picket::capture {
namespace {

namespace tp = testpkt;
using tp::Bytes;

TEST(CaptureFile, ReadsPcap) {
  test::TempDir dir;
  tp::PcapWriter w;
  w.add(1'700'000'000'123'456, Bytes(60, 1));
  w.add(1'700'000'001'000'001, Bytes(100, 2));
  ASSERT_TRUE(w.save(dir.file("a.pcap")));
  auto src = open_file(dir.file("a.pcap"));
  ASSERT_TRUE(src.ok()) << src.error().format();
  EXPECT_EQ((*src)->linktype(), 1);
  Frame f;
  ASSERT_EQ((*src)->next(&f), NextResult::kPacket);
  EXPECT_EQ(f.ts_us, 1'700'000'000'123'456);
  EXPECT_EQ(f.data.size(), 60u);
  ASSERT_EQ((*src)->next(&f), NextResult::kPacket);
  EXPECT_EQ(f.wire_len, 100u);
  EXPECT_EQ((*src)->next(&f), NextResult::kEnd);
  EXPECT_EQ((*src)->stats().packets, 2u);
  EXPECT_EQ((*src)->stats().bytes, 160u);
}

void put32le(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
}

TEST(CaptureFile, ReadsPcapng) {
  // Section header, interface description (Ethernet), one enhanced packet block.
  std::string b;
  put32le(b, 0x0A0D0D0A); put32le(b, 28); put32le(b, 0x1A2B3C4D);
  b += std::string("\x01\x00\x00\x00", 4);
  b += std::string(8, '\xff');
  put32le(b, 28);
  put32le(b, 1); put32le(b, 20); b += std::string("\x01\x00\x00\x00", 4); put32le(b, 65535); put32le(b, 20);
  Bytes frame(42, 7);
  uint64_t ts = 1'700'000'000'654'321ull;
  put32le(b, 6); put32le(b, 32 + 44); put32le(b, 0);
  put32le(b, static_cast<uint32_t>(ts >> 32)); put32le(b, static_cast<uint32_t>(ts));
  put32le(b, 42); put32le(b, 42);
  b.append(frame.begin(), frame.end());
  b += std::string(2, '\0');
  put32le(b, 32 + 44);
  test::TempDir dir;
  std::string path = dir.write("a.pcapng", b);
  auto src = open_file(path);
  ASSERT_TRUE(src.ok()) << src.error().format();
  Frame f;
  ASSERT_EQ((*src)->next(&f), NextResult::kPacket);
  EXPECT_EQ(f.ts_us, static_cast<int64_t>(ts));
  EXPECT_EQ(f.data.size(), 42u);
  EXPECT_EQ((*src)->next(&f), NextResult::kEnd);
}

TEST(CaptureFile, ErrorsNameTheFile) {
  test::TempDir dir;
  auto missing = open_file(dir.file("missing.pcap"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().format().find("missing.pcap"), std::string::npos);
  auto junk = open_file(dir.write("junk.pcap", "this is not a capture"));
  ASSERT_FALSE(junk.ok());
  // A truncated last record is reported, not a crash.
  tp::PcapWriter w;
  w.add(1, Bytes(100, 3));
  std::string bytes(w.bytes().begin(), w.bytes().end() - 30);
  auto cut = open_file(dir.write("cut.pcap", bytes));
  ASSERT_TRUE(cut.ok());
  Frame f;
  EXPECT_EQ((*cut)->next(&f), NextResult::kError);
  EXPECT_FALSE((*cut)->last_error().empty());
}

TEST(CaptureLive, BadInterfaceAndFilterAreErrors) {
  auto none = open_live(LiveOptions{.interface = ""});
  ASSERT_FALSE(none.ok());
  auto bogus = open_live(LiveOptions{.interface = "picket-no-such-if0"});
  ASSERT_FALSE(bogus.ok());
  EXPECT_NE(bogus.error().format().find("picket-no-such-if0"), std::string::npos);
}

// In a child process: enters a private network namespace and brings its lo up. Returns 0 with a UDP socket
// in *sock, 77 when unshare is not permitted (skip), 10/11 when lo cannot be brought up.
int enter_netns_with_lo(int* sock) {
  if (unshare(CLONE_NEWNET) != 0) return 77;
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) return 10;
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
  if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) return 11;
  *sock = s;
  return 0;
}

// Runs `child` in a forked process and returns its exit code (-1 when it did not exit normally).
int run_child(int (*child)()) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) _exit(child());
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// Exit code 77 from a namespace child: skipped outside CI, a failure under CI (it runs as root).
#define SKIP_OR_FAIL_WITHOUT_NETNS(code)                                                        \
  if ((code) == 77) {                                                                          \
    if (picket::test::in_ci()) FAIL() << "unshare(CLONE_NEWNET) not permitted, and CI runs as root"; \
    GTEST_SKIP() << "unshare(CLONE_NEWNET) not permitted here";                                \
  }

// Child process: private network namespace, lo up, capture UDP sent to 127.0.0.1. Exit codes: 0 ok,
// 77 skip (not permitted), others fail.
int live_child() {
  int s = -1;
  if (int e = enter_netns_with_lo(&s); e != 0) return e;
  // A bad filter is a config error naming capture.bpf.
  auto bad = open_live(LiveOptions{.interface = "lo", .bpf = "udp and and"});
  if (bad.ok() || bad.error().format().find("capture.bpf") == std::string::npos) return 12;
  auto src = open_live(LiveOptions{.interface = "lo", .bpf = "udp dst port 9999", .snaplen = 256,
                                   .promisc = false, .buffer_size = 1 << 20, .immediate = true, .timeout_ms = 50});
  if (!src.ok()) return 13;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(9999);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const char msg[] = "picket-live-capture";
  for (int i = 0; i < 5; ++i) sendto(s, msg, sizeof(msg), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  sockaddr_in other = to;
  other.sin_port = htons(9998);  // filtered out by BPF
  sendto(s, msg, sizeof(msg), 0, reinterpret_cast<sockaddr*>(&other), sizeof(other));
  int got = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  Frame f;
  while (got < 5 && std::chrono::steady_clock::now() < deadline) {
    NextResult r = (*src)->next(&f);
    if (r == NextResult::kPacket) {
      std::string_view data(reinterpret_cast<const char*>(f.data.data()), f.data.size());
      if (data.find("picket-live-capture") == std::string_view::npos) return 14;
      ++got;
    } else if (r == NextResult::kError) {
      return 15;
    }
  }
  if (got != 5) return 16;
  CaptureStats st = (*src)->stats();
  if (st.packets != 5 || st.dropped != 0) return 17;
  (*src)->break_loop();
  if ((*src)->next(&f) != NextResult::kEnd) return 18;
  close(s);
  return 0;
}

TEST(CaptureLive, LoopbackInPrivateNamespace) {
  int code = run_child(live_child);
  SKIP_OR_FAIL_WITHOUT_NETNS(code);
  EXPECT_EQ(code, 0) << "live capture child failed at step " << code;
}

// Child process: private network namespace, a capture on lo with a small kernel buffer that is not read
// while a burst of UDP datagrams arrives, so the kernel must drop; stats() must count those drops
// (pcap_stats ps_drop): this is the number picket-agent puts in its heartbeats (Counters.capture_drops).
// Exit codes: 0 ok, 77 skip, others fail.
int drops_child() {
  int s = -1;
  if (int e = enter_netns_with_lo(&s); e != 0) return e;
  auto src = open_live(LiveOptions{.interface = "lo", .bpf = "udp dst port 9999", .snaplen = 2048,
                                   .promisc = false, .buffer_size = 256 << 10, .immediate = false,
                                   .timeout_ms = 50});
  if (!src.ok()) return 12;
  CaptureStats before = (*src)->stats();
  if (before.dropped != 0) return 13;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(9999);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string msg(1200, 'd');
  // 20000 x 1200 bytes (about 25 MB) into a 256 KB ring that nobody reads: most of it must be dropped.
  for (int i = 0; i < 20000; ++i) sendto(s, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  CaptureStats st = (*src)->stats();
  if (st.dropped + st.if_dropped == 0) return 14;
  // Reading what the ring kept works, and drops never go backwards (they are cumulative).
  Frame f;
  int got = 0;
  for (int i = 0; i < 100000 && got < 10; ++i) {
    NextResult r = (*src)->next(&f);
    if (r == NextResult::kPacket) ++got;
    if (r == NextResult::kError || r == NextResult::kEnd) return 15;
  }
  if (got < 10) return 16;
  CaptureStats after = (*src)->stats();
  if (after.dropped < st.dropped) return 17;
  close(s);
  return 0;
}

TEST(CaptureLive, KernelDropsAreCounted) {
  int code = run_child(drops_child);
  SKIP_OR_FAIL_WITHOUT_NETNS(code);
  EXPECT_EQ(code, 0) << "capture drops child failed at step " << code;
}

}  // namespace
}  // namespace picket::capture
