#include "agent/detect/address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "agent/detect/util.h"

namespace picket::detect {
namespace {

constexpr U128 kMax = ~U128{0};
constexpr int kMaxDepth = 16;

U128 v4_base() { return U128{0xffff} << 32; }

// Recursive-descent over "[a, !b, [c, d]]" shared by addresses and ports. `leaf` parses one item.
template <typename Set, typename Leaf>
bool parse_list(std::string_view text, const std::map<std::string, std::string, std::less<>>& vars, Set* out,
                std::string* err, int depth, Leaf leaf) {
  if (depth > kMaxDepth) {
    *err = "expression nested too deeply (or a variable refers to itself)";
    return false;
  }
  text = trim(text);
  bool neg = false;
  while (!text.empty() && text.front() == '!') {
    neg = !neg;
    text = trim(text.substr(1));
  }
  if (text.empty()) {
    *err = "empty address or port";
    return false;
  }
  Set result;
  if (text.front() == '[') {
    if (text.back() != ']') {
      *err = "unbalanced '[' in '" + std::string(text) + "'";
      return false;
    }
    std::string_view inner = text.substr(1, text.size() - 2);
    // Split on commas at bracket depth 0.
    std::vector<std::string_view> items;
    int d = 0;
    size_t start = 0;
    for (size_t i = 0; i < inner.size(); ++i) {
      if (inner[i] == '[') ++d;
      if (inner[i] == ']') {
        if (--d < 0) {
          *err = "unbalanced ']'";
          return false;
        }
      }
      if (inner[i] == ',' && d == 0) {
        items.push_back(inner.substr(start, i - start));
        start = i + 1;
      }
    }
    if (d != 0) {
      *err = "unbalanced '['";
      return false;
    }
    items.push_back(inner.substr(start));
    Set pos, negs;
    bool any_pos = false;
    for (auto item : items) {
      item = trim(item);
      bool item_neg = false;
      std::string_view body = item;
      while (!body.empty() && body.front() == '!') {
        item_neg = !item_neg;
        body = trim(body.substr(1));
      }
      Set s;
      if (!parse_list(body, vars, &s, err, depth + 1, leaf)) return false;
      Set& dst = item_neg ? negs : pos;
      for (auto [lo, hi] : s.ranges()) dst.add_range(lo, hi);
      if (!item_neg) any_pos = true;
    }
    if (!any_pos) pos = Set::any();
    pos.normalise();
    negs.normalise();
    // result = pos minus negs
    Set keep = negs.complement();
    for (auto [a, b] : pos.ranges()) {
      for (auto [c, e] : keep.ranges()) {
        auto lo = std::max(a, c);
        auto hi = std::min(b, e);
        if (lo <= hi) result.add_range(lo, hi);
      }
    }
    result.normalise();
    if (result.empty()) {
      *err = "'" + std::string(text) + "' matches nothing";
      return false;
    }
  } else if (text.front() == '$') {
    auto name = text.substr(1);
    auto it = vars.find(name);
    if (it == vars.end()) {
      *err = "undefined variable '$" + std::string(name) + "'";
      return false;
    }
    if (!parse_list(it->second, vars, &result, err, depth + 1, leaf)) return false;
  } else if (text == "any") {
    result = Set::any();
  } else {
    if (!leaf(text, &result, err)) return false;
    result.normalise();
  }
  if (neg) {
    result = result.complement();
    if (result.empty()) {
      *err = "'!" + std::string(text) + "' matches nothing";
      return false;
    }
  }
  *out = std::move(result);
  return true;
}

bool addr_leaf(std::string_view text, AddrSet* out, std::string* err) {
  auto slash = text.find('/');
  std::string_view ip_text = text.substr(0, slash);
  IpAddr ip;
  if (!parse_ip(ip_text, &ip)) {
    *err = "bad address '" + std::string(text) + "'";
    return false;
  }
  int total = ip.is_v4() && ip_text.find(':') == std::string_view::npos ? 32 : 128;
  int prefix = total;
  if (slash != std::string_view::npos) {
    auto mask = text.substr(slash + 1);
    uint64_t p = 0;
    if (parse_uint(mask, &p) && p <= static_cast<uint64_t>(total)) {
      prefix = static_cast<int>(p);
    } else if (total == 32) {
      // Dotted netmask: 255.255.255.0
      IpAddr m;
      if (!parse_ip(mask, &m) || !m.is_v4()) {
        *err = "bad netmask in '" + std::string(text) + "'";
        return false;
      }
      uint32_t mv = static_cast<uint32_t>(m.v);
      prefix = __builtin_popcount(mv);
      if (prefix != 0 && (mv << prefix) != 0) {
        *err = "non-contiguous netmask in '" + std::string(text) + "'";
        return false;
      }
    } else {
      *err = "bad prefix length in '" + std::string(text) + "'";
      return false;
    }
  }
  int host_bits = (total == 32 ? 32 : 128) - prefix;
  U128 span = host_bits >= 128 ? kMax : ((U128{1} << host_bits) - 1);
  U128 lo = ip.v & ~span;
  if (total == 32) lo = v4_base() | (static_cast<U128>(static_cast<uint32_t>(ip.v)) & ~span);
  out->add_range(lo, lo + span);
  return true;
}

bool port_leaf(std::string_view text, PortSet* out, std::string* err) {
  auto colon = text.find(':');
  uint64_t lo = 0, hi = 65535;
  auto bad = [&] {
    *err = "bad port '" + std::string(text) + "'";
    return false;
  };
  if (colon == std::string_view::npos) {
    if (!parse_uint(text, &lo) || lo > 65535) return bad();
    hi = lo;
  } else {
    auto a = trim(text.substr(0, colon)), b = trim(text.substr(colon + 1));
    if (!a.empty() && (!parse_uint(a, &lo) || lo > 65535)) return bad();
    if (!b.empty() && (!parse_uint(b, &hi) || hi > 65535)) return bad();
    if (a.empty() && b.empty()) return bad();
    if (lo > hi) return bad();
  }
  out->add_range(static_cast<uint16_t>(lo), static_cast<uint16_t>(hi));
  return true;
}

template <typename T, typename R>
void normalise_ranges(R& ranges, T max) {
  std::sort(ranges.begin(), ranges.end());
  R merged;
  for (auto r : ranges) {
    if (!merged.empty() && (merged.back().second == max ||
                            r.first <= static_cast<T>(merged.back().second + 1))) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  ranges.swap(merged);
}

}  // namespace

IpAddr IpAddr::v6(const uint8_t bytes[16]) {
  U128 v = 0;
  for (int i = 0; i < 16; ++i) v = (v << 8) | bytes[i];
  return IpAddr{v};
}

std::string IpAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_v4()) {
    uint32_t h = static_cast<uint32_t>(v);
    uint32_t n = htonl(h);
    inet_ntop(AF_INET, &n, buf, sizeof buf);
  } else {
    uint8_t b[16];
    for (int i = 0; i < 16; ++i) b[i] = static_cast<uint8_t>(v >> (8 * (15 - i)));
    inet_ntop(AF_INET6, b, buf, sizeof buf);
  }
  return buf;
}

bool parse_ip(std::string_view text, IpAddr* out) {
  std::string s(trim(text));
  if (s.empty() || s.size() > 64) return false;
  if (s.find(':') == std::string::npos) {
    in_addr a{};
    if (inet_pton(AF_INET, s.c_str(), &a) != 1) return false;
    *out = IpAddr::v4(ntohl(a.s_addr));
    return true;
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, s.c_str(), &a6) != 1) return false;
  *out = IpAddr::v6(a6.s6_addr);
  return true;
}

AddrSet AddrSet::any() {
  AddrSet s;
  s.ranges_.push_back({0, kMax});
  return s;
}
bool AddrSet::is_any() const { return ranges_.size() == 1 && ranges_[0].first == 0 && ranges_[0].second == kMax; }
bool AddrSet::contains(const IpAddr& a) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), a.v,
                             [](U128 v, const std::pair<U128, U128>& r) { return v < r.first; });
  if (it == ranges_.begin()) return false;
  --it;
  return a.v >= it->first && a.v <= it->second;
}
void AddrSet::add_range(U128 lo, U128 hi) { ranges_.push_back({lo, hi}); }
void AddrSet::normalise() { normalise_ranges<U128>(ranges_, kMax); }
AddrSet AddrSet::complement() const {
  AddrSet out;
  U128 next = 0;
  bool done = false;
  for (auto [lo, hi] : ranges_) {
    if (lo > next) out.ranges_.push_back({next, lo - 1});
    if (hi == kMax) {
      done = true;
      break;
    }
    next = hi + 1;
  }
  if (!done) out.ranges_.push_back({next, kMax});
  return out;
}

PortSet PortSet::any() {
  PortSet s;
  s.ranges_.push_back({0, 65535});
  return s;
}
bool PortSet::is_any() const { return ranges_.size() == 1 && ranges_[0].first == 0 && ranges_[0].second == 65535; }
bool PortSet::contains(uint16_t p) const {
  for (auto [lo, hi] : ranges_) {
    if (p >= lo && p <= hi) return true;
  }
  return false;
}
void PortSet::add_range(uint16_t lo, uint16_t hi) { ranges_.push_back({lo, hi}); }
void PortSet::normalise() { normalise_ranges<uint16_t>(ranges_, uint16_t{65535}); }
PortSet PortSet::complement() const {
  PortSet out;
  uint32_t next = 0;
  for (auto [lo, hi] : ranges_) {
    if (lo > next) out.ranges_.push_back({static_cast<uint16_t>(next), static_cast<uint16_t>(lo - 1)});
    next = static_cast<uint32_t>(hi) + 1;
  }
  if (next <= 65535) out.ranges_.push_back({static_cast<uint16_t>(next), 65535});
  return out;
}

Vars default_vars() {
  Vars v;
  v.addresses = {
      {"HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]"},
      {"EXTERNAL_NET", "any"},
      {"HTTP_SERVERS", "$HOME_NET"},
      {"SMTP_SERVERS", "$HOME_NET"},
      {"SQL_SERVERS", "$HOME_NET"},
      {"DNS_SERVERS", "$HOME_NET"},
      {"TELNET_SERVERS", "$HOME_NET"},
      {"AIM_SERVERS", "$EXTERNAL_NET"},
      {"DC_SERVERS", "$HOME_NET"},
      {"DNP3_SERVER", "$HOME_NET"},
      {"DNP3_CLIENT", "$HOME_NET"},
      {"MODBUS_CLIENT", "$HOME_NET"},
      {"MODBUS_SERVER", "$HOME_NET"},
      {"ENIP_CLIENT", "$HOME_NET"},
      {"ENIP_SERVER", "$HOME_NET"},
  };
  v.ports = {
      {"HTTP_PORTS", "80"},
      {"SHELLCODE_PORTS", "!80"},
      {"ORACLE_PORTS", "1521"},
      {"SSH_PORTS", "22"},
      {"DNP3_PORTS", "20000"},
      {"MODBUS_PORTS", "502"},
      {"FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]"},
      {"FTP_PORTS", "21"},
      {"GENEVE_PORTS", "6081"},
      {"VXLAN_PORTS", "4789"},
      {"TEREDO_PORTS", "3544"},
  };
  return v;
}

bool parse_addr(std::string_view text, const Vars& vars, AddrSet* out, std::string* err) {
  return parse_list(text, vars.addresses, out, err, 0, addr_leaf);
}

bool parse_ports(std::string_view text, const Vars& vars, PortSet* out, std::string* err) {
  return parse_list(text, vars.ports, out, err, 0, port_leaf);
}

}  // namespace picket::detect
