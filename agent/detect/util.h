#pragma once
// String helpers for the rule parser. Pure functions; any thread.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace picket::detect {

std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
std::string lower(std::string_view s);
// Parses a non-negative decimal (or 0x hex when `hex_ok`) integer that must fill `s`.
bool parse_uint(std::string_view s, uint64_t* out, bool hex_ok = false);
bool parse_int(std::string_view s, int64_t* out);
// Splits on `sep` outside of double quotes, trimming each part; empty parts kept.
std::vector<std::string_view> split_top(std::string_view s, char sep);
// Removes surrounding double quotes when present (and only then).
std::string_view unquote(std::string_view s);

}  // namespace picket::detect
