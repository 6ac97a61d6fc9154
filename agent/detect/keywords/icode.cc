// Keyword 'icode': icode:N|<N|>N|A<>B: the ICMP code.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_icode(ParseCtx& ctx, std::string_view value) {
  HeaderCheck h{.kind = HeaderCheck::kIcode};
  if (!parse_num_cmp(value, 255, &h.cmp)) return ctx.fail("icode: bad value '" + std::string(trim(value)) + "'");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
