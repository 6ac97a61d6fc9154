// Keyword 'offset' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_offset(ParseCtx& ctx, std::string_view value) {
  ContentNode* c = ctx.last_content("offset");
  if (c == nullptr) return false;
  if (c->has_offset) return ctx.fail("offset given twice for one content");
  if (c->relative()) return ctx.fail("offset cannot be mixed with distance/within on one content");
  if (c->startswith) return ctx.fail("offset cannot be combined with startswith");
  IntArg a;
  if (!ctx.int_arg(value, "offset", 0, 65535, &a)) return false;
  c->has_offset = true;
  c->offset = a;
  return true;
}

}  // namespace picket::detect
