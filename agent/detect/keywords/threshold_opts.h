#pragma once
// Parsing of "type T, track K, count N, seconds S" shared by threshold, detection_filter and
// threshold.config lines.
#include <string>
#include <string_view>

#include "agent/detect/rule.h"

namespace picket::detect {

// `need_type`: threshold needs type; detection_filter has none. False with `err`.
bool parse_threshold_opts(std::string_view value, bool need_type, Threshold* out, std::string* err);

}  // namespace picket::detect
