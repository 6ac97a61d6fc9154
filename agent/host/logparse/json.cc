// One JSON object per line. Nested objects flatten to dotted names ("http.method"); arrays to
// "name.0", "name.1"; every value becomes text. The log source comes from the line when it names one
// (product / category / service, or a syslog-style program / SYSLOG_IDENTIFIER); the product defaults
// to linux. The time comes from @timestamp, timestamp or time when it is ISO 8601.
#include <nlohmann/json.hpp>

#include "agent/host/logparse/parser.h"

namespace picket::host {
namespace {

constexpr int kMaxDepth = 16;
constexpr size_t kMaxFields = 256;

class JsonParser final : public LogParser {
 public:
  explicit JsonParser(ParseOptions opt) : opt_(std::move(opt)) {}

  void parse(std::string_view line, uint64_t offset, const EventSink& sink) override {
    ++stats_.lines;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF files
    if (line.size() > kMaxLineBytes) {
      line = line.substr(0, kMaxLineBytes);
      ++stats_.too_long;
    }
    ev_.clear();
    ev_.offset = offset;
    ev_.set_raw(line);
    nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      ++stats_.unparsed;
      ev_.set_product("linux");
    } else {
      ev_.parsed = true;
      std::string prefix;
      flatten(j, prefix, 0);
      const LogField* product = ev_.find("product");
      ev_.set_product(product != nullptr ? std::string_view(product->value) : std::string_view("linux"));
      if (const auto* c = ev_.find("category")) ev_.set_category(c->value);
      for (const char* k : {"service", "program", "SYSLOG_IDENTIFIER"}) {
        if (const auto* f = ev_.find(k)) ev_.add_service(normalize_program(f->value, buf_));
      }
      for (const char* k : {"@timestamp", "timestamp", "time"}) {
        if (const auto* f = ev_.find(k)) {
          int64_t t = 0;
          size_t used = 0;
          if (parse_iso8601(f->value, opt_.clock, &t, &used)) {
            ev_.time_us = t;
            break;
          }
        }
      }
    }
    ++stats_.events;
    sink(ev_);
  }

 private:
  void flatten(const nlohmann::json& j, std::string& prefix, int depth) {
    if (ev_.size() >= kMaxFields) return;
    if (j.is_object() || j.is_array()) {
      if (depth >= kMaxDepth) return;
      const size_t keep = prefix.size();
      size_t index = 0;
      for (auto it = j.begin(); it != j.end(); ++it, ++index) {
        if (keep != 0) prefix += '.';
        prefix += j.is_object() ? it.key() : std::to_string(index);
        flatten(it.value(), prefix, depth + 1);
        prefix.resize(keep);
      }
      return;
    }
    if (prefix.empty()) return;
    if (j.is_string()) {
      ev_.set(prefix, j.get_ref<const std::string&>());
    } else if (j.is_null()) {
      ev_.set(prefix, "");
    } else {
      ev_.set(prefix, j.dump());
    }
  }

  ParseOptions opt_;
  LogEvent ev_;
  std::string buf_;
};

}  // namespace

std::unique_ptr<LogParser> make_json_parser(const ParseOptions& options) {
  return std::make_unique<JsonParser>(options);
}

}  // namespace picket::host
