// TLS record layer and handshake reassembly.
#include <algorithm>

#include "agent/app/tls.h"

namespace picket::app {

TlsParser::TlsParser(const AppLimits& limits, AppCounters& counters) : limits_(limits), counters_(counters) {}

uint16_t TlsParser::version() const {
  if (server_hello_.present) {
    return server_hello_.selected_version != 0 ? server_hello_.selected_version : server_hello_.legacy_version;
  }
  return client_hello_.present ? client_hello_.legacy_version : 0;
}

void TlsParser::update_version() {
  uint16_t v = version();
  version_name_ = v == 0 ? std::string() : tls_version_name(v);
}

void TlsParser::emit(Direction dir, AppEventKind kind, AppEventSink* sink) {
  if (sink == nullptr) return;
  AppEvent e{.kind = kind, .dir = dir, .proto = AppProto::kTls, .tls = this};
  sink->on_app_event(e);
}

void TlsParser::feed(Direction dir, std::span<const uint8_t> data, AppEventSink* sink) {
  Side& s = sides_[dir_index(dir)];
  if (s.failed) {
    if (!data.empty()) ++counters_.tls_data_after_error;
    return;
  }
  if (s.record.empty() && !data.empty() && (data[0] & 0x80) != 0 && !s.encrypted) {
    // SSLv2-style record header (2-byte length with the high bit set): not parsed.
    ++counters_.tls_sslv2;
    s.failed = true;
    return;
  }
  while (!data.empty() && !s.failed) {
    if (s.skip > 0) {  // the rest of an application-data/ChangeCipherSpec record: not needed, not copied
      size_t n = std::min(s.skip, data.size());
      s.skip -= n;
      data = data.subspan(n);
      continue;
    }
    // Zero-copy path: a complete record at the front of `data` with nothing buffered.
    if (s.record.empty() && data.size() >= 5) {
      size_t len = (size_t{data[3]} << 8) | data[4];
      if (data.size() >= 5 + len) {
        uint8_t type = data[0];
        if (type < 20 || type > 24 || data[1] != 3 || len > limits_.tls_max_record) {
          ++(len > limits_.tls_max_record ? counters_.tls_record_too_long : counters_.tls_bad_record);
          s.failed = true;
          return;
        }
        on_record(dir, type, data.subspan(5, len), sink);
        data = data.subspan(5 + len);
        continue;
      }
    }
    // Slow path: accumulate the header, then the fragment.
    if (s.record.size() < 5) {
      size_t n = std::min(5 - s.record.size(), data.size());
      s.record.insert(s.record.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
      data = data.subspan(n);
      if (s.record.size() < 5) return;
      size_t len = (size_t{s.record[3]} << 8) | s.record[4];
      uint8_t type = s.record[0];
      if (type < 20 || type > 24 || s.record[1] != 3 || len > limits_.tls_max_record) {
        ++(len > limits_.tls_max_record ? counters_.tls_record_too_long : counters_.tls_bad_record);
        s.failed = true;
        s.record.clear();
        return;
      }
    }
    size_t len = (size_t{s.record[3]} << 8) | s.record[4];
    if (s.record.size() == 5 && (s.record[0] == 20 || s.record[0] == 23)) {
      // on_record() does not look at these fragments: skip them instead of buffering up to 16 KB.
      uint8_t type = s.record[0];
      s.record.clear();
      s.skip = len;
      on_record(dir, type, {}, sink);
      continue;
    }
    size_t need = 5 + len - s.record.size();
    size_t n = std::min(need, data.size());
    s.record.insert(s.record.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    data = data.subspan(n);
    if (s.record.size() == 5 + len) {
      on_record(dir, s.record[0], std::span<const uint8_t>(s.record).subspan(5), sink);
      s.record.clear();
    }
  }
}

void TlsParser::on_record(Direction dir, uint8_t type, std::span<const uint8_t> fragment, AppEventSink* sink) {
  Side& s = sides_[dir_index(dir)];
  ++counters_.tls_records;
  switch (type) {
    case 20:  // ChangeCipherSpec: what follows in this direction is encrypted
    case 23:  // application data (TLS 1.3 encrypted handshake included)
      s.encrypted = true;
      s.handshake.clear();
      break;
    case 22: {
      if (s.encrypted) break;
      // Handshake messages may span records and records may hold several messages.
      std::span<const uint8_t> buf = fragment;
      if (!s.handshake.empty()) {
        if (s.handshake.size() + fragment.size() > limits_.tls_max_handshake_message + 4) {
          ++counters_.tls_handshake_too_long;
          s.failed = true;
          s.handshake.clear();
          return;
        }
        s.handshake.insert(s.handshake.end(), fragment.begin(), fragment.end());
        buf = s.handshake;
      }
      size_t pos = 0;
      while (buf.size() - pos >= 4 && !s.failed && !s.encrypted) {
        size_t len = (size_t{buf[pos + 1]} << 16) | (size_t{buf[pos + 2]} << 8) | buf[pos + 3];
        if (len > limits_.tls_max_handshake_message) {
          ++counters_.tls_handshake_too_long;
          s.failed = true;
          break;
        }
        if (buf.size() - pos < 4 + len) break;
        on_handshake(dir, buf[pos], buf.subspan(pos + 4, len), sink);
        pos += 4 + len;
      }
      if (s.failed || s.encrypted) {
        s.handshake.clear();
      } else if (s.handshake.empty()) {
        if (pos < buf.size()) s.handshake.assign(buf.begin() + static_cast<std::ptrdiff_t>(pos), buf.end());
      } else {
        s.handshake.erase(s.handshake.begin(), s.handshake.begin() + static_cast<std::ptrdiff_t>(pos));
      }
      break;
    }
    default:  // alert (21), heartbeat (24)
      break;
  }
  Side& other = sides_[1 - dir_index(dir)];
  if (s.encrypted && other.encrypted && !s.done_event && !other.done_event) {
    s.done_event = other.done_event = true;
    emit(dir, AppEventKind::kTlsHandshakeDone, sink);
  }
}

void TlsParser::on_handshake(Direction dir, uint8_t type, std::span<const uint8_t> body, AppEventSink* sink) {
  Side& s = sides_[dir_index(dir)];
  if (type == 1 && dir == Direction::kToServer) {
    if (!parse_client_hello(body, limits_, client_hello_)) {
      ++counters_.tls_bad_client_hello;
      s.failed = true;
      return;
    }
    update_version();
    emit(dir, AppEventKind::kTlsClientHello, sink);
  } else if (type == 2 && dir == Direction::kToClient) {
    if (!parse_server_hello(body, limits_, server_hello_)) {
      ++counters_.tls_bad_server_hello;
      s.failed = true;
      return;
    }
    update_version();
    emit(dir, AppEventKind::kTlsServerHello, sink);
    // TLS 1.3: everything after the ServerHello in this direction is encrypted.
    if (server_hello_.selected_version == 0x0304) s.encrypted = true;
  } else if ((type == 1 && dir == Direction::kToClient) || (type == 2 && dir == Direction::kToServer)) {
    ++counters_.tls_bad_handshake;  // a hello in the wrong direction
  } else if (type == 11 && dir == Direction::kToClient && !cert_.present) {
    if (!parse_certificate_message(body, cert_)) {
      ++counters_.tls_bad_certificate;
      return;
    }
    emit(dir, AppEventKind::kTlsCertificate, sink);
  }
}

}  // namespace picket::app
