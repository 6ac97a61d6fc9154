#pragma once
// Runs a callback on a thread of its own each time the process receives SIGHUP (rule reload).
//
//   picket::yara::SighupReloader hup([&] { service.reload(); });   // from main, once
//
// The signal handler only writes a byte to a pipe (async-signal-safe); the callback runs on the reloader's
// thread, never in signal context. One instance per process (a second constructor call replaces the
// handler). The destructor restores the previous disposition and joins the thread. A daemon that has its
// own signal loop can skip this class and call the reload function from that loop instead.
#include <functional>
#include <thread>

namespace picket::yara {

class SighupReloader {
 public:
  explicit SighupReloader(std::function<void()> on_hup);
  ~SighupReloader();
  SighupReloader(const SighupReloader&) = delete;
  SighupReloader& operator=(const SighupReloader&) = delete;

 private:
  std::function<void()> on_hup_;
  int pipe_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace picket::yara
