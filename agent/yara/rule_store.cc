#include "agent/yara/rule_store.h"

namespace picket::yara {

void RuleStore::set(std::shared_ptr<const RuleSet> rules) {
  current_.store(std::move(rules), std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace picket::yara
