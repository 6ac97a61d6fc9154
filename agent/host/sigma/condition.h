#pragma once
// Sigma condition expressions -> CondNode trees. Internal to agent/host/sigma.
//
//   selection and not 1 of filter_*  |  (a or b) and all of them  |  2 of sel*
//
// Precedence: not > and > or. `them` excludes identifiers that start with '_'. Aggregations (`| count()`)
// and `near` are rejected (correlation rules replace them).
#include <string>
#include <string_view>
#include <vector>

#include "agent/host/sigma/sigma.h"

namespace picket::host::sigma {

// Appends the nodes of `text` to `nodes` and returns the root index, or -1 with *error set.
int parse_condition(std::string_view text, const std::vector<Selection>& selections, std::vector<CondNode>& nodes,
                    std::string* error);

}  // namespace picket::host::sigma
