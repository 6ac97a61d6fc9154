#pragma once
// Verification of one rule's inspection list against one buffer, with Suricata's semantics: contents
// relative to the previous match (distance/within), absolute ones (offset/depth), startswith/endswith,
// negation, pcre, byte_test/byte_jump/byte_extract, isdataat and bsize, retrying earlier matches when a
// later relative node fails. Data plane: never throws; bounded work per call.
#include <cstdint>
#include <span>

#include "agent/detect/rule.h"

namespace picket::detect {

// `vars` has room for the rule's byte_extract variables (rule.var_names.size()).
bool inspect_list(const BufferList& list, std::span<const uint8_t> data, int64_t* vars);

}  // namespace picket::detect
