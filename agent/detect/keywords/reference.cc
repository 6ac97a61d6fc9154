// Keyword 'reference' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_reference(ParseCtx& ctx, std::string_view value) {
  auto v = trim(value);
  auto comma = v.find(',');
  if (comma == std::string_view::npos || trim(v.substr(0, comma)).empty() || trim(v.substr(comma + 1)).empty()) {
    return ctx.fail("reference: expected type,id");
  }
  ctx.rule.references.emplace_back(v);
  return true;
}

}  // namespace picket::detect
