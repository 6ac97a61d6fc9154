#pragma once
// Number extraction shared by byte_test, byte_jump and byte_extract: binary (big or little endian) or
// string (base 8/10/16). Data plane: returns false when the bytes are missing or not a number.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace picket::detect {

struct ParseCtx;

// nbytes 0 with a string base: every leading digit up to 23 or the buffer's end.
bool extract_number(std::span<const uint8_t> data, int64_t pos, int nbytes, bool little, int base,
                    uint64_t* out);

// The byte count that starts byte_test, byte_jump and byte_extract: a positive integer (the upper bound
// depends on string/binary and is checked by the caller). False with "<keyword>: bad byte count".
bool parse_byte_count(ParseCtx& ctx, std::string_view keyword, std::string_view word, int* out);

// Common option words: relative, big, little, string, hex, dec, oct, dce, bitmask N. Returns false with an
// error on an unknown word; unknown-to-caller words are passed back in `rest`.
struct ByteOpts {
  bool relative = false;
  bool little = false;
  bool string = false;
  int base = 0;
  uint64_t bitmask = 0;
  std::vector<std::string_view> rest;
};
bool parse_byte_opts(ParseCtx& ctx, std::string_view keyword, const std::vector<std::string_view>& words,
                     ByteOpts* out);

}  // namespace picket::detect
