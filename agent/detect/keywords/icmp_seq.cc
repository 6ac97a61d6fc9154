// Keyword 'icmp_seq': icmp_seq:N: the ICMP echo sequence number.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_icmp_seq(ParseCtx& ctx, std::string_view value) {
  HeaderCheck h{.kind = HeaderCheck::kIcmpSeq};
  if (!parse_num_cmp(value, 65535, &h.cmp)) return ctx.fail("icmp_seq: bad value '" + std::string(trim(value)) + "'");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
