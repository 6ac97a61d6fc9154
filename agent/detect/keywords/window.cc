// Keyword 'window': window:[!]N: the TCP window.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_window(ParseCtx& ctx, std::string_view value) {
  HeaderCheck h{.kind = HeaderCheck::kTcpWindow};
  if (!parse_num_cmp(value, 65535, &h.cmp)) return ctx.fail("window: bad value '" + std::string(trim(value)) + "'");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
