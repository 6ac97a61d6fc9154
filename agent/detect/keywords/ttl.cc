// Keyword 'ttl': ttl:N|<N|>N|<=N|>=N|A-B: the IP TTL / hop limit.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_ttl(ParseCtx& ctx, std::string_view value) {
  HeaderCheck h{.kind = HeaderCheck::kTtl};
  if (!parse_num_cmp(value, 255, &h.cmp)) return ctx.fail("ttl: bad value '" + std::string(trim(value)) + "'");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
