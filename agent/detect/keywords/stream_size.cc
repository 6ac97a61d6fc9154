// Keyword 'stream_size': stream_size:<server|client|both|either>,<op>,<N>: bytes seen in the TCP stream.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_stream_size(ParseCtx& ctx, std::string_view value) {
  auto parts = split_top(value, ',');
  if (parts.size() != 3) return ctx.fail("stream_size: expected side,op,N");
  HeaderCheck h{.kind = HeaderCheck::kStreamSize};
  if (parts[0] == "both") {
    h.side = 0;
  } else if (parts[0] == "client") {
    h.side = 1;
  } else if (parts[0] == "server") {
    h.side = 2;
  } else if (parts[0] == "either") {
    h.side = 3;
  } else {
    return ctx.fail("stream_size: unknown side '" + std::string(parts[0]) + "'");
  }
  std::string expr = std::string(parts[1]) + std::string(parts[2]);
  if (parts[1] == "=") expr = std::string(parts[2]);
  if (parts[1] == "!=") expr = "!" + std::string(parts[2]);
  if (!parse_num_cmp(expr, UINT32_MAX, &h.cmp)) return ctx.fail("stream_size: bad comparison");
  ctx.rule.checks.push_back(h);
  return true;
}

}  // namespace picket::detect
