#include "agent/detect/inspect.h"

#include <algorithm>

#include "agent/detect/keywords/bytes.h"
#include "agent/detect/keywords/content.h"
#include "agent/detect/keywords/pcre.h"

namespace picket::detect {
namespace {

constexpr int kMaxSteps = 4096;  // content retries per list; bounds hostile inputs

struct State {
  std::span<const uint8_t> data;
  int64_t* vars;
  int steps = 0;
};

int64_t arg(const IntArg& a, const int64_t* vars) { return a.var >= 0 ? vars[a.var] : a.value; }

bool later_relative(const std::vector<Node>& nodes, size_t i) {
  for (size_t j = i + 1; j < nodes.size(); ++j) {
    const Node& n = nodes[j];
    if (const auto* c = std::get_if<ContentNode>(&n)) {
      if (c->relative()) return true;
    } else if (const auto* p = std::get_if<PcreNode>(&n)) {
      if (p->relative) return true;
    } else if (const auto* t = std::get_if<ByteTestNode>(&n)) {
      if (t->relative) return true;
    } else if (const auto* b = std::get_if<ByteJumpNode>(&n)) {
      if (b->relative) return true;
    } else if (const auto* e = std::get_if<ByteExtractNode>(&n)) {
      if (e->relative) return true;
    } else if (const auto* d = std::get_if<IsdataatNode>(&n)) {
      if (d->relative) return true;
    }
  }
  return false;
}

uint64_t apply_mask(uint64_t v, uint64_t mask) {
  if (mask == 0) return v;
  v &= mask;
  return v >> __builtin_ctzll(mask);
}

bool match_from(const std::vector<Node>& nodes, size_t i, int64_t prev_end, State& st);

bool match_content(const ContentNode& c, const std::vector<Node>& nodes, size_t i, int64_t prev_end, State& st) {
  const int64_t len = static_cast<int64_t>(st.data.size());
  const int64_t plen = static_cast<int64_t>(c.bytes.size());
  int64_t start = 0;
  int64_t end = len;
  if (c.startswith) {
    end = plen;
  } else if (c.relative()) {
    int64_t dist = c.has_distance ? arg(c.distance, st.vars) : 0;
    start = prev_end + dist;
    if (c.has_within) end = std::min(end, prev_end + dist + arg(c.within, st.vars));
  } else {
    if (c.has_offset) start = arg(c.offset, st.vars);
    if (c.has_depth) end = std::min(end, start + arg(c.depth, st.vars));
  }
  if (start < 0) start = 0;
  if (c.endswith) start = std::max(start, len - plen);
  if (c.negated) {
    bool found = start <= end && find_bytes(st.data, static_cast<size_t>(start), static_cast<size_t>(std::max<int64_t>(end, 0)), c.bytes, c.nocase) >= 0;
    if (found) return false;
    return match_from(nodes, i + 1, prev_end, st);
  }
  bool retry = later_relative(nodes, i);
  while (start <= end && end - start >= plen) {
    if (++st.steps > kMaxSteps) return false;
    int64_t p = find_bytes(st.data, static_cast<size_t>(start), static_cast<size_t>(end), c.bytes, c.nocase);
    if (p < 0) return false;
    if (c.endswith && p + plen != len) return false;
    if (match_from(nodes, i + 1, p + plen, st)) return true;
    if (!retry) return false;
    start = p + 1;
  }
  return false;
}

bool match_from(const std::vector<Node>& nodes, size_t i, int64_t prev_end, State& st) {
  if (i >= nodes.size()) return true;
  const Node& node = nodes[i];
  const int64_t len = static_cast<int64_t>(st.data.size());
  if (const auto* c = std::get_if<ContentNode>(&node)) return match_content(*c, nodes, i, prev_end, st);
  if (const auto* p = std::get_if<PcreNode>(&node)) {
    size_t from = p->relative ? static_cast<size_t>(std::clamp<int64_t>(prev_end, 0, len)) : 0;
    size_t mend = 0;
    bool m = p->re->match(st.data, from, &mend);
    if (p->negated) return !m && match_from(nodes, i + 1, prev_end, st);
    return m && match_from(nodes, i + 1, static_cast<int64_t>(mend), st);
  }
  if (const auto* t = std::get_if<ByteTestNode>(&node)) {
    int64_t pos = (t->relative ? prev_end : 0) + arg(t->offset, st.vars);
    uint64_t v = 0;
    if (!extract_number(st.data, pos, t->nbytes, t->little, t->base, &v)) return false;
    v = apply_mask(v, t->bitmask);
    uint64_t want = static_cast<uint64_t>(arg(t->value, st.vars));
    bool r = false;
    switch (t->op) {
      case ByteTestNode::kLt: r = v < want; break;
      case ByteTestNode::kGt: r = v > want; break;
      case ByteTestNode::kEq: r = v == want; break;
      case ByteTestNode::kLe: r = v <= want; break;
      case ByteTestNode::kGe: r = v >= want; break;
      case ByteTestNode::kAnd: r = (v & want) != 0; break;
      case ByteTestNode::kOr: r = (v | want) != 0; break;
    }
    if (t->negate) r = !r;
    return r && match_from(nodes, i + 1, prev_end, st);
  }
  if (const auto* j = std::get_if<ByteJumpNode>(&node)) {
    int64_t pos = (j->relative ? prev_end : 0) + arg(j->offset, st.vars);
    uint64_t v = 0;
    if (!extract_number(st.data, pos, j->nbytes, j->little, j->base, &v)) return false;
    v = apply_mask(v, j->bitmask);
    if (v > (uint64_t{1} << 32)) return false;
    int64_t jump = static_cast<int64_t>(v) * j->multiplier;
    if (j->align > 0 && jump % j->align != 0) jump += j->align - jump % j->align;
    int64_t base = j->from_beginning ? 0 : j->from_end ? len : pos + j->nbytes;
    int64_t dest = base + jump + j->post_offset;
    if (dest < 0 || dest > len) return false;
    return match_from(nodes, i + 1, dest, st);
  }
  if (const auto* e = std::get_if<ByteExtractNode>(&node)) {
    int64_t pos = (e->relative ? prev_end : 0) + e->offset;
    uint64_t v = 0;
    if (!extract_number(st.data, pos, e->nbytes, e->little, e->base, &v)) return false;
    v = apply_mask(v, e->bitmask);
    if (v > (uint64_t{1} << 32)) return false;
    int64_t val = static_cast<int64_t>(v) * e->multiplier;
    if (e->align > 0 && val % e->align != 0) val += e->align - val % e->align;
    st.vars[e->var] = val;
    return match_from(nodes, i + 1, pos + e->nbytes, st);
  }
  if (const auto* d = std::get_if<IsdataatNode>(&node)) {
    // Relative: N more bytes exist after the previous match; absolute: a byte exists at offset N.
    int64_t pos = (d->relative ? prev_end : 0) + arg(d->offset, st.vars);
    bool has = d->relative ? pos <= len : pos < len;
    if (d->negated) has = !has;
    return has && match_from(nodes, i + 1, prev_end, st);
  }
  if (const auto* b = std::get_if<BsizeNode>(&node)) {
    return b->cmp.match(len) && match_from(nodes, i + 1, prev_end, st);
  }
  return false;
}

}  // namespace

bool inspect_list(const BufferList& list, std::span<const uint8_t> data, int64_t* vars) {
  if (list.length && !list.length->match(static_cast<int64_t>(data.size()))) return false;
  State st{.data = data, .vars = vars};
  return match_from(list.nodes, 0, 0, st);
}

}  // namespace picket::detect
