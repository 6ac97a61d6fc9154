// Incremental HTTP/1.x parser: per-direction state machines over reassembled stream bytes.
#include <cstring>

#include "agent/app/http.h"
#include "agent/app/http_body.h"

namespace picket::app {

struct HttpParser::Side {
  enum class State { kIdle, kHead, kBody, kFailed };
  State state = State::kIdle;
  HttpTx* tx = nullptr;
  size_t scan_from = 0;  // where the blank-line search resumes in tx's head
  HttpBodyReader body;
  bool tunnel = false;
};

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

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r' || v.back() == '\n')) {
    v.remove_suffix(1);
  }
  return v;
}

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' ||
         c == '+' || c == '^' || c == '`' || c == '|' || c == '~';
}

// Parses the start line and the header lines of a complete head. Returns false only for a head with no
// usable start line.
void parse_headers(HttpMessage& m, const AppLimits& limits, AppCounters& c) {
  std::string_view h(m.head);
  size_t nl = h.find('\n');
  std::string_view first = h.substr(0, nl == std::string_view::npos ? h.size() : nl);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  m.start_line = first;
  m.header_names.assign("\r\n");
  size_t pos = nl == std::string_view::npos ? h.size() : nl + 1;
  while (pos < h.size()) {
    size_t e = h.find('\n', pos);
    if (e == std::string_view::npos) e = h.size();
    std::string_view line = h.substr(pos, e - pos);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    } else if (e < h.size()) {
      ++c.http_bare_lf;
    }
    size_t line_start = pos;
    pos = e + 1;
    if (line.empty()) break;  // the blank line ending the head
    if (line.front() == ' ' || line.front() == '\t') {
      ++c.http_folded_header;
      if (!m.headers.empty()) {
        // Extend the previous value over the continuation line (the CRLF stays inside the view).
        HttpHeader& prev = m.headers.back();
        const char* vstart = prev.value.empty() ? h.data() + line_start : prev.value.data();
        std::string_view cont = trim(line);
        const char* vend = cont.empty() ? vstart + prev.value.size() : cont.data() + cont.size();
        if (prev.value.empty() && !cont.empty()) vstart = cont.data();
        prev.value = std::string_view(vstart, static_cast<size_t>(vend - vstart));
      }
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      ++c.http_bad_header_line;
      continue;
    }
    if (m.headers.size() >= limits.http_max_headers) {
      ++c.http_too_many_headers;
      continue;
    }
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
      name.remove_suffix(1);
    }
    if (name.size() != colon) ++c.http_bad_header_line;  // whitespace before the colon
    m.headers.push_back({name, trim(line.substr(colon + 1))});
  }
  size_t block = 0;
  for (const HttpHeader& hd : m.headers) block += hd.name.size() + hd.value.size() + 4;
  m.header_block.reserve(block);
  for (const HttpHeader& hd : m.headers) {
    m.header_block.append(hd.name).append(": ").append(hd.value).append("\r\n");
    m.header_names.append(hd.name).append("\r\n");
  }
  m.header_names.append("\r\n");
}

// Content-Length: digits only; duplicates must agree.
int64_t content_length(const HttpMessage& m, AppCounters& c) {
  int64_t value = -1;
  for (const HttpHeader& hd : m.headers) {
    if (!iequals(hd.name, "Content-Length")) continue;
    std::string_view v = hd.value;
    if (v.empty() || v.size() > 18) {
      ++c.http_bad_content_length;
      return -1;
    }
    int64_t n = 0;
    for (char ch : v) {
      if (ch < '0' || ch > '9') {
        ++c.http_bad_content_length;
        return -1;
      }
      n = n * 10 + (ch - '0');
    }
    if (value >= 0 && value != n) ++c.http_duplicate_content_length;
    if (value < 0) value = n;
  }
  return value;
}

HttpBodyReader::Coding coding_of(const HttpMessage& m) {
  std::string_view ce = m.header("Content-Encoding");
  if (ce.empty()) return HttpBodyReader::Coding::kIdentity;
  if (icontains(ce, "gzip")) return HttpBodyReader::Coding::kGzip;
  if (icontains(ce, "deflate")) return HttpBodyReader::Coding::kDeflate;
  return HttpBodyReader::Coding::kIdentity;
}

void emit(AppEventSink* sink, AppEventKind kind, Direction dir, const HttpTx* tx, std::string_view data = {}) {
  if (sink == nullptr) return;
  AppEvent e{.kind = kind, .dir = dir, .proto = AppProto::kHttp, .http = tx, .data = data};
  sink->on_app_event(e);
}

}  // namespace

HttpParser::HttpParser(const AppLimits& limits, AppCounters& counters) : limits_(limits), counters_(counters) {
  sides_[0] = std::make_unique<Side>();
  sides_[1] = std::make_unique<Side>();
}

HttpParser::~HttpParser() = default;

void HttpParser::release_done() {
  while (!txs_.empty()) {
    HttpTx& front = txs_.front();
    bool done = front.request.complete && front.response.complete;
    if (!done) break;
    if (sides_[0]->tx == &front || sides_[1]->tx == &front) break;
    front.clear();
    if (spare_.size() < 4) spare_.push_back(std::move(front));
    txs_.pop_front();
  }
}

void HttpParser::fail(Side& s) {
  s.state = Side::State::kFailed;
  s.tx = nullptr;
}

HttpTx* HttpParser::start_request() {
  // Bound the queue: drop the oldest transactions whose request is done when responses never come.
  size_t pending = 0;
  for (const HttpTx& t : txs_) pending += t.has_response ? 0 : 1;
  while (pending >= limits_.http_max_pending_tx && !txs_.empty()) {
    HttpTx& front = txs_.front();
    if (sides_[0]->tx == &front || sides_[1]->tx == &front) break;
    ++counters_.http_too_many_pending;
    if (!front.has_response) --pending;
    front.clear();
    txs_.pop_front();
  }
  if (!spare_.empty()) {
    txs_.push_back(std::move(spare_.back()));
    spare_.pop_back();
  } else {
    txs_.emplace_back();
  }
  HttpTx* tx = &txs_.back();
  tx->id = next_tx_id_++;
  return tx;
}

HttpTx* HttpParser::start_response() {
  for (HttpTx& t : txs_) {
    if (!t.has_response && t.request.headers_complete) {
      t.has_response = true;
      return &t;
    }
  }
  ++counters_.http_response_without_request;
  HttpTx* tx = start_request();
  tx->request.complete = true;  // nothing will come for it
  tx->has_response = true;
  return tx;
}

void HttpParser::feed(Direction dir, std::span<const uint8_t> data, AppEventSink* sink) {
  release_done();
  Side& s = *sides_[dir_index(dir)];
  if (s.state == Side::State::kFailed) {
    if (!data.empty() && !s.tunnel) ++counters_.http_data_after_error;
    return;
  }
  while (!data.empty() && s.state != Side::State::kFailed) {
    size_t used = step(dir, s, data, sink);
    data = data.subspan(used);
  }
}

size_t HttpParser::step(Direction dir, Side& s, std::span<const uint8_t> data, AppEventSink* sink) {
  switch (s.state) {
    case Side::State::kIdle: {
      // Stray CR/LF between messages is tolerated.
      size_t i = 0;
      while (i < data.size() && (data[i] == '\r' || data[i] == '\n')) ++i;
      if (i > 0) return i;
      s.tx = dir == Direction::kToServer ? start_request() : start_response();
      s.state = Side::State::kHead;
      s.scan_from = 0;
      return 0;
    }
    case Side::State::kHead:
      return read_head(dir, s, data, sink);
    case Side::State::kBody: {
      HttpMessage& m = dir == Direction::kToServer ? s.tx->request : s.tx->response;
      size_t before = m.body.size();
      bool done = false, error = false;
      size_t used = s.body.consume(data, m, limits_, counters_, &done, &error);
      if (m.body.size() > before) {
        emit(sink, dir == Direction::kToServer ? AppEventKind::kHttpRequestBody : AppEventKind::kHttpResponseBody,
             dir, s.tx, std::string_view(m.body).substr(before));
      }
      if (error) {
        fail(s);
        return data.size();
      }
      if (done) message_done(dir, s, sink);
      return used;
    }
    case Side::State::kFailed:
      break;
  }
  return data.size();
}

size_t HttpParser::read_head(Direction dir, Side& s, std::span<const uint8_t> data, AppEventSink* sink) {
  HttpMessage& m = dir == Direction::kToServer ? s.tx->request : s.tx->response;
  size_t room = limits_.http_max_header_bytes + 1 - m.head.size();
  size_t take = data.size() < room ? data.size() : room;
  size_t old = m.head.size();
  m.head.append(reinterpret_cast<const char*>(data.data()), take);
  // Look for LF followed by LF or CRLF.
  const char* base = m.head.data();
  size_t n = m.head.size();
  size_t i = s.scan_from;
  size_t end = 0;
  while (i < n) {
    const void* p = std::memchr(base + i, '\n', n - i);
    if (p == nullptr) {
      i = n;
      break;
    }
    size_t lf = static_cast<size_t>(static_cast<const char*>(p) - base);
    if (lf + 1 >= n) {
      i = lf;
      break;
    }
    if (base[lf + 1] == '\n') {
      end = lf + 2;
      break;
    }
    if (base[lf + 1] == '\r') {
      if (lf + 2 >= n) {
        i = lf;
        break;
      }
      if (base[lf + 2] == '\n') {
        end = lf + 3;
        break;
      }
    }
    i = lf + 1;
  }
  if (end == 0) {
    s.scan_from = i;
    if (m.head.size() > limits_.http_max_header_bytes) {
      ++counters_.http_header_too_long;
      fail(s);
      return data.size();
    }
    return take;
  }
  m.head.resize(end);
  size_t used = end - old;
  head_done(dir, s, sink);
  return used;
}

void HttpParser::head_done(Direction dir, Side& s, AppEventSink* sink) {
  HttpTx& tx = *s.tx;
  if (dir == Direction::kToServer) {
    HttpMessage& m = tx.request;
    parse_headers(m, limits_, counters_);
    std::string_view line = m.start_line;
    size_t sp = line.find(' ');
    std::string_view method = line.substr(0, sp == std::string_view::npos ? line.size() : sp);
    bool ok = !method.empty();  // a bare "OPTIONS" line is a request with an empty target
    for (char ch : method) ok = ok && is_token_char(ch);
    if (!ok) {
      ++counters_.http_bad_request_line;
      m.clear();
      tx.request.complete = true;
      tx.response.complete = true;
      fail(s);
      return;
    }
    std::string_view rest = sp == std::string_view::npos ? std::string_view() : trim(line.substr(sp + 1));
    size_t last = rest.rfind(' ');
    std::string_view proto = last == std::string_view::npos ? std::string_view() : rest.substr(last + 1);
    if (proto.substr(0, 5) == "HTTP/") {
      tx.request_protocol = proto;
      rest = trim(rest.substr(0, last));
    } else {
      tx.request_protocol = {};
    }
    tx.method = method;
    tx.uri_raw = rest;
    uint64_t bad = 0;
    tx.uri_normalized = normalize_uri(rest, &bad);
    counters_.http_bad_percent_encoding += bad;
    // Host: the absolute URI's authority wins over the Host header (RFC 7230 5.4).
    std::string_view authority;
    size_t scheme = rest.find("://");
    if (scheme != std::string_view::npos && !rest.empty() && rest[0] != '/') {
      std::string_view after = rest.substr(scheme + 3);
      authority = after.substr(0, after.find_first_of("/?"));
    }
    tx.host_raw = authority.empty() ? m.header("Host") : authority;
    tx.host = normalize_host(tx.host_raw);
    ++counters_.http_requests;
    m.headers_complete = true;
    m.content_length = content_length(m, counters_);
    emit(sink, AppEventKind::kHttpRequestHeaders, dir, &tx);
    std::string_view te = m.header("Transfer-Encoding");
    if (!te.empty() && icontains(te, "chunked")) {
      s.body.start(HttpBodyReader::Framing::kChunked, 0, HttpBodyReader::Coding::kIdentity,
                   limits_.http_request_body_limit, false);
      s.state = Side::State::kBody;
    } else if (m.content_length > 0) {
      s.body.start(HttpBodyReader::Framing::kLength, static_cast<uint64_t>(m.content_length),
                   HttpBodyReader::Coding::kIdentity, limits_.http_request_body_limit, false);
      s.state = Side::State::kBody;
    } else {
      message_done(dir, s, sink);
    }
    return;
  }

  HttpMessage& m = tx.response;
  parse_headers(m, limits_, counters_);
  std::string_view line = m.start_line;
  if (line.substr(0, 5) != "HTTP/") {
    ++counters_.http_bad_status_line;
    m.clear();
    tx.response.complete = true;
    fail(s);
    return;
  }
  size_t sp = line.find(' ');
  tx.response_protocol = line.substr(0, sp == std::string_view::npos ? line.size() : sp);
  std::string_view rest = sp == std::string_view::npos ? std::string_view() : trim(line.substr(sp + 1));
  size_t sp2 = rest.find(' ');
  tx.status_code_text = rest.substr(0, sp2 == std::string_view::npos ? rest.size() : sp2);
  tx.status_message = sp2 == std::string_view::npos ? std::string_view() : trim(rest.substr(sp2 + 1));
  int status = 0;
  bool numeric = tx.status_code_text.size() == 3;
  for (char ch : tx.status_code_text) {
    if (ch < '0' || ch > '9') {
      numeric = false;
      break;
    }
    status = status * 10 + (ch - '0');
  }
  if (!numeric) {
    ++counters_.http_bad_status_line;
    status = 0;
  }
  tx.status = status;
  if (status >= 100 && status < 200 && status != 101) {
    // Interim response: drop it and wait for the final one on the same transaction.
    m.clear();
    tx.response_protocol = tx.status_code_text = tx.status_message = {};
    tx.status = 0;
    s.scan_from = 0;
    s.state = Side::State::kHead;
    return;
  }
  ++counters_.http_responses;
  m.headers_complete = true;
  m.content_length = content_length(m, counters_);
  emit(sink, AppEventKind::kHttpResponseHeaders, dir, &tx);
  bool connect_ok = iequals(tx.method, "CONNECT") && status >= 200 && status < 300;
  if (status == 101 || connect_ok) {
    // The connection stops being HTTP (WebSocket, h2c, a tunnel): stop parsing both directions.
    message_done(dir, s, sink);
    s.tunnel = true;
    fail(s);
    Side& req = *sides_[0];
    req.tunnel = true;
    if (req.tx != nullptr) req.tx->request.complete = true;
    fail(req);
    return;
  }
  bool no_body = iequals(tx.method, "HEAD") || status == 204 || status == 304;
  if (no_body) {
    message_done(dir, s, sink);
    return;
  }
  HttpBodyReader::Coding coding = coding_of(m);
  std::string_view te = m.header("Transfer-Encoding");
  if (!te.empty() && icontains(te, "chunked")) {
    s.body.start(HttpBodyReader::Framing::kChunked, 0, coding, limits_.http_response_body_limit, true);
  } else if (m.content_length >= 0) {
    if (m.content_length == 0) {
      message_done(dir, s, sink);
      return;
    }
    s.body.start(HttpBodyReader::Framing::kLength, static_cast<uint64_t>(m.content_length), coding,
                 limits_.http_response_body_limit, true);
  } else {
    s.body.start(HttpBodyReader::Framing::kClose, 0, coding, limits_.http_response_body_limit, true);
  }
  s.state = Side::State::kBody;
}

void HttpParser::message_done(Direction dir, Side& s, AppEventSink* sink) {
  HttpTx* tx = s.tx;
  if (dir == Direction::kToServer) {
    tx->request.complete = true;
    emit(sink, AppEventKind::kHttpRequestComplete, dir, tx);
  } else {
    tx->response.complete = true;
    emit(sink, AppEventKind::kHttpResponseComplete, dir, tx);
  }
  s.tx = nullptr;
  s.state = Side::State::kIdle;
}

void HttpParser::on_close(Direction dir, AppEventSink* sink) {
  release_done();
  Side& s = *sides_[dir_index(dir)];
  if (s.state == Side::State::kHead && s.tx != nullptr) {
    // The stream ended inside a head (no blank line): what arrived is the whole head, as a server or
    // client closing the connection there means (libhtp does the same). Its start line and complete
    // header lines are parsed and inspected; a header line cut in the middle is kept as it is.
    HttpMessage& m = dir == Direction::kToServer ? s.tx->request : s.tx->response;
    bool any = false;
    for (char ch : m.head) any = any || (ch != '\r' && ch != '\n');
    if (any && m.head.size() <= limits_.http_max_header_bytes) {
      ++counters_.http_head_cut_by_close;
      if (m.head.back() != '\n') m.head.append("\r\n");
      m.head.append("\r\n");
      head_done(dir, s, sink);  // may complete the message (state kIdle) or start a body
    }
  }
  if (s.state == Side::State::kBody && s.tx != nullptr) {
    HttpMessage& m = dir == Direction::kToServer ? s.tx->request : s.tx->response;
    if (s.body.close(m, counters_)) {
      message_done(dir, s, sink);
      return;
    }
  }
  // Anything else in progress is cut short: mark it complete so it can be logged and freed.
  if (s.tx != nullptr) {
    HttpTx* tx = s.tx;
    if (dir == Direction::kToServer) {
      tx->request.complete = true;
    } else {
      tx->response.complete = true;
    }
    s.tx = nullptr;
  }
  s.state = Side::State::kFailed;
  s.tunnel = true;  // data after close is not an anomaly worth counting
}

void HttpParser::on_gap(Direction dir) {
  Side& s = *sides_[dir_index(dir)];
  if (s.state != Side::State::kFailed) ++counters_.http_gap;
  if (s.tx != nullptr) {
    if (dir == Direction::kToServer) {
      s.tx->request.complete = true;
    } else {
      s.tx->response.complete = true;
    }
  }
  fail(s);
}

}  // namespace picket::app
