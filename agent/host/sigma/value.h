#pragma once
// Sigma value compilation (modifiers -> sigma::Value alternatives) and value matching. Internal to
// agent/host/sigma.
#include <string>
#include <string_view>
#include <vector>

#include "agent/host/sigma/sigma.h"

namespace picket::host::sigma {

// Builds the alternatives for one YAML scalar under `modifiers` (already split, without "all").
// `is_null` for a YAML null. Returns false with *error set for unsupported or invalid combinations.
bool compile_value(std::string_view scalar, bool is_null, const std::vector<std::string>& modifiers,
                   bool keyword, Alternatives* out, std::string* error);

// True when the value matches the field (nullptr: the field is absent). `ev` resolves fieldref.
bool match_value(const Value& v, const LogField* field, const LogEvent& ev);
// Keyword search on the raw line.
bool match_raw(const Value& v, const LogEvent& ev);

// `pattern` is lowercase when `ci` (ASCII case folding of `s`).
bool glob_match(const std::vector<int16_t>& pattern, std::string_view s, bool ci = false);
bool parse_cidr(std::string_view text, Cidr* out);
bool cidr_contains(const Cidr& net, std::string_view ip);
std::string base64(std::string_view in);
// The three base64 encodings of `in` at offsets 0, 1, 2 with the bytes that depend on neighbours cut off.
std::vector<std::string> base64_offsets(std::string_view in);
std::vector<std::string> windash_variants(std::string_view in);

// PCRE2 (sigma/regex.cc).
std::shared_ptr<Regex> compile_regex(std::string_view pattern, std::string_view flags, std::string* error);
bool regex_search(const Regex& re, std::string_view subject);

}  // namespace picket::host::sigma
