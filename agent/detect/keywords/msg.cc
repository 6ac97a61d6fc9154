// Keyword 'msg' (row in keywords/table.cc).
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_msg(ParseCtx& ctx, std::string_view value) {
  auto v = trim(value);
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return ctx.fail("msg must be a quoted string");
  v = v.substr(1, v.size() - 2);
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) ++i;
    out += v[i];
  }
  ctx.rule.msg = std::move(out);
  return true;
}

}  // namespace picket::detect
