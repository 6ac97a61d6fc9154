// Keyword 'target' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_target(ParseCtx& ctx, std::string_view value) {
  auto v = trim(value);
  if (v == "src_ip") {
    ctx.rule.target = 1;
  } else if (v == "dest_ip") {
    ctx.rule.target = 2;
  } else {
    return ctx.fail("target: expected src_ip or dest_ip");
  }
  return true;
}

}  // namespace picket::detect
