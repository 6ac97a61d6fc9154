// Keyword 'app-layer-protocol': app-layer-protocol:[!]<name>: the flow's detected application protocol.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_app_layer_protocol(ParseCtx& ctx, std::string_view value) {
  auto v = trim(value);
  bool neg = false;
  if (!v.empty() && v.front() == '!') {
    neg = true;
    v = trim(v.substr(1));
  }
  auto comma = v.find(',');
  if (comma != std::string_view::npos) return ctx.fail("app-layer-protocol: modes are not supported");
  Proto p;
  if (!proto_by_name(v, &p) || !proto_is_app(p)) {
    return ctx.fail("app-layer-protocol: unknown protocol '" + std::string(v) + "'");
  }
  ctx.rule.app_layer_protocol = p;
  ctx.rule.negated_app_layer_protocol = neg;
  return true;
}

}  // namespace picket::detect
