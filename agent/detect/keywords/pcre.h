#pragma once
// A compiled PCRE2 pattern, shared by the rules that use it. The JIT compile happens at the first match
// (once, under std::call_once): most of a large rule set's patterns never meet a candidate, and compiling
// them all up front was a large part of the start-up time.
// match() may be called from any thread (match data is thread-local).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>

namespace picket::detect {

class Regex {
 public:
  // Compiles `pattern` with PCRE2 option bits `options`. nullptr with `err` on failure.
  static std::shared_ptr<const Regex> compile(const std::string& pattern, uint32_t options, std::string* err);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  // Searches data[start..]; on a match sets *match_end (offset in `data`) and returns true.
  // Errors (match limit, bad UTF) count as no match.
  bool match(std::span<const uint8_t> data, size_t start, size_t* match_end) const;

 private:
  Regex() = default;
  void* code_ = nullptr;  // pcre2_code_8*
  mutable std::once_flag jit_once_;
  mutable bool jit_ = false;
};

}  // namespace picket::detect
