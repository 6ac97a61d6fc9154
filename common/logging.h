#pragma once
// Process logging through spdlog: console (stderr) and an optional rotating file, level from config.
//
//   picket::init_logging(settings, "picket-agent");   // once, from main, before threads start
//   spdlog::info("capture started on {}", iface);     // then from any thread
//
// Hot paths never log per packet or per line; they count, and a rate-limited logger reports the counts.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "common/config.h"

namespace picket {

void init_logging(const config::Settings& settings, std::string_view program);

// Lets one message through per `interval` and counts the rest; the next message that gets through says how
// many were suppressed. Thread-safe.
class RateLimitedLog {
 public:
  explicit RateLimitedLog(std::chrono::milliseconds interval) : interval_(interval) {}
  // Returns true when the caller should log now; *suppressed receives the count held back since the last.
  bool allow(uint64_t* suppressed);

 private:
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point last_{};
  uint64_t suppressed_ = 0;
  bool first_ = true;
  std::atomic_flag lock_ = ATOMIC_FLAG_INIT;
};

}  // namespace picket
