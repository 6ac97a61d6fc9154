#include "agent/app/dhcp.h"

namespace picket::app {
namespace {

constexpr size_t kCookieAt = 236;
constexpr size_t kOptionsAt = 240;

uint32_t be32(std::span<const uint8_t> p, size_t at) {
  return (uint32_t{p[at]} << 24) | (uint32_t{p[at + 1]} << 16) | (uint32_t{p[at + 2]} << 8) | p[at + 3];
}

}  // namespace

void DhcpMessage::clear() {
  op = 0;
  xid = 0;
  client_mac = {};
  ciaddr = yiaddr = 0;
  message_type = 0;
  hostname.clear();
}

bool dhcp_shape(std::span<const uint8_t> p) {
  if (p.size() < kOptionsAt) return false;
  if (p[0] != 1 && p[0] != 2) return false;
  if (p[2] > 16) return false;  // hlen
  return p[kCookieAt] == 99 && p[kCookieAt + 1] == 130 && p[kCookieAt + 2] == 83 && p[kCookieAt + 3] == 99;
}

bool parse_dhcp(std::span<const uint8_t> p, AppCounters& counters, DhcpMessage& out) {
  out.clear();
  if (!dhcp_shape(p)) {
    ++counters.dhcp_bad_message;
    return false;
  }
  ++counters.dhcp_messages;
  out.op = p[0];
  out.xid = be32(p, 4);
  out.ciaddr = be32(p, 12);
  out.yiaddr = be32(p, 16);
  if (p[1] == 1 && p[2] == 6) {
    for (size_t i = 0; i < 6; ++i) out.client_mac[i] = p[28 + i];
  }
  size_t i = kOptionsAt;
  while (i < p.size()) {
    const uint8_t code = p[i];
    if (code == 0) {  // pad
      ++i;
      continue;
    }
    if (code == 255) break;  // end
    if (i + 1 >= p.size()) break;
    const size_t len = p[i + 1];
    if (i + 2 + len > p.size()) break;  // cut short: keep what came before
    auto v = p.subspan(i + 2, len);
    if (code == 53 && len >= 1) out.message_type = v[0];
    if (code == 12) out.hostname.assign(reinterpret_cast<const char*>(v.data()), v.size());
    i += 2 + len;
  }
  return true;
}

const char* dhcp_message_type_name(uint8_t t) {
  switch (t) {
    case 1: return "discover";
    case 2: return "offer";
    case 3: return "request";
    case 4: return "decline";
    case 5: return "ack";
    case 6: return "nak";
    case 7: return "release";
    case 8: return "inform";
    default: return "unknown";
  }
}

}  // namespace picket::app
