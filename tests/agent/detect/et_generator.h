#pragma once
// Builds, for a loaded rule, an engine Input that satisfies it: header fields inside the rule's address and
// port sets, flow direction and state, header checks, flowbits, and for each inspection buffer bytes that
// place every content where its modifiers demand. Rules whose constraints this generator cannot construct
// (pcre, byte_*, thresholds above one, noalert) are reported as unsupported with a reason.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/detect/engine.h"

namespace picket::detect::test {

struct Generated {
  Input input;
  std::array<std::string, kBufCount> storage;  // bytes the input's views point to
  std::vector<uint8_t> flowbits;               // bits to preset in the flow
  Buf fp_buf = Buf::kPayload;
  size_t fp_pos = 0, fp_len = 0;               // where the fast pattern was written (in storage[fp_buf])
};

// nullopt with `why` when the rule is outside what the generator builds.
std::optional<Generated> generate(const Rule& r, size_t flowbit_count, std::string* why);
// Points the input's buffer views at `g.storage` (call after copying/moving a Generated).
void bind(Generated& g);

}  // namespace picket::detect::test
