#pragma once
// Content decoding and searching, shared by content, uricontent and the inspection engine.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace picket::detect {

// Decodes a quoted content value ("abc|0d 0a|\"x") into bytes. False with `err` on bad hex or quoting.
bool decode_content(std::string_view quoted, std::string* out, std::string* err);

// Finds `pat` in data[from, to); returns the start or -1. `nocase` compares ASCII case-insensitively.
int64_t find_bytes(std::span<const uint8_t> data, size_t from, size_t to, std::string_view pat, bool nocase);

}  // namespace picket::detect
