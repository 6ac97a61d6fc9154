// Keyword 'endswith' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_endswith(ParseCtx& ctx, std::string_view) {
  ContentNode* c = ctx.last_content("endswith");
  if (c == nullptr) return false;
  c->endswith = true;
  return true;
}

}  // namespace picket::detect
