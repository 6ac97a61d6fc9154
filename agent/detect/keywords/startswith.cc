// Keyword 'startswith' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_startswith(ParseCtx& ctx, std::string_view) {
  ContentNode* c = ctx.last_content("startswith");
  if (c == nullptr) return false;
  if (c->has_offset || c->has_depth || c->relative()) {
    return ctx.fail("startswith cannot be combined with offset/depth/distance/within");
  }
  c->startswith = true;
  return true;
}

}  // namespace picket::detect
