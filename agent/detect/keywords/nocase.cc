// Keyword 'nocase' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_nocase(ParseCtx& ctx, std::string_view) {
  ContentNode* c = ctx.last_content("nocase");
  if (c == nullptr) return false;
  if (c->nocase) return ctx.fail("nocase given twice for one content");
  c->nocase = true;
  return true;
}

}  // namespace picket::detect
