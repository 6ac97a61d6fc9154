#include "agent/host/log_event.h"

namespace picket::host {

void ascii_lower(std::string_view in, std::string& out) {
  out.resize(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
}

void LogEvent::clear() {
  used_ = 0;
  raw_.clear();
  raw_lower_.clear();
  product_.clear();
  category_.clear();
  n_services_ = 0;
  time_us = 0;
  offset = 0;
  parsed = false;
}

void LogEvent::set(std::string_view name, std::string_view value) {
  for (size_t i = 0; i < used_; ++i) {
    if (fields_[i].name == name) {
      fields_[i].value.assign(value);
      ascii_lower(value, fields_[i].lower);
      return;
    }
  }
  if (used_ == fields_.size()) fields_.emplace_back();
  LogField& f = fields_[used_++];
  f.name.assign(name);
  f.value.assign(value);
  ascii_lower(value, f.lower);
}

const LogField* LogEvent::find(std::string_view name) const {
  for (size_t i = 0; i < used_; ++i) {
    if (fields_[i].name == name) return &fields_[i];
  }
  return nullptr;
}

void LogEvent::set_raw(std::string_view line) {
  raw_.assign(line);
  ascii_lower(line, raw_lower_);
}

void LogEvent::add_service(std::string_view s) {
  if (s.empty() || has_service(s) || n_services_ == 3) return;
  ascii_lower(s, services_[n_services_++]);
}

bool LogEvent::has_service(std::string_view s) const {
  for (size_t i = 0; i < n_services_; ++i) {
    if (services_[i] == s) return true;
  }
  return false;
}

}  // namespace picket::host
