// Keyword 'icmp_id': icmp_id:N: the ICMP echo identifier.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_icmp_id(ParseCtx& ctx, std::string_view value) {
  HeaderCheck h{.kind = HeaderCheck::kIcmpId};
  if (!parse_num_cmp(value, 65535, &h.cmp)) return ctx.fail("icmp_id: bad value '" + std::string(trim(value)) + "'");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
