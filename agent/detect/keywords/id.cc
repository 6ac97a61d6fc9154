// Keyword 'id': id:N: the IPv4 identification field.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_id(ParseCtx& ctx, std::string_view value) {
  HeaderCheck h{.kind = HeaderCheck::kIpId};
  if (!parse_num_cmp(value, 65535, &h.cmp)) return ctx.fail("id: bad value '" + std::string(trim(value)) + "'");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
