// Keyword 'detection_filter': detection_filter:track by_src|by_dst|by_rule|by_both|by_flow, count N,
// seconds T: alert only on matches after the Nth within T seconds.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/keywords/threshold_opts.h"

namespace picket::detect {

bool parse_detection_filter(ParseCtx& ctx, std::string_view value) {
  if (ctx.rule.detection_filter.type != Threshold::kNone) return ctx.fail("detection_filter given twice");
  std::string err;
  if (!parse_threshold_opts(value, false, &ctx.rule.detection_filter, &err)) {
    return ctx.fail("detection_filter: " + err);
  }
  return true;
}

}  // namespace picket::detect
