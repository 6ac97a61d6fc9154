// Keyword 'detection_filter': detection_filter:track by_src|by_dst|by_rule|by_both|by_flow, count N,
// seconds T[, unique_on src_port|dst_port]: alert only on matches after the Nth within T seconds. With
// unique_on (Suricata 9) N counts distinct source or destination ports instead of matches, so the rule
// alerts once more than N different ports were seen in the window; it needs a protocol with ports.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/keywords/threshold_opts.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_detection_filter(ParseCtx& ctx, std::string_view value) {
  if (ctx.rule.detection_filter.type != Threshold::kNone) return ctx.fail("detection_filter given twice");
  // unique_on is detection_filter's own option: take it out, parse the rest as for threshold.
  std::string rest;
  auto unique = Threshold::kUniqueNone;
  for (auto item : split_top(value, ',')) {
    auto t = trim(item);
    if (t.starts_with("unique_on") && (t.size() == 9 || t[9] == ' ' || t[9] == '\t')) {
      auto v = trim(t.substr(9));
      if (unique != Threshold::kUniqueNone) return ctx.fail("detection_filter: unique_on given twice");
      if (v == "src_port") {
        unique = Threshold::kUniqueSrcPort;
      } else if (v == "dst_port") {
        unique = Threshold::kUniqueDstPort;
      } else {
        return ctx.fail("detection_filter: unique_on must be src_port or dst_port, got '" + std::string(v) + "'");
      }
      continue;
    }
    if (!rest.empty()) rest += ",";
    rest += std::string(item);
  }
  std::string err;
  if (!parse_threshold_opts(rest, false, &ctx.rule.detection_filter, &err)) {
    return ctx.fail("detection_filter: " + err);
  }
  if (unique != Threshold::kUniqueNone) {
    const uint8_t tr = proto_transport(ctx.rule.proto);
    const bool ported = tr == 6 || tr == 17 || tr == 132 || (tr == 0 && proto_is_app(ctx.rule.proto));
    if (!ported) return ctx.fail("detection_filter: unique_on needs a protocol with ports (tcp, udp, sctp)");
    ctx.rule.detection_filter.unique_on = unique;
  }
  return true;
}

}  // namespace picket::detect
