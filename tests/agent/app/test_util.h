#pragma once
// Helpers for the agent/app tests: an event sink that copies what it sees, and byte builders.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agent/app/app_event.h"
#include "agent/app/http.h"

namespace picket::app::test {

inline std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Records event kinds and copies body chunks (views are only valid during the callback).
struct RecordingSink : AppEventSink {
  std::vector<AppEventKind> kinds;
  std::string request_body_chunks;
  std::string response_body_chunks;
  std::vector<std::string> completed_uris;  // at kHttpResponseComplete
  std::function<void(const AppEvent&)> extra;
  void on_app_event(const AppEvent& e) override {
    kinds.push_back(e.kind);
    if (e.kind == AppEventKind::kHttpRequestBody) request_body_chunks.append(e.data);
    if (e.kind == AppEventKind::kHttpResponseBody) response_body_chunks.append(e.data);
    if (e.kind == AppEventKind::kHttpResponseComplete && e.http != nullptr) {
      completed_uris.emplace_back(e.http->http_uri());
    }
    if (extra) extra(e);
  }
  size_t count(AppEventKind k) const {
    size_t n = 0;
    for (auto x : kinds) n += x == k ? 1 : 0;
    return n;
  }
};

}  // namespace picket::app::test
