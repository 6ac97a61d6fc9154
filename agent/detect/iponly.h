#pragma once
// The IP-only index: rules that look only at addresses (IP reputation lists such as ET's botcc, ciarmy,
// compromised, drop, dshield, tor) are found by two interval lookups on the packet's addresses instead of
// being tried one by one. Each rule is indexed by its source ranges when they are not "any", else by its
// destination ranges; rules open on both sides (or bidirectional) sit in a small list that every lookup
// returns. Candidates are then fully checked by the engine.
//
// Built once (add + finish) on the control plane; lookup() from any thread.
#include <cstdint>
#include <span>
#include <tuple>
#include <vector>

#include "agent/detect/address.h"
#include "agent/detect/rule.h"

namespace picket::detect {

class IpOnlyIndex {
 public:
  void add(uint32_t rule_index, const Rule& rule);
  void finish();
  template <typename F>
  void lookup(const IpAddr& src, const IpAddr& dst, F&& f) const {
    for (auto r : always_) f(r);
    for (auto r : src_.find(src.v)) f(r);
    for (auto r : dst_.find(dst.v)) f(r);
  }
  size_t intervals() const { return src_.bounds.size() + dst_.bounds.size(); }

 private:
  struct Side {
    std::vector<std::tuple<U128, U128, uint32_t>> entries;  // before finish()
    std::vector<U128> bounds;                               // elementary interval starts
    std::vector<uint32_t> offsets;                          // bounds.size() + 1
    std::vector<uint32_t> rules;
    void finish();
    std::span<const uint32_t> find(U128 v) const;
  };
  Side src_, dst_;
  std::vector<uint32_t> always_;
};

}  // namespace picket::detect
