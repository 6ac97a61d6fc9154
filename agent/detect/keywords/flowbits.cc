// Keyword 'flowbits': set|unset|toggle|isset|isnotset,<name>[|<name>...]; flowbits:noalert.
// isset/isnotset with 'a|b' is true when any of them holds; 'a&b' when all do.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_flowbits(ParseCtx& ctx, std::string_view value) {
  auto parts = split_top(value, ',');
  auto cmd = parts[0];
  if (cmd == "noalert") {
    if (parts.size() != 1) return ctx.fail("flowbits: noalert takes no name");
    ctx.rule.noalert = true;
    return true;
  }
  FlowbitOp op;
  if (cmd == "set") {
    op.op = FlowbitOp::kSet;
  } else if (cmd == "unset") {
    op.op = FlowbitOp::kUnset;
  } else if (cmd == "toggle") {
    op.op = FlowbitOp::kToggle;
  } else if (cmd == "isset") {
    op.op = FlowbitOp::kIsset;
  } else if (cmd == "isnotset") {
    op.op = FlowbitOp::kIsnotset;
  } else {
    return ctx.fail("flowbits: unknown command '" + std::string(cmd) + "'");
  }
  if (parts.size() != 2 || parts[1].empty()) return ctx.fail("flowbits: " + std::string(cmd) + " needs one name");
  auto names = parts[1];
  char sep = names.find('&') != std::string_view::npos ? '&' : '|';
  if (names.find('&') != std::string_view::npos && names.find('|') != std::string_view::npos) {
    return ctx.fail("flowbits: cannot mix '&' and '|'");
  }
  op.any_of = sep == '|';
  for (auto n : split_top(names, sep)) {
    if (n.empty()) return ctx.fail("flowbits: empty name");
    for (char c : n) {
      if (c == ' ' || c == ';' || c == '"') return ctx.fail("flowbits: bad name '" + std::string(n) + "'");
    }
    op.bits.push_back(ctx.names.flowbit(n));
  }
  if (op.bits.size() > 1 && op.op != FlowbitOp::kIsset && op.op != FlowbitOp::kIsnotset &&
      op.op != FlowbitOp::kSet && op.op != FlowbitOp::kUnset && op.op != FlowbitOp::kToggle) {
    return ctx.fail("flowbits: several names are only valid here with isset/isnotset/set/unset/toggle");
  }
  ctx.rule.flowbits.push_back(std::move(op));
  return true;
}

}  // namespace picket::detect
