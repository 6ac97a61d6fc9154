// Keyword 'distance' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_distance(ParseCtx& ctx, std::string_view value) {
  ContentNode* c = ctx.last_content("distance");
  if (c == nullptr) return false;
  if (c->has_distance) return ctx.fail("distance given twice for one content");
  if (c->has_offset || c->has_depth) return ctx.fail("distance cannot be mixed with offset/depth on one content");
  if (c->startswith) return ctx.fail("distance cannot be combined with startswith");
  IntArg a;
  if (!ctx.int_arg(value, "distance", -65535, 65535, &a)) return false;
  c->has_distance = true;
  c->distance = a;
  return true;
}

}  // namespace picket::detect
