// Legacy content modifiers (http_uri, http_raw_uri, http_method, http_host, http_raw_host,
// http_user_agent, http_header, http_raw_header, http_cookie, http_client_body, http_server_body,
// http_stat_code, http_stat_msg): move the preceding content to that buffer.
#include <array>
#include <utility>

#include "agent/detect/keywords/keyword.h"

namespace picket::detect {
namespace {

constexpr std::array<std::pair<std::string_view, Buf>, 13> kModifiers = {{
    {"http_uri", Buf::kHttpUri},
    {"http_raw_uri", Buf::kHttpUriRaw},
    {"http_method", Buf::kHttpMethod},
    {"http_host", Buf::kHttpHost},
    {"http_raw_host", Buf::kHttpHostRaw},
    {"http_user_agent", Buf::kHttpUserAgent},
    {"http_header", Buf::kHttpHeader},
    {"http_raw_header", Buf::kHttpHeaderRaw},
    {"http_cookie", Buf::kHttpCookie},
    {"http_client_body", Buf::kHttpRequestBody},
    {"http_server_body", Buf::kHttpResponseBody},
    {"http_stat_code", Buf::kHttpStatCode},
    {"http_stat_msg", Buf::kHttpStatMsg},
}};

}  // namespace

bool parse_legacy_modifier(ParseCtx& ctx, std::string_view) {
  for (auto [name, b] : kModifiers) {
    if (name == ctx.keyword) {
      if (ctx.sticky != Buf::kPayload) {
        return ctx.fail(std::string(name) + " cannot be used after a sticky buffer");
      }
      return ctx.move_last_content(b, name);
    }
  }
  return ctx.fail("unknown content modifier '" + std::string(ctx.keyword) + "'");
}

}  // namespace picket::detect
