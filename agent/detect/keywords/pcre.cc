// Keyword 'pcre': "/regex/flags" through PCRE2 with JIT. Standard flags i s m x A E G and Suricata's:
// R (relative to the previous match), O (ignored: PCRE2 limits apply), B (raw bytes; the payload is raw),
// and buffer flags U (http.uri) I (http.uri.raw) P (http.request_body) Q (http.response_body)
// H (http.header) D (http.header.raw) M (http.method) C (http.cookie) S (http.stat_code)
// Y (http.stat_msg) V (http.user_agent) W (http.host) Z (http.host.raw).
#define PCRE2_CODE_UNIT_WIDTH 8
#include "agent/detect/keywords/pcre.h"

#include <pcre2.h>

#include "agent/detect/keywords/keyword.h"
#include "agent/detect/util.h"

namespace picket::detect {
namespace {

struct MatchData {
  pcre2_match_data* md = pcre2_match_data_create(16, nullptr);
  pcre2_match_context* mc = pcre2_match_context_create(nullptr);
  MatchData() {
    pcre2_set_match_limit(mc, 3500);
    pcre2_set_depth_limit(mc, 1500);
  }
  ~MatchData() {
    pcre2_match_data_free(md);
    pcre2_match_context_free(mc);
  }
};

MatchData& tls_match_data() {
  thread_local MatchData m;
  return m;
}

}  // namespace

std::shared_ptr<const Regex> Regex::compile(const std::string& pattern, uint32_t options, std::string* err) {
  int code = 0;
  PCRE2_SIZE off = 0;
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &code,
                                 &off, nullptr);
  if (re == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(code, buf, sizeof buf);
    *err = "pcre: " + std::string(reinterpret_cast<const char*>(buf)) + " at offset " + std::to_string(off);
    return nullptr;
  }
  std::shared_ptr<Regex> r(new Regex());
  r->code_ = re;
  return r;
}

Regex::~Regex() { pcre2_code_free(static_cast<pcre2_code*>(code_)); }

bool Regex::match(std::span<const uint8_t> data, size_t start, size_t* match_end) const {
  if (start > data.size()) return false;
  std::call_once(jit_once_, [this] { jit_ = pcre2_jit_compile(static_cast<pcre2_code*>(code_), PCRE2_JIT_COMPLETE) == 0; });
  auto& m = tls_match_data();
  // The subject begins at `start`, so '^' anchors at the relative position as in Suricata.
  int rc = pcre2_match(static_cast<pcre2_code*>(code_), data.data() + start, data.size() - start, 0, 0, m.md, m.mc);
  if (rc < 0) return false;
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(m.md);
  *match_end = start + ov[1];
  return true;
}

bool parse_pcre(ParseCtx& ctx, std::string_view value) {
  auto v = trim(value);
  PcreNode node;
  if (!v.empty() && v.front() == '!') {
    node.negated = true;
    v = trim(v.substr(1));
  }
  // Suricata takes the value quoted or bare (pcre:/one/U;).
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    v = v.substr(1, v.size() - 2);
  } else if (!v.empty() && v.front() == '"') {
    return ctx.fail("pcre: unterminated quoted value");
  }
  if (v.empty() || v.front() != '/') return ctx.fail("pcre: expected /regex/flags");
  auto last = v.rfind('/');
  if (last == 0) return ctx.fail("pcre: missing closing '/'");
  std::string re_text(v.substr(1, last - 1));
  auto flags = v.substr(last + 1);
  // Inside the quoted value, \" and \; are escapes of the rule language, not of the regex.
  std::string re;
  for (size_t i = 0; i < re_text.size(); ++i) {
    if (re_text[i] == '\\' && i + 1 < re_text.size() && (re_text[i + 1] == '"' || re_text[i + 1] == ';')) {
      continue;
    }
    re += re_text[i];
  }
  uint32_t opts = 0;
  bool has_buf = false;
  Buf buf = Buf::kPayload;
  for (char f : flags) {
    Buf b = Buf::kPayload;
    bool is_buf = true;
    switch (f) {
      case 'i': opts |= PCRE2_CASELESS; is_buf = false; break;
      case 's': opts |= PCRE2_DOTALL; is_buf = false; break;
      case 'm': opts |= PCRE2_MULTILINE; is_buf = false; break;
      case 'x': opts |= PCRE2_EXTENDED; is_buf = false; break;
      case 'A': opts |= PCRE2_ANCHORED; is_buf = false; break;
      case 'E': opts |= PCRE2_DOLLAR_ENDONLY; is_buf = false; break;
      case 'G': opts |= PCRE2_UNGREEDY; is_buf = false; break;
      case 'R': node.relative = true; is_buf = false; break;
      case 'O': case 'B': is_buf = false; break;
      case 'U': b = Buf::kHttpUri; break;
      case 'I': b = Buf::kHttpUriRaw; break;
      case 'P': b = Buf::kHttpRequestBody; break;
      case 'Q': b = Buf::kHttpResponseBody; break;
      case 'H': b = Buf::kHttpHeader; break;
      case 'D': b = Buf::kHttpHeaderRaw; break;
      case 'M': b = Buf::kHttpMethod; break;
      case 'C': b = Buf::kHttpCookie; break;
      case 'S': b = Buf::kHttpStatCode; break;
      case 'Y': b = Buf::kHttpStatMsg; break;
      case 'V': b = Buf::kHttpUserAgent; break;
      case 'W': b = Buf::kHttpHost; break;
      case 'Z': b = Buf::kHttpHostRaw; break;
      default: return ctx.fail(std::string("pcre: unknown flag '") + f + "'");
    }
    if (is_buf) {
      if (has_buf && b != buf) return ctx.fail("pcre: more than one buffer flag");
      has_buf = true;
      buf = b;
    }
  }
  if (has_buf && ctx.sticky != Buf::kPayload && ctx.sticky != buf) {
    return ctx.fail("pcre: buffer flag conflicts with the sticky buffer " + std::string(buffer_name(ctx.sticky)));
  }
  std::string err;
  node.re = Regex::compile(re, opts, &err);
  if (node.re == nullptr) return ctx.fail(err);
  node.source = std::string(v);
  Buf saved = ctx.sticky;
  if (has_buf) ctx.sticky = buf;
  ctx.append(std::move(node));
  ctx.sticky = saved;
  return true;
}

}  // namespace picket::detect
