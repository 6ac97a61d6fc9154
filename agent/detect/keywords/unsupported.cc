// Keywords that Picket knows but does not implement. The rule is rejected with a clear reason, never
// loaded with the keyword ignored.
#include "agent/detect/keywords/keyword.h"

namespace picket::detect {

bool parse_unsupported(ParseCtx& ctx, std::string_view) {
  return ctx.fail("keyword '" + std::string(ctx.keyword) + "' is not supported");
}

}  // namespace picket::detect
