// Keyword 'flow': established | not_established | stateless, to_server | from_client | to_client |
// from_server, only_stream | no_stream, only_frag | no_frag.
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_flow(ParseCtx& ctx, std::string_view value) {
  auto& f = ctx.rule.flow;
  for (auto w : split_top(value, ',')) {
    if (w == "established") {
      f.established = true;
    } else if (w == "not_established") {
      f.not_established = true;
    } else if (w == "stateless") {
      f.stateless = true;
    } else if (w == "to_server" || w == "from_client") {
      f.to_server = true;
    } else if (w == "to_client" || w == "from_server") {
      f.to_client = true;
    } else if (w == "only_stream") {
      f.only_stream = true;
    } else if (w == "no_stream") {
      f.no_stream = true;
    } else if (w == "only_frag") {
      f.only_frag = true;
    } else if (w == "no_frag") {
      f.no_frag = true;
    } else {
      return ctx.fail("flow: unknown option '" + std::string(w) + "'");
    }
  }
  if (f.established && f.not_established) return ctx.fail("flow: established and not_established together");
  if (f.to_server && f.to_client) return ctx.fail("flow: to_server and to_client together");
  if (f.only_stream && f.no_stream) return ctx.fail("flow: only_stream and no_stream together");
  return true;
}

}  // namespace picket::detect
