// privdrop_probe USER [--with-thread]: opens a packet socket on lo as root (a "capture handle"), calls
// drop_privileges(USER) and prints, one KEY=VALUE per line, what the process can still do. Run by
// privdrop_test as root inside a mount namespace where USER exists.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "agent/privdrop/privdrop.h"
#include "agent/privdrop/proc_status.h"

namespace {

int open_packet_socket() {
  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
  if (fd < 0) return -1;
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = static_cast<int>(if_nametoindex("lo"));
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends a UDP datagram over lo and waits (up to 10 s) for the packet socket to see it.
bool handle_sees_traffic(int packet_fd) {
  int udp = socket(AF_INET, SOCK_DGRAM, 0);
  if (udp < 0) return false;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(9);  // discard; nobody needs to listen
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const char payload[] = "picket-privdrop-probe";
  bool seen = false;
  for (int attempt = 0; attempt < 10 && !seen; ++attempt) {
    sendto(udp, payload, sizeof payload, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    pollfd p{.fd = packet_fd, .events = POLLIN, .revents = 0};
    while (!seen && poll(&p, 1, 1000) > 0) {
      char buf[2048];
      ssize_t n = recv(packet_fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      seen = memmem(buf, static_cast<size_t>(n), payload, sizeof payload - 1) != nullptr;
    }
  }
  close(udp);
  return seen;
}

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: privdrop_probe USER [--with-thread]\n";
    return 64;
  }
  const std::string user = argv[1];
  const bool with_thread = argc > 2 && std::string(argv[2]) == "--with-thread";
  if (const passwd* pw = getpwnam(user.c_str()); pw != nullptr) {
    std::cout << "user_uid=" << pw->pw_uid << "\nuser_gid=" << pw->pw_gid << "\n";
  }
  int handle = open_packet_socket();
  std::cout << "handle_open=" << (handle >= 0 ? "ok" : std::strerror(errno)) << "\n";

  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread extra;
  if (with_thread) {
    extra = std::thread([&] {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return done; });
    });
    // Wait until the kernel lists the thread.
    for (int i = 0; i < 100; ++i) {
      auto c = picket::privdrop::read_proc_status();
      if (c && c->threads > 1) break;
      usleep(10000);
    }
  }
  picket::Status s = picket::privdrop::drop_privileges(user);
  std::cout << "drop=" << (s ? "ok" : "error") << "\n";
  if (!s) std::cout << "drop_error=" << s.error().format() << "\n";
  if (with_thread) {
    {
      std::lock_guard lock(m);
      done = true;
    }
    cv.notify_all();
    extra.join();
  }

  auto c = picket::privdrop::read_proc_status();
  if (!c) {
    std::cout << "status_error=" << c.error().format() << "\n";
    return 1;
  }
  std::cout << "uid=" << c->uid[0] << "," << c->uid[1] << "," << c->uid[2] << "," << c->uid[3] << "\n"
            << "gid=" << c->gid[0] << "," << c->gid[1] << "," << c->gid[2] << "," << c->gid[3] << "\n"
            << "cap_eff=" << hex(c->cap_eff) << "\ncap_prm=" << hex(c->cap_prm) << "\ncap_inh=" << hex(c->cap_inh)
            << "\ncap_amb=" << hex(c->cap_amb) << "\ncap_bnd=" << hex(c->cap_bnd)
            << "\nno_new_privs=" << (c->no_new_privs ? 1 : 0) << "\n";
  if (!s) return 0;

  std::cout << "old_handle=" << (handle >= 0 && handle_sees_traffic(handle) ? "ok" : "failed") << "\n";
  int fresh = open_packet_socket();
  std::cout << "new_packet_socket=" << (fresh >= 0 ? "ok" : std::strerror(errno)) << "\n";
  int shadow = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
  std::cout << "read_shadow=" << (shadow >= 0 ? "ok" : std::strerror(errno)) << "\n";
  int etc = open("/etc/picket-privdrop-probe", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  std::cout << "write_etc=" << (etc >= 0 ? "allowed" : "denied") << "\n";
  if (etc >= 0) unlink("/etc/picket-privdrop-probe");
  std::cout << "setuid0=" << (setuid(0) == 0 ? "allowed" : "denied") << "\n";
  std::cout << "signal_init=" << (kill(1, 0) == 0 ? "allowed" : "denied") << "\n";  // needs CAP_KILL
  for (int fd : {handle, fresh, shadow, etc}) {
    if (fd >= 0) close(fd);
  }
  return 0;
}
