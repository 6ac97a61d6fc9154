// Keyword 'gid' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_gid(ParseCtx& ctx, std::string_view value) {
  uint64_t v = 0;
  if (!parse_uint(value, &v) || v > 0xffffffffULL) return ctx.fail("gid: bad value \"" + std::string(trim(value)) + "\"");
  ctx.rule.gid = static_cast<uint32_t>(v);
  return true;
}

}  // namespace picket::detect
