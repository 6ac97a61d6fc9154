// Keyword 'dsize': dsize:N|<N|>N|A<>B: the payload size of the packet (never of a stream chunk).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_dsize(ParseCtx& ctx, std::string_view value) {
  HeaderCheck h{.kind = HeaderCheck::kDsize};
  if (!parse_num_cmp(value, 65535, &h.cmp)) return ctx.fail("dsize: bad value '" + std::string(trim(value)) + "'");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
