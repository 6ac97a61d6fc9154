// Keyword 'byte_jump': byte_jump:<n>,<offset>[,relative][,multiplier M][,big|little][,string,hex|dec|oct]
// [,align][,from_beginning|from_end][,post_offset P][,bitmask M]. Moves the relative position.
#include "agent/detect/keywords/bytes.h"
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_byte_jump(ParseCtx& ctx, std::string_view value) {
  auto parts = split_top(value, ',');
  if (parts.size() < 2) return ctx.fail("byte_jump: expected n,offset[,options]");
  ByteJumpNode n;
  if (!parse_byte_count(ctx, "byte_jump", parts[0], &n.nbytes)) return false;
  if (!ctx.int_arg(parts[1], "byte_jump offset", -65535, 65535, &n.offset)) return false;
  ByteOpts o;
  if (!parse_byte_opts(ctx, "byte_jump", {parts.begin() + 2, parts.end()}, &o)) return false;
  for (auto w : o.rest) {
    int64_t v = 0;
    if (w == "align") {
      n.align = 4;
    } else if (w == "from_beginning") {
      n.from_beginning = true;
    } else if (w == "from_end") {
      n.from_end = true;
    } else if (w.starts_with("multiplier") && parse_int(w.substr(10), &v) && v > 0 && v <= 65535) {
      n.multiplier = static_cast<int>(v);
    } else if (w.starts_with("post_offset") && parse_int(w.substr(11), &v) && v >= -65535 && v <= 65535) {
      n.post_offset = v;
    } else {
      return ctx.fail("byte_jump: unknown option '" + std::string(w) + "'");
    }
  }
  if ((o.string && n.nbytes > 23) || (!o.string && n.nbytes > 8)) return ctx.fail("byte_jump: too many bytes");
  if (n.from_beginning && n.from_end) return ctx.fail("byte_jump: from_beginning and from_end together");
  n.relative = o.relative;
  n.little = o.little;
  n.base = o.base;
  n.bitmask = o.bitmask;
  ctx.append(std::move(n));
  return true;
}

}  // namespace picket::detect
