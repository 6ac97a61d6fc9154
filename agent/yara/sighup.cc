#include "agent/yara/sighup.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace picket::yara {
namespace {

std::atomic<int> g_write_fd{-1};
struct sigaction g_previous {};

void on_sighup(int) {
  int saved = errno;
  int fd = g_write_fd.load();
  if (fd >= 0) {
    char b = 1;
    [[maybe_unused]] ssize_t n = ::write(fd, &b, 1);
  }
  errno = saved;
}

}  // namespace

SighupReloader::SighupReloader(std::function<void()> on_hup) : on_hup_(std::move(on_hup)) {
  if (::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    pipe_[0] = pipe_[1] = -1;
    return;
  }
  g_write_fd.store(pipe_[1]);
  struct sigaction sa {};
  sa.sa_handler = on_sighup;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &sa, &g_previous);
  thread_ = std::thread([this] {
    for (;;) {
      pollfd pfd{.fd = pipe_[0], .events = POLLIN, .revents = 0};
      if (::poll(&pfd, 1, -1) < 0) {
        if (errno == EINTR) {
          continue;
        }
        return;
      }
      char buf[64];
      ssize_t n = ::read(pipe_[0], buf, sizeof buf);
      if (n <= 0) {
        continue;
      }
      bool quit = false;
      for (ssize_t i = 0; i < n; ++i) {
        quit = quit || buf[i] == 0;
      }
      if (quit) {
        return;
      }
      if (on_hup_) {
        on_hup_();
      }
    }
  });
}

SighupReloader::~SighupReloader() {
  if (pipe_[1] < 0) {
    return;
  }
  sigaction(SIGHUP, &g_previous, nullptr);
  g_write_fd.store(-1);
  char quit = 0;
  [[maybe_unused]] ssize_t n = ::write(pipe_[1], &quit, 1);
  thread_.join();
  ::close(pipe_[0]);
  ::close(pipe_[1]);
}

}  // namespace picket::yara
