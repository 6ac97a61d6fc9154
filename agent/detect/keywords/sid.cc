// Keyword 'sid' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_sid(ParseCtx& ctx, std::string_view value) {
  uint64_t v = 0;
  if (!parse_uint(value, &v) || v == 0 || v > 0xffffffffULL) return ctx.fail("sid: bad value \"" + std::string(trim(value)) + "\"");
  ctx.rule.sid = static_cast<uint32_t>(v);
  return true;
}

}  // namespace picket::detect
