#include "agent/detect/iponly.h"

#include <algorithm>

namespace picket::detect {

void IpOnlyIndex::add(uint32_t idx, const Rule& r) {
  if (r.bidirectional || (r.src.is_any() && r.dst.is_any())) {
    always_.push_back(idx);
    return;
  }
  // Index by the side that covers less of the address space (fewer candidates per lookup).
  auto coverage = [](const AddrSet& s) {
    long double c = 0;
    for (auto [lo, hi] : s.ranges()) c += static_cast<long double>(hi - lo) + 1;
    return c;
  };
  bool by_src = !r.src.is_any() && (r.dst.is_any() || coverage(r.src) <= coverage(r.dst));
  Side& side = by_src ? src_ : dst_;
  for (auto [lo, hi] : (by_src ? r.src : r.dst).ranges()) side.entries.emplace_back(lo, hi, idx);
}

void IpOnlyIndex::Side::finish() {
  bounds.clear();
  for (const auto& [lo, hi, r] : entries) {
    bounds.push_back(lo);
    if (hi != ~U128{0}) bounds.push_back(hi + 1);
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  std::vector<std::vector<uint32_t>> per(bounds.size());
  for (const auto& [lo, hi, r] : entries) {
    size_t i = static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), lo) - bounds.begin());
    size_t j = hi == ~U128{0} ? bounds.size()
                              : static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), hi + 1) - bounds.begin());
    for (size_t k = i; k < j; ++k) per[k].push_back(r);
  }
  offsets.assign(1, 0);
  rules.clear();
  for (auto& v : per) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    rules.insert(rules.end(), v.begin(), v.end());
    offsets.push_back(static_cast<uint32_t>(rules.size()));
  }
  entries.clear();
  entries.shrink_to_fit();
}

std::span<const uint32_t> IpOnlyIndex::Side::find(U128 v) const {
  auto it = std::upper_bound(bounds.begin(), bounds.end(), v);
  if (it == bounds.begin()) return {};
  size_t k = static_cast<size_t>(it - bounds.begin()) - 1;
  return std::span<const uint32_t>(rules.data() + offsets[k], offsets[k + 1] - offsets[k]);
}

void IpOnlyIndex::finish() {
  src_.finish();
  dst_.finish();
}

}  // namespace picket::detect
