// Keyword 'depth' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_depth(ParseCtx& ctx, std::string_view value) {
  ContentNode* c = ctx.last_content("depth");
  if (c == nullptr) return false;
  if (c->has_depth) return ctx.fail("depth given twice for one content");
  if (c->relative()) return ctx.fail("depth cannot be mixed with distance/within on one content");
  if (c->startswith) return ctx.fail("depth cannot be combined with startswith");
  IntArg a;
  if (!ctx.int_arg(value, "depth", 1, 65535, &a)) return false;
  if (a.var < 0 && static_cast<size_t>(a.value) < c->bytes.size()) {
    return ctx.fail("depth " + std::to_string(a.value) + " is smaller than the content length " + std::to_string(c->bytes.size()));
  }
  c->has_depth = true;
  c->depth = a;
  return true;
}

}  // namespace picket::detect
