// Keyword 'flags': flags:[!|+|*]<FSRPAUCE0 or CWR/ECE as C E>[,<ignored mask>]. Without a modifier the
// flags must match exactly (apart from the ignored ones); '+' these and any others; '*' any of these;
// '!' none of these.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {
namespace {

bool flag_bits(std::string_view s, uint8_t* out, bool* zero) {
  uint8_t b = 0;
  for (char c : s) {
    switch (c) {
      case 'F': case 'f': b |= 0x01; break;
      case 'S': case 's': b |= 0x02; break;
      case 'R': case 'r': b |= 0x04; break;
      case 'P': case 'p': b |= 0x08; break;
      case 'A': case 'a': b |= 0x10; break;
      case 'U': case 'u': b |= 0x20; break;
      case 'E': case 'e': case '2': b |= 0x40; break;
      case 'C': case 'c': case '1': b |= 0x80; break;
      case '0': if (zero != nullptr) *zero = true; break;
      default: return false;
    }
  }
  *out = b;
  return true;
}

}  // namespace

bool parse_flags(ParseCtx& ctx, std::string_view value) {
  auto parts = split_top(value, ',');
  if (parts.size() > 2 || parts[0].empty()) return ctx.fail("flags: expected flags[,mask]");
  HeaderCheck h{.kind = HeaderCheck::kTcpFlags};
  auto f = parts[0];
  std::string mods;
  std::string letters;
  for (char c : f) {
    if (c == '!' || c == '+' || c == '*') {
      mods += c;
    } else {
      letters += c;
    }
  }
  if (mods.size() > 1) return ctx.fail("flags: more than one modifier");
  h.mod = mods.empty() ? 0 : mods[0];
  bool zero = false;
  if (!flag_bits(letters, &h.flags, &zero)) return ctx.fail("flags: bad flags '" + std::string(f) + "'");
  if (zero && h.flags != 0) return ctx.fail("flags: 0 cannot be combined with other flags");
  if (parts.size() == 2 && !flag_bits(parts[1], &h.ignore, nullptr)) {
    return ctx.fail("flags: bad mask '" + std::string(parts[1]) + "'");
  }
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
