#include "agent/detect/rule.h"

namespace picket::detect {

void choose_fast_pattern(Rule& r) {
  r.fp_list = r.fp_node = -1;
  int best_prio = -1;
  size_t best_len = 0;
  for (size_t li = 0; li < r.lists.size(); ++li) {
    const auto& l = r.lists[li];
    for (size_t ni = 0; ni < l.nodes.size(); ++ni) {
      const auto* c = std::get_if<ContentNode>(&l.nodes[ni]);
      if (c == nullptr) continue;
      if (c->fast_pattern && !c->negated) {
        r.fp_list = static_cast<int>(li);
        r.fp_node = static_cast<int>(ni);
        return;
      }
    }
  }
  for (size_t li = 0; li < r.lists.size(); ++li) {
    const auto& l = r.lists[li];
    int prio = l.buf == Buf::kPayload ? 1 : 2;
    for (size_t ni = 0; ni < l.nodes.size(); ++ni) {
      const auto* c = std::get_if<ContentNode>(&l.nodes[ni]);
      if (c == nullptr || c->negated) continue;
      if (prio > best_prio || (prio == best_prio && c->bytes.size() > best_len)) {
        best_prio = prio;
        best_len = c->bytes.size();
        r.fp_list = static_cast<int>(li);
        r.fp_node = static_cast<int>(ni);
      }
    }
  }
}

}  // namespace picket::detect
