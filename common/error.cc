#include "common/error.h"

namespace picket {

std::string Error::format() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += ':';
      out += std::to_string(line);
      if (column > 0) {
        out += ':';
        out += std::to_string(column);
      }
    }
    out += ": ";
  }
  if (sid) {
    out += "sid ";
    out += std::to_string(*sid);
    out += ": ";
  }
  // One line per error: a message never carries its own newlines.
  for (char c : message) {
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

void Diagnostics::merge(const Diagnostics& other) {
  errors_.insert(errors_.end(), other.errors_.begin(), other.errors_.end());
  warnings_.insert(warnings_.end(), other.warnings_.begin(), other.warnings_.end());
}

std::string Diagnostics::format() const {
  std::string out;
  for (const auto& e : errors_) {
    out += e.format();
    out += '\n';
  }
  return out;
}

}  // namespace picket
