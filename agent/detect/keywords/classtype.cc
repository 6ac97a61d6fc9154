// Keyword 'classtype' (row in keywords/table.cc).
#include <cctype>

#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_classtype(ParseCtx& ctx, std::string_view value) {
  auto v = trim(value);
  if (v.empty()) return ctx.fail("classtype: empty");
  for (char c : v) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) {
      return ctx.fail("classtype: bad name \"" + std::string(v) + "\"");
    }
  }
  // Whether the class exists is checked against classification.config when the engine is built.
  ctx.rule.classtype = std::string(v);
  return true;
}

}  // namespace picket::detect
