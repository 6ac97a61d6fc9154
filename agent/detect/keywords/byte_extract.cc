// Keyword 'byte_extract': byte_extract:<n>,<offset>,<name>[,relative][,multiplier M][,big|little]
// [,string,hex|dec|oct][,align A][,bitmask M]. The name can then be used by depth, offset, distance,
// within, byte_test and byte_jump of the same rule.
#include <algorithm>
#include <cctype>

#include "agent/detect/keywords/bytes.h"
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_byte_extract(ParseCtx& ctx, std::string_view value) {
  auto parts = split_top(value, ',');
  if (parts.size() < 3) return ctx.fail("byte_extract: expected n,offset,name[,options]");
  ByteExtractNode n;
  if (!parse_byte_count(ctx, "byte_extract", parts[0], &n.nbytes)) return false;
  if (!parse_int(parts[1], &n.offset) || n.offset < -65535 || n.offset > 65535) {
    return ctx.fail("byte_extract: bad offset");
  }
  std::string name(trim(parts[2]));
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return ctx.fail("byte_extract: bad name");
  if (std::find(ctx.rule.var_names.begin(), ctx.rule.var_names.end(), name) != ctx.rule.var_names.end()) {
    return ctx.fail("byte_extract: variable '" + name + "' defined twice");
  }
  ByteOpts o;
  if (!parse_byte_opts(ctx, "byte_extract", {parts.begin() + 3, parts.end()}, &o)) return false;
  for (auto w : o.rest) {
    int64_t v = 0;
    if (w.starts_with("multiplier") && parse_int(w.substr(10), &v) && v > 0 && v <= 65535) {
      n.multiplier = static_cast<int>(v);
    } else if (w.starts_with("align") && parse_int(w.substr(5), &v) && (v == 2 || v == 4)) {
      n.align = static_cast<int>(v);
    } else {
      return ctx.fail("byte_extract: unknown option '" + std::string(w) + "'");
    }
  }
  if ((o.string && n.nbytes > 23) || (!o.string && n.nbytes > 8)) return ctx.fail("byte_extract: too many bytes");
  n.relative = o.relative;
  n.little = o.little;
  n.base = o.base;
  n.bitmask = o.bitmask;
  n.var = static_cast<int>(ctx.rule.var_names.size());
  ctx.rule.var_names.push_back(name);
  ctx.append(std::move(n));
  return true;
}

}  // namespace picket::detect
