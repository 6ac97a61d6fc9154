#pragma once
// One parsed log event: the raw line, its time, its Sigma log source (product, category, services) and its
// fields under the names Sigma rules use. Parsers fill one reused LogEvent per line (clear() keeps every
// buffer's capacity), so the hot path allocates nothing once warmed up. Values keep their case: Sigma's
// case-insensitive matching folds ASCII case while comparing (sigma/value.cc), without lowercased copies.
//
//   picket::host::LogEvent ev;
//   ev.clear();
//   ev.set_raw("Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186");
//   ev.add_service("sshd");
//   ev.set("user", "webmaster");
//   if (const auto* f = ev.find("user")) use(f->value);
//
// Plain value; one thread at a time.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace picket::host {

struct LogField {
  std::string name;
  std::string value;
  uint32_t sig = 0;  // name_sig(name): most lookups that miss are decided without comparing bytes
};

// Length and first and last byte of a field name, packed.
inline uint32_t name_sig(std::string_view name) {
  if (name.empty()) return 0;
  return static_cast<uint32_t>(name.size()) << 16 | static_cast<uint32_t>(static_cast<uint8_t>(name.front())) << 8 |
         static_cast<uint8_t>(name.back());
}

// ASCII lowercase of `in` into `out` (out is overwritten).
void ascii_lower(std::string_view in, std::string& out);

class LogEvent {
 public:
  void clear();
  // Adds a field, or replaces the value of an existing one with the same name.
  void set(std::string_view name, std::string_view value);
  const LogField* find(std::string_view name) const;
  size_t size() const { return used_; }
  const LogField& at(size_t i) const { return fields_[i]; }

  void set_raw(std::string_view line);
  const std::string& raw() const { return raw_; }

  // Log source (stored lowercase). A line may belong to several services: an auth.log sshd line is service
  // "auth" and service "sshd".
  void set_product(std::string_view p) { ascii_lower(p, product_); }
  void set_category(std::string_view c) { ascii_lower(c, category_); }
  void add_service(std::string_view s);
  const std::string& product() const { return product_; }
  const std::string& category() const { return category_; }
  bool has_service(std::string_view s) const;
  size_t service_count() const { return n_services_; }
  const std::string& service(size_t i) const { return services_[i]; }

  int64_t time_us = 0;   // event time, UTC microseconds; 0 when the line has none
  uint64_t offset = 0;   // byte offset of the (first) line in its source
  bool parsed = false;   // false: the line did not fit the format; only raw and the log source are set

 private:
  std::vector<LogField> fields_;
  size_t used_ = 0;
  std::string raw_;
  std::string product_;
  std::string category_;
  std::string services_[3];
  size_t n_services_ = 0;
};

}  // namespace picket::host
