// Keyword 'within' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_within(ParseCtx& ctx, std::string_view value) {
  ContentNode* c = ctx.last_content("within");
  if (c == nullptr) return false;
  if (c->has_within) return ctx.fail("within given twice for one content");
  if (c->has_offset || c->has_depth) return ctx.fail("within cannot be mixed with offset/depth on one content");
  if (c->startswith) return ctx.fail("within cannot be combined with startswith");
  IntArg a;
  if (!ctx.int_arg(value, "within", 1, 65535, &a)) return false;
  if (a.var < 0 && static_cast<size_t>(a.value) < c->bytes.size()) {
    return ctx.fail("within " + std::to_string(a.value) + " is smaller than the content length " + std::to_string(c->bytes.size()));
  }
  c->has_within = true;
  c->within = a;
  return true;
}

}  // namespace picket::detect
