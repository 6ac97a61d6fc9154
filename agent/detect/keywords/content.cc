// Keyword 'content': a byte string with |hex| parts, optionally negated with '!'.
#include "agent/detect/keywords/content.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {
namespace {

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_content_value(ParseCtx& ctx, std::string_view value, ContentNode* node) {
  auto v = trim(value);
  if (!v.empty() && v.front() == '!') {
    node->negated = true;
    v = trim(v.substr(1));
  }
  std::string err;
  if (!decode_content(v, &node->bytes, &err)) return ctx.fail(std::string(ctx.keyword) + ": " + err);
  return true;
}

}  // namespace

bool decode_content(std::string_view q, std::string* out, std::string* err) {
  if (q.size() < 2 || q.front() != '"' || q.back() != '"') {
    *err = "value must be a quoted string";
    return false;
  }
  q = q.substr(1, q.size() - 2);
  out->clear();
  bool hex = false;
  int nib = -1;
  for (size_t i = 0; i < q.size(); ++i) {
    char c = q[i];
    if (c == '|') {
      if (hex && nib >= 0) {
        *err = "odd number of hex digits";
        return false;
      }
      hex = !hex;
      continue;
    }
    if (hex) {
      if (c == ' ' || c == '\t') {
        if (nib >= 0) {
          *err = "odd number of hex digits";
          return false;
        }
        continue;
      }
      int h = hexval(c);
      if (h < 0) {
        *err = std::string("bad hex character '") + c + "'";
        return false;
      }
      if (nib < 0) {
        nib = h;
      } else {
        out->push_back(static_cast<char>(nib * 16 + h));
        nib = -1;
      }
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= q.size()) {
        *err = "trailing backslash";
        return false;
      }
      char n = q[++i];
      if (n != '"' && n != ';' && n != '\\' && n != ':' && n != '|') {
        *err = std::string("unknown escape '\\") + n + "'";
        return false;
      }
      out->push_back(n);
      continue;
    }
    if (c == '"') {
      *err = "unescaped '\"' inside the value";
      return false;
    }
    out->push_back(c);
  }
  if (hex) {
    *err = "unterminated |hex| block";
    return false;
  }
  if (out->empty()) {
    *err = "empty pattern";
    return false;
  }
  return true;
}

int64_t find_bytes(std::span<const uint8_t> data, size_t from, size_t to, std::string_view pat, bool nocase) {
  to = std::min(to, data.size());
  if (pat.empty() || from > to || to - from < pat.size()) return -1;
  const auto* base = reinterpret_cast<const char*>(data.data());
  if (!nocase) {
    std::string_view hay(base + from, to - from);
    auto pos = hay.find(pat);
    return pos == std::string_view::npos ? -1 : static_cast<int64_t>(from + pos);
  }
  auto eq = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  };
  auto it = std::search(base + from, base + to, pat.begin(), pat.end(), eq);
  return it == base + to ? -1 : static_cast<int64_t>(it - base);
}

bool parse_content(ParseCtx& ctx, std::string_view value) {
  ContentNode node;
  if (!parse_content_value(ctx, value, &node)) return false;
  ctx.append(std::move(node));
  return true;
}

bool parse_uricontent(ParseCtx& ctx, std::string_view value) {
  ContentNode node;
  if (!parse_content_value(ctx, value, &node)) return false;
  Buf saved = ctx.sticky;
  ctx.sticky = Buf::kHttpUri;
  ctx.append(std::move(node));
  ctx.sticky = saved;
  return true;
}

}  // namespace picket::detect
