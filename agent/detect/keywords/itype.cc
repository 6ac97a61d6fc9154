// Keyword 'itype': itype:N|<N|>N|A<>B: the ICMP type.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_itype(ParseCtx& ctx, std::string_view value) {
  HeaderCheck h{.kind = HeaderCheck::kItype};
  if (!parse_num_cmp(value, 255, &h.cmp)) return ctx.fail("itype: bad value '" + std::string(trim(value)) + "'");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
