// Helpers shared by the byte_* keywords.
#include "agent/detect/keywords/bytes.h"

#include <algorithm>

#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool extract_number(std::span<const uint8_t> data, int64_t pos, int nbytes, bool little, int base,
                    uint64_t* out) {
  if (nbytes == 0 && base != 0 && pos >= 0 && static_cast<uint64_t>(pos) < data.size()) {
    nbytes = static_cast<int>(std::min<uint64_t>(23, data.size() - static_cast<uint64_t>(pos)));
  }
  if (pos < 0 || nbytes <= 0 || static_cast<uint64_t>(pos) + static_cast<uint64_t>(nbytes) > data.size()) {
    return false;
  }
  const uint8_t* p = data.data() + pos;
  uint64_t v = 0;
  if (base == 0) {
    for (int i = 0; i < nbytes; ++i) {
      int idx = little ? nbytes - 1 - i : i;
      v = (v << 8) | p[idx];
    }
    *out = v;
    return true;
  }
  // String: leading digits of the given base (at least one), as strtoul would read them.
  int i = 0;
  for (; i < nbytes; ++i) {
    int d;
    uint8_t c = p[i];
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      break;
    }
    if (d >= base) break;
    if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (i == 0) return false;
  *out = v;
  return true;
}

bool parse_byte_count(ParseCtx& ctx, std::string_view keyword, std::string_view word, int* out) {
  uint64_t nb = 0;
  if (!parse_uint(word, &nb) || nb < 1 || nb > 65535) return ctx.fail(std::string(keyword) + ": bad byte count");
  *out = static_cast<int>(nb);
  return true;
}

bool parse_byte_opts(ParseCtx& ctx, std::string_view kw, const std::vector<std::string_view>& words,
                     ByteOpts* o) {
  for (auto w : words) {
    w = trim(w);
    if (w == "relative") {
      o->relative = true;
    } else if (w == "big") {
      o->little = false;
    } else if (w == "little") {
      o->little = true;
    } else if (w == "string") {
      o->string = true;
    } else if (w == "hex") {
      o->base = 16;
    } else if (w == "dec") {
      o->base = 10;
    } else if (w == "oct") {
      o->base = 8;
    } else if (w == "dce") {
      return ctx.fail(std::string(kw) + ": dce is not supported (no DCERPC parser)");
    } else if (w.starts_with("bitmask")) {
      if (!parse_uint(w.substr(7), &o->bitmask, true) || o->bitmask == 0) {
        return ctx.fail(std::string(kw) + ": bad bitmask");
      }
    } else {
      o->rest.push_back(w);
    }
  }
  if (o->string && o->base == 0) o->base = 10;
  if (!o->string && o->base != 0) return ctx.fail(std::string(kw) + ": hex/dec/oct need string");
  return true;
}

}  // namespace picket::detect
