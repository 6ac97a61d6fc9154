#pragma once
// Helpers shared by the picket_yara tests: an alert collector the scan threads can write to, and waiting.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "picket.pb.h"

namespace picket::yara::test {

class AlertLog {
 public:
  void push(v1::Alert a) {
    {
      std::lock_guard lock(mu_);
      alerts_.push_back(std::move(a));
    }
    cv_.notify_all();
  }
  // Waits until some alert satisfies `pred`; returns it (or nullopt after `timeout`).
  std::optional<v1::Alert> wait_for(const std::function<bool(const v1::Alert&)>& pred,
                                    std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    std::optional<v1::Alert> found;
    cv_.wait_for(lock, timeout, [&] {
      for (const auto& a : alerts_) {
        if (pred(a)) {
          found = a;
          return true;
        }
      }
      return false;
    });
    return found;
  }
  std::vector<v1::Alert> all() {
    std::lock_guard lock(mu_);
    return alerts_;
  }
  void clear() {
    std::lock_guard lock(mu_);
    alerts_.clear();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<v1::Alert> alerts_;
};

inline std::function<bool(const v1::Alert&)> fim(const std::string& change, const std::string& path) {
  return [=](const v1::Alert& a) {
    return a.rule().engine() == v1::ENGINE_FIM && a.rule().rule_id() == change && a.file().path() == path;
  };
}

inline std::function<bool(const v1::Alert&)> yara_on(const std::string& rule_id, const std::string& path) {
  return [=](const v1::Alert& a) {
    return a.rule().engine() == v1::ENGINE_YARA && a.rule().rule_id() == rule_id && a.file().path() == path;
  };
}

}  // namespace picket::yara::test
