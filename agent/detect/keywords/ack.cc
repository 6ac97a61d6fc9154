// Keyword 'ack': ack:N: the TCP acknowledgement number.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_ack(ParseCtx& ctx, std::string_view value) {
  HeaderCheck h{.kind = HeaderCheck::kTcpAck};
  if (!parse_num_cmp(value, 4294967295, &h.cmp)) return ctx.fail("ack: bad value '" + std::string(trim(value)) + "'");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
