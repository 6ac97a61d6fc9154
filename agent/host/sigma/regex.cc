// Sigma's `re` modifier on PCRE2 (JIT when available). Match data is per thread, so one compiled regex is
// shared by every matching thread.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "agent/host/sigma/value.h"

namespace picket::host::sigma {

struct Regex {
  pcre2_code* code = nullptr;
  ~Regex() {
    if (code != nullptr) pcre2_code_free(code);
  }
};

namespace {

// A hostile line must not make a rule's regex run for long: bound the backtracking.
struct MatchData {
  pcre2_match_data* md = pcre2_match_data_create(1, nullptr);
  pcre2_match_context* ctx = make_context();
  ~MatchData() {
    pcre2_match_data_free(md);
    pcre2_match_context_free(ctx);
  }
  static pcre2_match_context* make_context() {
    pcre2_match_context* c = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(c, 200000);
    pcre2_set_depth_limit(c, 10000);
    return c;
  }
};

}  // namespace

std::shared_ptr<Regex> compile_regex(std::string_view pattern, std::string_view flags, std::string* error) {
  uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  for (char f : flags) {
    if (f == 'i') options |= PCRE2_CASELESS;
    else if (f == 'm') options |= PCRE2_MULTILINE;
    else if (f == 's') options |= PCRE2_DOTALL;
  }
  int err = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &err,
                                   &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof(buf));
    *error = "bad regular expression at offset " + std::to_string(offset) + ": " +
             reinterpret_cast<const char*>(buf);
    return nullptr;
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter when JIT is unavailable
  auto re = std::make_shared<Regex>();
  re->code = code;
  return re;
}

bool regex_search(const Regex& re, std::string_view subject) {
  thread_local MatchData data;
  const int rc = pcre2_match(re.code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0,
                             data.md, data.ctx);
  return rc >= 0;
}

}  // namespace picket::host::sigma
