// Keyword 'dotprefix': transform of the sticky buffer that prepends '.', so "content:\".example.com\";
// endswith;" matches example.com and its subdomains. Must come before the buffer's content.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_dotprefix(ParseCtx& ctx, std::string_view) {
  if (ctx.sticky == Buf::kPayload) return ctx.fail("dotprefix needs a sticky buffer");
  auto& list = ctx.list_for(ctx.sticky);
  if (!list.nodes.empty()) return ctx.fail("dotprefix must come before the buffer's content");
  list.dotprefix = true;
  return true;
}

}  // namespace picket::detect
