// Keyword 'priority' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_priority(ParseCtx& ctx, std::string_view value) {
  uint64_t v = 0;
  if (!parse_uint(value, &v) || v < 1 || v > 255) return ctx.fail("priority: expected 1..255, got \"" + std::string(trim(value)) + "\"");
  ctx.rule.priority = static_cast<int>(v);
  return true;
}

}  // namespace picket::detect
