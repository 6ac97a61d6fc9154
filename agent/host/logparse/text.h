#pragma once
// Small string helpers for the log parsers (internal to agent/host).
#include <string>
#include <string_view>

namespace picket::host {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Pops the next space-separated token (skipping leading spaces) from `s`.
inline std::string_view next_token(std::string_view& s) {
  size_t b = 0;
  while (b < s.size() && s[b] == ' ') ++b;
  size_t e = b;
  while (e < s.size() && s[e] != ' ') ++e;
  std::string_view tok = s.substr(b, e - b);
  s.remove_prefix(e < s.size() ? e + 1 : e);
  return tok;
}

inline bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Text between `begin` (after it) and the next `end`, or empty.
inline std::string_view between(std::string_view s, std::string_view begin, std::string_view end) {
  size_t b = s.find(begin);
  if (b == std::string_view::npos) return {};
  b += begin.size();
  size_t e = end.empty() ? s.size() : s.find(end, b);
  if (e == std::string_view::npos) e = s.size();
  return s.substr(b, e - b);
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace picket::host
