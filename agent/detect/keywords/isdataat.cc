// Keyword 'isdataat': isdataat:[!]<N|var>[,relative][,rawbytes]: the buffer has data at position N
// (counted from the previous match when relative).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_isdataat(ParseCtx& ctx, std::string_view value) {
  auto parts = split_top(value, ',');
  IsdataatNode n;
  auto first = parts[0];
  if (!first.empty() && first.front() == '!') {
    n.negated = true;
    first = trim(first.substr(1));
  }
  if (!ctx.int_arg(first, "isdataat", 0, 65535, &n.offset)) return false;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i] == "relative") {
      n.relative = true;
    } else if (parts[i] == "rawbytes") {
      n.rawbytes = true;
    } else {
      return ctx.fail("isdataat: unknown option '" + std::string(parts[i]) + "'");
    }
  }
  ctx.append(std::move(n));
  return true;
}

}  // namespace picket::detect
