// Keyword 'fast_pattern' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_fast_pattern(ParseCtx& ctx, std::string_view value) {
  ContentNode* c = ctx.last_content("fast_pattern");
  if (c == nullptr) return false;
  for (const auto& l : ctx.rule.lists) {
    for (const auto& n : l.nodes) {
      if (const auto* o = std::get_if<ContentNode>(&n); o != nullptr && o->fast_pattern) {
        return ctx.fail("fast_pattern given on more than one content");
      }
    }
  }
  auto v = trim(value);
  if (v == "only") {
    c->fast_pattern_only = true;
  } else if (!v.empty()) {
    auto comma = v.find(',');
    uint64_t off = 0, len = 0;
    if (comma == std::string_view::npos || !parse_uint(v.substr(0, comma), &off) ||
        !parse_uint(v.substr(comma + 1), &len) || len == 0 || off + len > c->bytes.size()) {
      return ctx.fail("fast_pattern: expected only or <offset>,<length> within the content");
    }
    c->fp_offset = static_cast<int>(off);
    c->fp_len = static_cast<int>(len);
  }
  if (c->negated && (c->has_offset || c->has_depth || c->relative())) {
    return ctx.fail("fast_pattern cannot be used on a negated content with position modifiers");
  }
  c->fast_pattern = true;
  return true;
}

}  // namespace picket::detect
