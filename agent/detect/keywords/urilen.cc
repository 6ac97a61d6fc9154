// Keyword 'urilen': urilen:N|<N|>N|A<>B[,norm|raw]: the length of the (normalised or raw) URI.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_urilen(ParseCtx& ctx, std::string_view value) {
  auto parts = split_top(value, ',');
  Buf b = Buf::kHttpUri;
  if (parts.size() == 2 && parts[1] == "raw") {
    b = Buf::kHttpUriRaw;
  } else if (parts.size() == 2 && parts[1] != "norm") {
    return ctx.fail("urilen: expected norm or raw, got '" + std::string(parts[1]) + "'");
  } else if (parts.size() > 2) {
    return ctx.fail("urilen: too many values");
  }
  NumCmp c;
  if (!parse_num_cmp(parts[0], 65535, &c)) return ctx.fail("urilen: bad value '" + std::string(parts[0]) + "'");
  auto& list = ctx.list_for(b);
  if (list.length) return ctx.fail("urilen given twice");
  list.length = c;
  return true;
}

}  // namespace picket::detect
