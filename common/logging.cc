#include "common/logging.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <vector>

namespace picket {

void init_logging(const config::Settings& settings, std::string_view program) {
  std::vector<spdlog::sink_ptr> sinks;
  if (settings.get_bool("logging.console")) {
    sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  }
  std::string file = settings.get_string("logging.file");
  if (!file.empty()) {
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file, 10u << 20, 5));
    } catch (const spdlog::spdlog_ex& ex) {
      // Keep running with the console: a log file that cannot be opened is not worth losing detection.
      auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
      console->log(spdlog::details::log_msg(std::string(program), spdlog::level::warn,
                                            std::string("cannot open log file: ") + ex.what()));
    }
  }
  auto logger = std::make_shared<spdlog::logger>(std::string(program), sinks.begin(), sinks.end());
  logger->set_level(spdlog::level::from_str(settings.get_string("logging.level")));
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %n[%P] %l: %v");
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

bool RateLimitedLog::allow(uint64_t* suppressed) {
  while (lock_.test_and_set(std::memory_order_acquire)) {
  }
  auto now = std::chrono::steady_clock::now();
  bool ok = first_ || now - last_ >= interval_;
  if (ok) {
    *suppressed = suppressed_;
    suppressed_ = 0;
    last_ = now;
    first_ = false;
  } else {
    ++suppressed_;
  }
  lock_.clear(std::memory_order_release);
  return ok;
}

}  // namespace picket
