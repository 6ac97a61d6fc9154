#include <cstring>
#include <utility>

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

// `v` re-pointed from the string that held [base, base+n) to `to`; views elsewhere are kept as they are.
std::string_view rebase(std::string_view v, const char* base, size_t n, const std::string& to) {
  if (v.empty()) return {};
  if (base != nullptr && v.data() >= base && v.data() + v.size() <= base + n) {
    return std::string_view(to.data() + (v.data() - base), v.size());
  }
  return v;
}

}  // namespace

HttpMessage::HttpMessage(const HttpMessage& o) { *this = o; }
HttpMessage::HttpMessage(HttpMessage&& o) noexcept { *this = std::move(o); }

namespace {

// One body for HttpMessage's copy and move: each member copied or moved from `o`, then the views into
// `head` re-pointed to the new string (a moved string keeps its heap buffer but not a small inline one,
// so the old place is remembered first).
template <typename Src>
void assign_message(HttpMessage& to, Src&& o) {
  const char* base = o.head.data();
  const size_t n = o.head.size();
  const std::string_view line = o.start_line;
  to.head = std::forward<Src>(o).head;
  to.headers = std::forward<Src>(o).headers;
  to.header_block = std::forward<Src>(o).header_block;
  to.header_names = std::forward<Src>(o).header_names;
  to.body = std::forward<Src>(o).body;
  to.body_bytes = o.body_bytes;
  to.wire_body_bytes = o.wire_body_bytes;
  to.headers_complete = o.headers_complete;
  to.complete = o.complete;
  to.body_truncated = o.body_truncated;
  to.chunked = o.chunked;
  to.content_length = o.content_length;
  to.start_line = rebase(line, base, n, to.head);
  for (HttpHeader& h : to.headers) {
    h.name = rebase(h.name, base, n, to.head);
    h.value = rebase(h.value, base, n, to.head);
  }
}

}  // namespace

HttpMessage& HttpMessage::operator=(const HttpMessage& o) {
  if (this != &o) assign_message(*this, o);
  return *this;
}

HttpMessage& HttpMessage::operator=(HttpMessage&& o) noexcept {
  if (this == &o) return *this;
  assign_message(*this, std::move(o));
  o.start_line = {};
  return *this;
}

HttpTx::HttpTx(const HttpTx& o) { *this = o; }
HttpTx::HttpTx(HttpTx&& o) noexcept { *this = std::move(o); }

namespace {

// Where HttpTx's own views may point: its request head, response head or HTTP/2 authority.
struct TxBases {
  const char* rq;
  size_t rqn;
  const char* rs;
  size_t rsn;
  const char* au;
  size_t aun;
};

std::string_view rebase_tx(std::string_view v, const TxBases& b, const HttpTx& to) {
  if (v.empty()) return {};
  std::string_view r = rebase(v, b.rq, b.rqn, to.request.head);
  if (r.data() != v.data()) return r;
  r = rebase(v, b.rs, b.rsn, to.response.head);
  if (r.data() != v.data()) return r;
  return rebase(v, b.au, b.aun, to.authority);
}

}  // namespace

HttpTx& HttpTx::operator=(const HttpTx& o) {
  if (this == &o) return *this;
  const TxBases b{o.request.head.data(), o.request.head.size(), o.response.head.data(), o.response.head.size(),
                  o.authority.data(), o.authority.size()};
  id = o.id;
  request = o.request;
  response = o.response;
  uri_normalized = o.uri_normalized;
  host = o.host;
  authority = o.authority;
  status = o.status;
  has_response = o.has_response;
  method = rebase_tx(o.method, b, *this);
  uri_raw = rebase_tx(o.uri_raw, b, *this);
  request_protocol = rebase_tx(o.request_protocol, b, *this);
  host_raw = rebase_tx(o.host_raw, b, *this);
  response_protocol = rebase_tx(o.response_protocol, b, *this);
  status_code_text = rebase_tx(o.status_code_text, b, *this);
  status_message = rebase_tx(o.status_message, b, *this);
  return *this;
}

HttpTx& HttpTx::operator=(HttpTx&& o) noexcept {
  if (this == &o) return *this;
  const TxBases b{o.request.head.data(), o.request.head.size(), o.response.head.data(), o.response.head.size(),
                  o.authority.data(), o.authority.size()};
  const std::string_view v[7] = {o.method, o.uri_raw, o.request_protocol, o.host_raw, o.response_protocol,
                                 o.status_code_text, o.status_message};
  id = o.id;
  request = std::move(o.request);
  response = std::move(o.response);
  uri_normalized = std::move(o.uri_normalized);
  host = std::move(o.host);
  authority = std::move(o.authority);
  status = o.status;
  has_response = o.has_response;
  method = rebase_tx(v[0], b, *this);
  uri_raw = rebase_tx(v[1], b, *this);
  request_protocol = rebase_tx(v[2], b, *this);
  host_raw = rebase_tx(v[3], b, *this);
  response_protocol = rebase_tx(v[4], b, *this);
  status_code_text = rebase_tx(v[5], b, *this);
  status_message = rebase_tx(v[6], b, *this);
  return *this;
}

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
  authority.clear();
  host_raw = {};
  response_protocol = status_code_text = status_message = {};
  status = 0;
  has_response = false;
}

}  // namespace picket::app
