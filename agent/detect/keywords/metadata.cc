// Keyword 'metadata' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_metadata(ParseCtx& ctx, std::string_view value) {
  for (auto item : split_top(value, ',')) {
    if (item.empty()) continue;
    auto sp = item.find(' ');
    if (sp == std::string_view::npos) {
      ctx.rule.metadata.emplace_back(std::string(item), "");
    } else {
      ctx.rule.metadata.emplace_back(std::string(trim(item.substr(0, sp))), std::string(trim(item.substr(sp + 1))));
    }
  }
  return true;
}

}  // namespace picket::detect
