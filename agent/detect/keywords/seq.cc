// Keyword 'seq': seq:N: the TCP sequence number.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_seq(ParseCtx& ctx, std::string_view value) {
  HeaderCheck h{.kind = HeaderCheck::kTcpSeq};
  if (!parse_num_cmp(value, 4294967295, &h.cmp)) return ctx.fail("seq: bad value '" + std::string(trim(value)) + "'");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
