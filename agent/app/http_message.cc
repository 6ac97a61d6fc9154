#include <cstring>

#include "agent/app/http.h"

namespace picket::app {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::string_view HttpMessage::header(std::string_view name) const {
  for (const HttpHeader& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return {};
}

bool HttpMessage::has_header(std::string_view name) const {
  for (const HttpHeader& h : headers) {
    if (iequals(h.name, name)) return true;
  }
  return false;
}

std::string_view HttpMessage::header_block_raw() const {
  if (!headers_complete) return {};
  std::string_view h(head);
  size_t nl = h.find('\n');
  if (nl == std::string_view::npos) return {};
  return h.substr(nl + 1);
}

void HttpMessage::clear() {
  head.clear();
  start_line = {};
  headers.clear();
  header_block.clear();
  header_names.clear();
  body.clear();
  body_bytes = 0;
  wire_body_bytes = 0;
  headers_complete = false;
  complete = false;
  body_truncated = false;
  chunked = false;
  content_length = -1;
}

std::string_view HttpTx::http_cookie(Direction d) const {
  return d == Direction::kToServer ? request.header("Cookie") : response.header("Set-Cookie");
}

void HttpTx::clear() {
  id = 0;
  request.clear();
  response.clear();
  method = uri_raw = request_protocol = {};
  uri_normalized.clear();
  host.clear();
  host_raw = {};
  response_protocol = status_code_text = status_message = {};
  status = 0;
  has_response = false;
}

}  // namespace picket::app
