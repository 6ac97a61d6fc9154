// Keyword 'byte_test': byte_test:<n>,[!]<op>,<value>,<offset>[,relative][,big|little][,string,hex|dec|oct]
// [,bitmask M]. Ops: < > = <= >= & ^ (^ is bitwise OR test, as Suricata reads it).
#include "agent/detect/keywords/bytes.h"
#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {

bool parse_byte_test(ParseCtx& ctx, std::string_view value) {
  auto parts = split_top(value, ',');
  if (parts.size() < 4) return ctx.fail("byte_test: expected n,op,value,offset[,options]");
  ByteTestNode n;
  // A count of 0 is valid with `string` only: the number is every leading digit (up to 23, the longest
  // that fits 64 bits in octal), as ET's `byte_test:0,>,1000,0,string,dec` expects.
  const bool greedy = trim(parts[0]) == "0";
  if (!greedy && !parse_byte_count(ctx, "byte_test", parts[0], &n.nbytes)) return false;
  auto op = parts[1];
  if (!op.empty() && op.front() == '!') {
    n.negate = true;
    op = trim(op.substr(1));
  }
  if (op == "<") {
    n.op = ByteTestNode::kLt;
  } else if (op == ">") {
    n.op = ByteTestNode::kGt;
  } else if (op == "=") {
    n.op = ByteTestNode::kEq;
  } else if (op == "<=") {
    n.op = ByteTestNode::kLe;
  } else if (op == ">=") {
    n.op = ByteTestNode::kGe;
  } else if (op == "&") {
    n.op = ByteTestNode::kAnd;
  } else if (op == "^") {
    n.op = ByteTestNode::kOr;
  } else {
    return ctx.fail("byte_test: unknown operator '" + std::string(op) + "'");
  }
  auto val = parts[2];
  uint64_t uv = 0;
  if (parse_uint(val, &uv, true)) {
    n.value.value = static_cast<int64_t>(uv);
  } else if (!ctx.int_arg(val, "byte_test value", 0, INT64_MAX, &n.value)) {
    return false;
  }
  if (!ctx.int_arg(parts[3], "byte_test offset", -65535, 65535, &n.offset)) return false;
  ByteOpts o;
  if (!parse_byte_opts(ctx, "byte_test", {parts.begin() + 4, parts.end()}, &o)) return false;
  if (!o.rest.empty()) return ctx.fail("byte_test: unknown option '" + std::string(o.rest[0]) + "'");
  if (greedy && !o.string) return ctx.fail("byte_test: a byte count of 0 needs 'string'");
  if ((o.string && n.nbytes > 23) || (!o.string && n.nbytes > 8)) return ctx.fail("byte_test: too many bytes");
  n.relative = o.relative;
  n.little = o.little;
  n.base = o.base;
  n.bitmask = o.bitmask;
  ctx.append(std::move(n));
  return true;
}

}  // namespace picket::detect
