// Keyword 'noalert': the rule still matches (and sets flowbits) but never alerts.
#include "agent/detect/keywords/keyword.h"

namespace picket::detect {

bool parse_noalert(ParseCtx& ctx, std::string_view) {
  ctx.rule.noalert = true;
  return true;
}

}  // namespace picket::detect
