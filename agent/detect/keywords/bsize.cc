// Keyword 'bsize': bsize:N|<N|>N|<=N|>=N|A<>B: the length of the sticky buffer.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_bsize(ParseCtx& ctx, std::string_view value) {
  if (ctx.sticky == Buf::kPayload) return ctx.fail("bsize needs a sticky buffer");
  BsizeNode n;
  if (!parse_num_cmp(value, 1 << 30, &n.cmp)) return ctx.fail("bsize: bad value '" + std::string(trim(value)) + "'");
  ctx.append(n);
  return true;
}

}  // namespace picket::detect
