// Sigma values: how modifiers turn a YAML scalar into matchers, and how one matcher tests a field.
#include "agent/host/sigma/value.h"

#include <arpa/inet.h>

#include <cstdlib>
#include <cstring>

namespace picket::host::sigma {
namespace {

constexpr int16_t kStar = -1;
constexpr int16_t kQuestion = -2;

// Sigma string escapes: \* \? \\ are literal; any other backslash is itself.
std::vector<int16_t> to_pattern(std::string_view s, bool wildcards) {
  std::vector<int16_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (wildcards && c == '\\' && i + 1 < s.size() && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
      out.push_back(static_cast<uint8_t>(s[++i]));
    } else if (wildcards && c == '*') {
      if (out.empty() || out.back() != kStar) out.push_back(kStar);
    } else if (wildcards && c == '?') {
      out.push_back(kQuestion);
    } else {
      out.push_back(static_cast<uint8_t>(c));
    }
  }
  return out;
}

void lower_pattern(std::vector<int16_t>& p) {
  for (auto& c : p) {
    if (c >= 'A' && c <= 'Z') c = static_cast<int16_t>(c + 32);
  }
}

// Reduces a pattern to equals / contains / startswith / endswith when its wildcards allow.
Value simplify(std::vector<int16_t> p, bool cased) {
  Value v;
  v.cased = cased;
  if (!cased) lower_pattern(p);
  const bool lead = !p.empty() && p.front() == kStar;
  const bool trail = p.size() > 1 && p.back() == kStar;
  const size_t b = lead ? 1 : 0;
  const size_t e = p.size() - (trail ? 1 : 0);
  bool inner_wild = false;
  for (size_t i = b; i < e; ++i) inner_wild |= p[i] < 0;
  if (!inner_wild && !(p.size() == 1 && lead)) {
    for (size_t i = b; i < e; ++i) v.text += static_cast<char>(static_cast<uint8_t>(p[i]));
    v.kind = lead && trail ? Kind::kContains : lead ? Kind::kEndsWith : trail ? Kind::kStartsWith : Kind::kEquals;
    return v;
  }
  v.kind = Kind::kGlob;
  v.glob = std::move(p);
  return v;
}

// Literal text to a pattern that wildcards nothing (for base64 output, which has no wildcards).
std::vector<int16_t> literal_pattern(std::string_view s) { return to_pattern(s, false); }

bool parse_number(std::string_view s, double* out) {
  if (s.empty() || s.size() > 64) return false;
  char buf[65];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  char* end = nullptr;
  *out = std::strtod(buf, &end);
  return end == buf + s.size();
}

inline char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Equal bytes, or equal after ASCII case folding of both sides when `ci`.
bool same(const char* a, const char* b, size_t n, bool ci) {
  if (!ci) return std::memcmp(a, b, n) == 0;
  for (size_t i = 0; i < n; ++i) {
    if (fold(a[i]) != fold(b[i])) return false;
  }
  return true;
}

bool find_in(std::string_view hay, std::string_view needle, bool ci) {
  if (!ci) return hay.find(needle) != std::string_view::npos;
  if (needle.empty()) return true;
  if (hay.size() < needle.size()) return false;
  const char first = fold(needle[0]);
  const size_t last = hay.size() - needle.size();
  for (size_t i = 0; i <= last; ++i) {
    if (fold(hay[i]) == first && same(hay.data() + i + 1, needle.data() + 1, needle.size() - 1, true)) return true;
  }
  return false;
}

bool text_match(Kind kind, std::string_view hay, std::string_view needle, bool ci) {
  switch (kind) {
    case Kind::kEquals: return hay.size() == needle.size() && same(hay.data(), needle.data(), hay.size(), ci);
    case Kind::kContains: return find_in(hay, needle, ci);
    case Kind::kStartsWith:
      return hay.size() >= needle.size() && same(hay.data(), needle.data(), needle.size(), ci);
    case Kind::kEndsWith:
      return hay.size() >= needle.size() &&
             same(hay.data() + hay.size() - needle.size(), needle.data(), needle.size(), ci);
    default: return false;
  }
}

// `s` is the field's value as logged; rule texts are lowercase unless cased.
bool match_text(const Value& v, std::string_view s) {
  switch (v.kind) {
    case Kind::kEquals:
    case Kind::kContains:
    case Kind::kStartsWith:
    case Kind::kEndsWith: return text_match(v.kind, s, v.text, !v.cased);
    case Kind::kGlob: return glob_match(v.glob, s, !v.cased);
    case Kind::kRegex: return regex_search(*v.re, s);
    case Kind::kCidr: return cidr_contains(v.cidr, s);
    case Kind::kGt:
    case Kind::kGte:
    case Kind::kLt:
    case Kind::kLte: {
      double d = 0;
      if (!parse_number(s, &d)) return false;
      if (v.kind == Kind::kGt) return d > v.number;
      if (v.kind == Kind::kGte) return d >= v.number;
      if (v.kind == Kind::kLt) return d < v.number;
      return d <= v.number;
    }
    default: return false;
  }
}

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = static_cast<uint8_t>(in[i]) << 16 | static_cast<uint8_t>(in[i + 1]) << 8 |
                       static_cast<uint8_t>(in[i + 2]);
    out += kB64[n >> 18];
    out += kB64[(n >> 12) & 63];
    out += kB64[(n >> 6) & 63];
    out += kB64[n & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    out += kB64[n >> 18];
    out += kB64[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t n = static_cast<uint8_t>(in[i]) << 16 | static_cast<uint8_t>(in[i + 1]) << 8;
    out += kB64[n >> 18];
    out += kB64[(n >> 12) & 63];
    out += kB64[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::vector<std::string> base64_offsets(std::string_view in) {
  // Prefixing 0, 1 or 2 bytes shifts `in` within the 3-byte groups. The characters that also encode the
  // unknown neighbour bytes are cut: at the start 0, 2 or 3 characters, at the end whatever the padding
  // and the last partial group touch.
  std::vector<std::string> out;
  static constexpr size_t kStartCut[3] = {0, 2, 3};
  for (size_t shift = 0; shift < 3; ++shift) {
    std::string padded(shift, '\0');
    padded.append(in);
    std::string enc = base64(padded);
    const size_t rem = padded.size() % 3;
    const size_t end_cut = rem == 0 ? 0 : rem == 1 ? 3 : 2;  // "X===" style tails
    if (enc.size() <= kStartCut[shift] + end_cut) continue;
    out.push_back(enc.substr(kStartCut[shift], enc.size() - kStartCut[shift] - end_cut));
  }
  return out;
}

std::vector<std::string> windash_variants(std::string_view in) {
  // A '-' or '/' that starts a word may be written as any of: - / – — ―
  static constexpr std::string_view kDashes[] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
  std::vector<std::string> out;
  for (std::string_view dash : kDashes) {
    std::string v;
    for (size_t i = 0; i < in.size(); ++i) {
      const bool word_start = i == 0 || in[i - 1] == ' ';
      if (word_start && (in[i] == '-' || in[i] == '/')) {
        v.append(dash);
      } else {
        v += in[i];
      }
    }
    bool dup = false;
    for (const auto& o : out) dup |= o == v;
    if (!dup) out.push_back(std::move(v));
  }
  return out;
}

bool glob_match(const std::vector<int16_t>& p, std::string_view s, bool ci) {
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() &&
        (p[pi] == kQuestion || (p[pi] >= 0 && p[pi] == static_cast<uint8_t>(ci ? fold(s[si]) : s[si])))) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == kStar) {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == kStar) ++pi;
  return pi == p.size();
}

bool parse_cidr(std::string_view text, Cidr* out) {
  const size_t slash = text.find('/');
  std::string addr(text.substr(0, slash));
  Cidr c;
  c.v6 = addr.find(':') != std::string::npos;
  if (inet_pton(c.v6 ? AF_INET6 : AF_INET, addr.c_str(), c.addr) != 1) return false;
  const int max = c.v6 ? 128 : 32;
  c.bits = max;
  if (slash != std::string_view::npos) {
    std::string_view b = text.substr(slash + 1);
    if (b.empty() || b.size() > 3) return false;
    int n = 0;
    for (char ch : b) {
      if (ch < '0' || ch > '9') return false;
      n = n * 10 + (ch - '0');
    }
    if (n > max) return false;
    c.bits = n;
  }
  *out = c;
  return true;
}

bool cidr_contains(const Cidr& net, std::string_view ip) {
  if (ip.empty() || ip.size() > 45) return false;
  char buf[46];
  std::memcpy(buf, ip.data(), ip.size());
  buf[ip.size()] = '\0';
  uint8_t a[16] = {};
  if (inet_pton(net.v6 ? AF_INET6 : AF_INET, buf, a) != 1) return false;
  int bits = net.bits;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a[i] & mask) != (net.addr[i] & mask)) return false;
  }
  return true;
}

bool compile_value(std::string_view scalar, bool is_null, const std::vector<std::string>& modifiers,
                   bool keyword, Alternatives* out, std::string* error) {
  out->clear();
  Kind match = keyword ? Kind::kContains : Kind::kEquals;
  bool have_match = false;
  bool b64 = false, b64off = false, windash = false, cased = false;
  std::string re_flags;
  for (const auto& m : modifiers) {
    Kind k = Kind::kEquals;
    if (m == "contains") k = Kind::kContains;
    else if (m == "startswith") k = Kind::kStartsWith;
    else if (m == "endswith") k = Kind::kEndsWith;
    else if (m == "re") k = Kind::kRegex;
    else if (m == "cidr") k = Kind::kCidr;
    else if (m == "exists") k = Kind::kExists;
    else if (m == "gt") k = Kind::kGt;
    else if (m == "gte") k = Kind::kGte;
    else if (m == "lt") k = Kind::kLt;
    else if (m == "lte") k = Kind::kLte;
    else if (m == "fieldref") k = Kind::kFieldRef;
    else if (m == "base64") { b64 = true; continue; }
    else if (m == "base64offset") { b64off = true; continue; }
    else if (m == "windash") { windash = true; continue; }
    else if (m == "cased") { cased = true; continue; }
    else if (m == "i" || m == "m" || m == "s") {
      re_flags += m;
      continue;
    } else {
      *error = "unsupported modifier '" + m + "'";
      return false;
    }
    if (k == Kind::kFieldRef) {
      if (have_match && match != Kind::kEquals && match != Kind::kContains && match != Kind::kStartsWith &&
          match != Kind::kEndsWith) {
        *error = "modifier 'fieldref' cannot follow '" + m + "'";
        return false;
      }
      Kind ref = have_match ? match : Kind::kEquals;
      match = Kind::kFieldRef;
      out->push_back(Value{.kind = Kind::kFieldRef, .ref_kind = ref});
      have_match = true;
      continue;
    }
    if (have_match && match == Kind::kFieldRef &&
        (k == Kind::kContains || k == Kind::kStartsWith || k == Kind::kEndsWith)) {
      out->back().ref_kind = k;
      continue;
    }
    if (have_match && match != k) {
      *error = "modifiers '" + m + "' and an earlier match modifier cannot be combined";
      return false;
    }
    match = k;
    have_match = true;
  }
  if (!re_flags.empty() && match != Kind::kRegex) {
    *error = "regular expression flags need the 're' modifier";
    return false;
  }
  if ((b64 || b64off || windash) && match != Kind::kEquals && match != Kind::kContains &&
      match != Kind::kStartsWith && match != Kind::kEndsWith) {
    *error = "base64/base64offset/windash apply only to string matches";
    return false;
  }
  if (b64 && b64off) {
    *error = "base64 and base64offset cannot be combined";
    return false;
  }
  if (is_null) {
    if (have_match || b64 || b64off || windash) {
      *error = "a null value takes no modifiers";
      return false;
    }
    out->push_back(Value{.kind = Kind::kNull});
    return true;
  }
  switch (match) {
    case Kind::kFieldRef: {
      out->back().text.assign(scalar);
      return true;
    }
    case Kind::kExists: {
      Value v{.kind = Kind::kExists};
      if (scalar == "true" || scalar == "True" || scalar == "yes") v.exists = true;
      else if (scalar == "false" || scalar == "False" || scalar == "no") v.exists = false;
      else {
        *error = "'exists' needs true or false";
        return false;
      }
      out->push_back(std::move(v));
      return true;
    }
    case Kind::kRegex: {
      Value v{.kind = Kind::kRegex, .cased = true};
      v.re = compile_regex(scalar, re_flags, error);
      if (!v.re) return false;
      out->push_back(std::move(v));
      return true;
    }
    case Kind::kCidr: {
      Value v{.kind = Kind::kCidr, .cased = true};
      if (!parse_cidr(scalar, &v.cidr)) {
        *error = "bad CIDR '" + std::string(scalar) + "'";
        return false;
      }
      out->push_back(std::move(v));
      return true;
    }
    case Kind::kGt:
    case Kind::kGte:
    case Kind::kLt:
    case Kind::kLte: {
      Value v{.kind = match, .cased = true};
      if (!parse_number(scalar, &v.number)) {
        *error = "'" + std::string(scalar) + "' is not a number";
        return false;
      }
      out->push_back(std::move(v));
      return true;
    }
    default: break;
  }
  // String matches.
  std::vector<std::string> texts;
  if (windash) {
    texts = windash_variants(scalar);
  } else {
    texts.emplace_back(scalar);
  }
  auto wrap = [&](std::vector<int16_t> p) {
    if (match == Kind::kContains || match == Kind::kEndsWith) p.insert(p.begin(), kStar);
    if (match == Kind::kContains || match == Kind::kStartsWith) p.push_back(kStar);
    return p;
  };
  for (const auto& t : texts) {
    if (b64) {
      out->push_back(simplify(wrap(literal_pattern(base64(t))), true));
    } else if (b64off) {
      for (const auto& enc : base64_offsets(t)) out->push_back(simplify(wrap(literal_pattern(enc)), true));
    } else {
      out->push_back(simplify(wrap(to_pattern(t, true)), cased));
    }
  }
  return true;
}

bool match_value(const Value& v, const LogField* field, const LogEvent& ev) {
  switch (v.kind) {
    case Kind::kNull: return field == nullptr || field->value.empty();
    case Kind::kExists: return (field != nullptr) == v.exists;
    case Kind::kFieldRef: {
      const LogField* other = ev.find(v.text);
      if (field == nullptr || other == nullptr) return false;
      return text_match(v.ref_kind, field->value, other->value, true);
    }
    default: break;
  }
  if (field == nullptr) return false;
  return match_text(v, field->value);
}

bool match_raw(const Value& v, const LogEvent& ev) {
  if (v.kind == Kind::kNull || v.kind == Kind::kExists || v.kind == Kind::kFieldRef) return false;
  return match_text(v, ev.raw());
}

}  // namespace picket::host::sigma
