#include "agent/app/pgsql.h"

#include <algorithm>

namespace picket::app {
namespace {

constexpr uint32_t kSslRequestCode = 80877103;
constexpr uint32_t kGssEncRequestCode = 80877104;
constexpr uint32_t kCancelRequestCode = 80877102;
constexpr uint32_t kProtocol3 = 196608;  // 3.0
constexpr size_t kFieldCap = 64;         // fields / params kept per message

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// A NUL-terminated string at `pos`; false when there is no NUL before the end.
bool cstring(std::span<const uint8_t> b, size_t& pos, std::string* out) {
  for (size_t i = pos; i < b.size(); ++i) {
    if (b[i] == 0) {
      out->assign(reinterpret_cast<const char*>(b.data()) + pos, i - pos);
      pos = i + 1;
      return true;
    }
  }
  return false;
}

// ErrorResponse / NoticeResponse: (code byte, cstring)* then a terminating NUL.
bool error_fields(std::span<const uint8_t> b, std::vector<std::pair<char, std::string>>* out) {
  size_t pos = 0;
  while (pos < b.size()) {
    char code = static_cast<char>(b[pos++]);
    if (code == 0) return true;
    std::string v;
    if (!cstring(b, pos, &v)) return false;
    if (out->size() < kFieldCap) out->emplace_back(code, std::move(v));
  }
  return false;
}

void emit(AppEventSink* sink, AppEventKind kind, Direction dir, const PgsqlTx* tx) {
  if (sink == nullptr) return;
  AppEvent e{.kind = kind, .dir = dir, .proto = AppProto::kPgsql, .pgsql = tx};
  sink->on_app_event(e);
}

}  // namespace

struct PgsqlParser::Side {
  bool failed = false;
  std::string hdr;          // type byte (typed messages) + 4-byte length, or the 4-byte length (untyped)
  std::string body;         // message body being buffered
  uint32_t body_left = 0;   // bytes of the body still to come
  bool skipping = false;    // body too long: counted, not kept
  bool in_body = false;
  char type = 0;
};

bool pgsql_probe_to_server(std::span<const uint8_t> d, bool* need_more) {
  *need_more = false;
  if (d.size() < 8) {
    // Length first: an SSLRequest/GSSENC is 8, a CancelRequest 16, a StartupMessage at least 9 and small.
    if (d.size() >= 4) {
      uint32_t len = be32(d.data());
      if (len < 8 || len > 10000) return false;
    } else if (!d.empty() && d[0] != 0) {
      return false;
    }
    *need_more = true;
    return false;
  }
  uint32_t len = be32(d.data());
  uint32_t code = be32(d.data() + 4);
  if (code == kSslRequestCode || code == kGssEncRequestCode) return len == 8;
  if (code == kCancelRequestCode) return len == 16;
  if (code != kProtocol3 || len < 9 || len > 10000) return false;
  // StartupMessage: name\0value\0 ... \0. Wait for all of it (it is small), then check the shape.
  if (d.size() < len) {
    *need_more = true;
    return false;
  }
  auto b = d.subspan(8, len - 8);
  size_t pos = 0;
  int pairs = 0;
  while (pos < b.size()) {
    if (b[pos] == 0) return pos + 1 == b.size() && pairs > 0;
    std::string k, v;
    if (!cstring(b, pos, &k) || !cstring(b, pos, &v)) return false;
    for (char c : k) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) return false;
    }
    ++pairs;
  }
  return false;
}

PgsqlParser::PgsqlParser(const AppLimits& limits, AppCounters& counters) : limits_(limits), counters_(counters) {
  sides_[0] = std::make_unique<Side>();
  sides_[1] = std::make_unique<Side>();
}

PgsqlParser::~PgsqlParser() = default;

void PgsqlParser::release_done() {
  while (!txs_.empty() && txs_.front().request_done && txs_.front().response_done) txs_.pop_front();
}

PgsqlTx* PgsqlParser::new_tx() {
  if (txs_.size() >= limits_.pgsql_max_pending_tx) {
    ++counters_.pgsql_too_many_pending;
    // The oldest request never got its answer: give it up (released at the next call).
    for (PgsqlTx& t : txs_) {
      if (!t.response_done) {
        t.request_done = t.response_done = true;
        break;
      }
    }
  }
  txs_.emplace_back();
  txs_.back().id = next_tx_id_++;
  ++counters_.pgsql_transactions;
  return &txs_.back();
}

PgsqlTx* PgsqlParser::answering() {
  for (PgsqlTx& t : txs_) {
    if (!t.response_done) return &t;
  }
  ++counters_.pgsql_response_without_request;
  PgsqlTx* t = new_tx();
  t->request_done = true;
  return t;
}

void PgsqlParser::complete(PgsqlTx& tx, AppEventSink* sink) {
  if (tx.response_done) return;
  tx.response_done = true;
  emit(sink, AppEventKind::kPgsqlResponse, Direction::kToClient, &tx);
}

void PgsqlParser::request_message(char type, std::span<const uint8_t> b, AppEventSink* sink) {
  ++counters_.pgsql_messages;
  PgsqlTx* tx = new_tx();
  tx->request_type = type;
  tx->request_done = true;
  if (type == 0) {  // startup phase: b starts with the 4-byte code
    uint32_t code = b.size() >= 4 ? be32(b.data()) : 0;
    if (code == kSslRequestCode || code == kGssEncRequestCode) {
      tx->request = code == kSslRequestCode ? PgsqlTx::Request::kSslRequest : PgsqlTx::Request::kGssEncRequest;
      expect_ssl_byte_ = true;
    } else if (code == kCancelRequestCode) {
      tx->request = PgsqlTx::Request::kCancelRequest;
      tx->response_done = true;  // never answered
    } else {
      tx->request = PgsqlTx::Request::kStartup;
      tx->protocol_version = code;
      startup_done_ = true;
      size_t pos = 4;
      while (pos < b.size() && b[pos] != 0) {
        std::string k, v;
        if (!cstring(b, pos, &k) || !cstring(b, pos, &v)) {
          ++counters_.pgsql_bad_message;
          break;
        }
        if (tx->startup_params.size() < kFieldCap) tx->startup_params.emplace_back(std::move(k), std::move(v));
      }
    }
  } else if (type == 'Q') {
    tx->request = PgsqlTx::Request::kSimpleQuery;
    size_t pos = 0;
    if (!cstring(b, pos, &tx->simple_query)) {
      ++counters_.pgsql_bad_message;
      tx->simple_query.assign(reinterpret_cast<const char*>(b.data()), b.size());
    }
  } else if (type == 'p') {
    tx->request = PgsqlTx::Request::kPassword;
    size_t pos = 0;
    if (!cstring(b, pos, &tx->password)) tx->password.assign(reinterpret_cast<const char*>(b.data()), b.size());
  } else if (type == 'X') {
    tx->request = PgsqlTx::Request::kTerminate;
    tx->response_done = true;  // never answered
  } else {
    tx->request = PgsqlTx::Request::kOther;
  }
  emit(sink, AppEventKind::kPgsqlRequest, Direction::kToServer, tx);
}

void PgsqlParser::response_message(char type, std::span<const uint8_t> b, AppEventSink* sink) {
  ++counters_.pgsql_messages;
  PgsqlTx* tx = answering();
  switch (type) {
    case 'R':
      if (b.size() >= 4) {
        tx->auth_type = static_cast<int32_t>(be32(b.data()));
        // The server waits for the client (password, SASL data): this request's answer is complete.
        if (tx->auth_type != 0) complete(*tx, sink);
      } else {
        ++counters_.pgsql_bad_message;
      }
      return;
    case 'S': {
      size_t pos = 0;
      std::string k, v;
      if (cstring(b, pos, &k) && cstring(b, pos, &v)) {
        if (tx->parameter_status.size() < kFieldCap) tx->parameter_status.emplace_back(std::move(k), std::move(v));
      } else {
        ++counters_.pgsql_bad_message;
      }
      return;
    }
    case 'K':
      if (b.size() >= 8) {
        tx->backend_pid = be32(b.data());
        tx->backend_key = be32(b.data() + 4);
      }
      return;
    case 'C': {
      size_t pos = 0;
      if (!cstring(b, pos, &tx->command_completed)) ++counters_.pgsql_bad_message;
      return;
    }
    case 'T':
      if (b.size() >= 2) tx->field_count = static_cast<uint32_t>((b[0] << 8) | b[1]);
      return;
    case 'D': {
      ++tx->data_rows;
      // Column count, then per column a 4-byte length (-1 for NULL) and the value.
      size_t pos = 2;
      size_t n = b.size() >= 2 ? static_cast<size_t>((b[0] << 8) | b[1]) : 0;
      for (size_t i = 0; i < n && pos + 4 <= b.size(); ++i) {
        uint32_t l = be32(b.data() + pos);
        pos += 4;
        if (l == 0xFFFFFFFFu) continue;
        if (l > b.size() - pos) break;
        tx->data_size += l;
        pos += l;
      }
      return;
    }
    case 'E':
      if (!error_fields(b, &tx->error_fields)) ++counters_.pgsql_bad_message;
      // An error during the startup phase ends the connection: nothing else answers the request.
      if (!startup_done_ || tx->request == PgsqlTx::Request::kStartup ||
          tx->request == PgsqlTx::Request::kPassword) {
        complete(*tx, sink);
      }
      return;
    case 'N':
      if (!error_fields(b, &tx->notice_fields)) ++counters_.pgsql_bad_message;
      return;
    case 'Z':
      if (!b.empty()) tx->ready_status = static_cast<char>(b[0]);
      complete(*tx, sink);
      return;
    default:
      return;  // other backend messages (ParseComplete, CopyData ...) only belong to the answer
  }
}

void PgsqlParser::feed(Direction dir, std::span<const uint8_t> data, AppEventSink* sink) {
  release_done();
  Side& s = *sides_[dir_index(dir)];
  const bool ts = dir == Direction::kToServer;
  while (!data.empty() && !s.failed && !encrypted_) {
    if (!ts && expect_ssl_byte_ && !s.in_body && s.hdr.empty()) {
      // The answer to SSLRequest/GSSENCRequest is one byte: 'S' (go ahead with TLS/GSS) or 'N'.
      expect_ssl_byte_ = false;
      char c = static_cast<char>(data[0]);
      data = data.subspan(1);
      PgsqlTx* tx = answering();
      tx->ssl_response = c;
      complete(*tx, sink);
      if (c == 'S' || c == 'G') {
        ++counters_.pgsql_tls_accepted;
        encrypted_ = true;
      } else if (c != 'N') {
        ++counters_.pgsql_bad_message;
      }
      continue;
    }
    if (!s.in_body) {
      // Typed messages: type + length; the client's startup-phase messages have no type byte.
      const bool typed = !ts || startup_done_;
      const size_t need = typed ? 5 : 4;
      size_t n = std::min(need - s.hdr.size(), data.size());
      s.hdr.append(reinterpret_cast<const char*>(data.data()), n);
      data = data.subspan(n);
      if (s.hdr.size() < need) continue;
      const auto* h = reinterpret_cast<const uint8_t*>(s.hdr.data());
      s.type = typed ? static_cast<char>(h[0]) : 0;
      uint32_t len = be32(h + (typed ? 1 : 0));
      s.hdr.clear();
      if (len < 4 || (!typed && len < 8)) {
        ++counters_.pgsql_bad_message;
        s.failed = true;  // framing is lost
        return;
      }
      s.body_left = len - 4;
      s.body.clear();
      s.in_body = true;
      s.skipping = s.body_left > limits_.pgsql_max_message;
      if (s.skipping) ++counters_.pgsql_message_too_long;
    }
    size_t n = std::min<size_t>(s.body_left, data.size());
    if (!s.skipping) s.body.append(reinterpret_cast<const char*>(data.data()), n);
    s.body_left -= static_cast<uint32_t>(n);
    data = data.subspan(n);
    if (s.body_left > 0) continue;
    s.in_body = false;
    if (s.skipping) {
      if (!ts && s.type == 'D') ++answering()->data_rows;
      continue;
    }
    auto body = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.body.data()), s.body.size());
    if (ts) {
      request_message(s.type, body, sink);
    } else {
      response_message(s.type, body, sink);
    }
  }
}

void PgsqlParser::on_close(Direction dir, AppEventSink* sink) {
  release_done();
  if (dir == Direction::kToClient) {
    for (PgsqlTx& t : txs_) complete(t, sink);
  }
}

void PgsqlParser::on_gap(Direction dir) {
  Side& s = *sides_[dir_index(dir)];
  if (!s.failed) ++counters_.pgsql_gap;
  s.failed = true;
}

}  // namespace picket::app
