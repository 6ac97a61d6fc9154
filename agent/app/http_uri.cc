// Request-target normalisation for http.uri; the exact rules are in http.h.
#include <string>
#include <vector>

#include "agent/app/http.h"

namespace picket::app {
namespace {

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void percent_decode(std::string_view in, std::string& out, uint64_t* bad) {
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 < in.size()) {
        int h = hexval(in[i + 1]), l = hexval(in[i + 2]);
        if (h >= 0 && l >= 0) {
          out.push_back(static_cast<char>(h * 16 + l));
          i += 2;
          continue;
        }
      }
      if (bad != nullptr) ++*bad;
    }
    out.push_back(c);
  }
}

// RFC 3986 5.2.4 on a path that starts with '/', after separators were collapsed.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> segs;
  bool trailing_slash = false;
  size_t i = 0;
  if (!path.empty() && path[0] == '/') i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    bool last = j == path.size();
    if (seg == ".") {
      trailing_slash = last;
    } else if (seg == "..") {
      if (!segs.empty()) segs.pop_back();
      trailing_slash = last;
    } else {
      segs.push_back(seg);
      trailing_slash = false;
    }
    i = j + 1;
  }
  std::string out;
  out.reserve(path.size());
  for (size_t k = 0; k < segs.size(); ++k) {
    out.push_back('/');
    out.append(segs[k]);
  }
  if (trailing_slash || out.empty()) out.push_back('/');
  return out;
}

}  // namespace

std::string normalize_uri(std::string_view raw, uint64_t* bad_escapes) {
  std::string_view target = raw;
  // absolute-form: scheme "://" authority path
  size_t scheme_end = target.find("://");
  if (scheme_end != std::string_view::npos && scheme_end > 0 && target[0] != '/') {
    bool scheme_ok = true;
    for (size_t k = 0; k < scheme_end; ++k) {
      char c = target[k];
      bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!alpha && !(k > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
        scheme_ok = false;
        break;
      }
    }
    if (scheme_ok) {
      size_t path_start = target.find_first_of("/?", scheme_end + 3);
      target = path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
    }
  }
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q);

  std::string decoded;
  decoded.reserve(path.size());
  percent_decode(path, decoded, bad_escapes);
  // '\' to '/', collapse runs of '/'.
  std::string collapsed;
  collapsed.reserve(decoded.size());
  for (char c : decoded) {
    if (c == '\\') c = '/';
    if (c == '/' && !collapsed.empty() && collapsed.back() == '/') continue;
    collapsed.push_back(c);
  }
  std::string out;
  if (!collapsed.empty() && collapsed[0] == '/') {
    out = remove_dot_segments(collapsed);
  } else {
    out = std::move(collapsed);  // "*" (OPTIONS) or authority-form (CONNECT host:port): left as is
  }
  percent_decode(query, out, bad_escapes);
  return out;
}

std::string normalize_host(std::string_view raw) {
  std::string_view h = raw;
  while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
  while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
  size_t at = h.rfind('@');
  if (at != std::string_view::npos) h.remove_prefix(at + 1);
  if (!h.empty() && h.front() == '[') {
    size_t close = h.find(']');
    if (close != std::string_view::npos) h = h.substr(0, close + 1);
  } else {
    size_t colon = h.find(':');
    if (colon != std::string_view::npos) h = h.substr(0, colon);
  }
  while (!h.empty() && h.back() == '.') h.remove_suffix(1);
  std::string out(h);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace picket::app
