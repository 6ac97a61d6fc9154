// DNS over TCP: RFC 1035 4.2.2 two-byte length prefix per message.
#include "agent/app/dns.h"

namespace picket::app {

DnsTcpParser::DnsTcpParser(const AppLimits& limits, AppCounters& counters)
    : limits_(limits), counters_(counters) {}

void DnsTcpParser::feed(Direction dir, std::span<const uint8_t> data, AppEventSink* sink) {
  Side& s = sides_[dir_index(dir)];
  while (!data.empty() && !s.failed) {
    // Fast path: a whole framed message at the front of `data` with nothing buffered: parse in place.
    if (s.buf.empty() && data.size() >= 2) {
      size_t len = (size_t{data[0]} << 8) | data[1];
      if (len >= 12 && len + 2 <= limits_.dns_tcp_max_message && data.size() >= len + 2) {
        if (parse_dns(data.subspan(2, len), limits_, counters_, msg_)) {
          ++messages_;
          if (sink != nullptr) {
            AppEvent e{.kind = AppEventKind::kDnsMessage, .dir = dir, .proto = AppProto::kDns, .dns = &msg_};
            sink->on_app_event(e);
          }
        }
        data = data.subspan(len + 2);
        continue;
      }
    }
    if (s.buf.size() < 2) {
      size_t need = 2 - s.buf.size();
      size_t n = data.size() < need ? data.size() : need;
      s.buf.insert(s.buf.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
      data = data.subspan(n);
      if (s.buf.size() < 2) return;
    }
    size_t len = (size_t{s.buf[0]} << 8) | s.buf[1];
    if (len < 12 || len + 2 > limits_.dns_tcp_max_message) {
      ++counters_.dns_tcp_bad_length;
      s.failed = true;
      s.buf.clear();
      return;
    }
    size_t have = s.buf.size() - 2;
    size_t need = len - have;
    size_t n = data.size() < need ? data.size() : need;
    s.buf.insert(s.buf.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    data = data.subspan(n);
    if (s.buf.size() - 2 < len) return;
    if (parse_dns(std::span<const uint8_t>(s.buf).subspan(2), limits_, counters_, msg_)) {
      ++messages_;
      if (sink != nullptr) {
        AppEvent e{.kind = AppEventKind::kDnsMessage, .dir = dir, .proto = AppProto::kDns, .dns = &msg_};
        sink->on_app_event(e);
      }
    }
    s.buf.clear();
  }
}

}  // namespace picket::app
