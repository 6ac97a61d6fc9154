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
  product_.clear();
  category_.clear();
  n_services_ = 0;
  time_us = 0;
  offset = 0;
  parsed = false;
}

void LogEvent::set(std::string_view name, std::string_view value) {
  const uint32_t sig = name_sig(name);
  for (size_t i = 0; i < used_; ++i) {
    if (fields_[i].sig == sig && fields_[i].name == name) {
      fields_[i].value.assign(value);
      return;
    }
  }
  if (used_ == fields_.size()) fields_.emplace_back();
  LogField& f = fields_[used_++];
  if (f.sig != sig || f.name != name) {  // a reused slot usually holds the same name as on the last line
    f.name.assign(name);
    f.sig = sig;
  }
  f.value.assign(value);
}

const LogField* LogEvent::find(std::string_view name) const {
  const uint32_t sig = name_sig(name);
  for (size_t i = 0; i < used_; ++i) {
    if (fields_[i].sig == sig && fields_[i].name == name) return &fields_[i];
  }
  return nullptr;
}

void LogEvent::set_raw(std::string_view line) {
  raw_.assign(line);
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
