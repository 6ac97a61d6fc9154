// Keyword 'fragbits': fragbits:[!|+|*]<M D R>: the IPv4 fragment bits (M more fragments, D don't
// fragment, R reserved), with the same modifiers as flags.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_fragbits(ParseCtx& ctx, std::string_view value) {
  HeaderCheck h{.kind = HeaderCheck::kFragbits};
  for (char c : trim(value)) {
    switch (c) {
      case 'M': h.flags |= 0x1; break;
      case 'D': h.flags |= 0x2; break;
      case 'R': h.flags |= 0x4; break;
      case '!': case '+': case '*':
        if (h.mod != 0) return ctx.fail("fragbits: more than one modifier");
        h.mod = c;
        break;
      default: return ctx.fail(std::string("fragbits: bad flag '") + c + "'");
    }
  }
  if (h.flags == 0) return ctx.fail("fragbits: no bits given");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
