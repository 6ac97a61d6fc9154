// Keyword 'rawbytes' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_rawbytes(ParseCtx& ctx, std::string_view) {
  // The payload buffer is already the raw packet payload; only valid there.
  if (ctx.last_content("rawbytes") == nullptr) return false;
  if (ctx.rule.lists[static_cast<size_t>(ctx.last_list)].buf != Buf::kPayload) {
    return ctx.fail("rawbytes is only valid on payload content");
  }
  return true;
}

}  // namespace picket::detect
