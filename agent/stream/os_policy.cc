#include "agent/stream/os_policy.h"

#include <arpa/inet.h>

#include <cstring>

#include "common/config.h"

namespace picket::stream {
namespace {

struct Named {
  const char* name;
  OsPolicy policy;
};
constexpr Named kNames[] = {
    {"bsd", OsPolicy::kBsd},         {"bsd-right", OsPolicy::kBsd},       {"old-linux", OsPolicy::kOldLinux},
    {"linux", OsPolicy::kLinux},     {"old-solaris", OsPolicy::kSolaris}, {"solaris", OsPolicy::kSolaris},
    {"hpux10", OsPolicy::kHpux10},   {"hpux11", OsPolicy::kHpux11},       {"irix", OsPolicy::kIrix},
    {"macos", OsPolicy::kMacos},     {"windows", OsPolicy::kWindows},     {"vista", OsPolicy::kVista},
    {"windows2k3", OsPolicy::kWindows2k3}, {"first", OsPolicy::kFirst},  {"last", OsPolicy::kLast},
};

bool parse_network(std::string_view text, decode::IpAddr* net, uint8_t* bits) {
  std::string s(text);
  int len = -1;
  if (size_t slash = s.find('/'); slash != std::string::npos) {
    std::string n = s.substr(slash + 1);
    s.resize(slash);
    if (n.empty() || n.size() > 3 || n.find_first_not_of("0123456789") != std::string::npos) return false;
    len = std::stoi(n);
  }
  *net = {};
  if (inet_pton(AF_INET, s.c_str(), net->bytes) == 1) {
    net->family = 4;
    if (len > 32) return false;
    *bits = static_cast<uint8_t>(len < 0 ? 32 : len);
  } else if (inet_pton(AF_INET6, s.c_str(), net->bytes) == 1) {
    net->family = 6;
    if (len > 128) return false;
    *bits = static_cast<uint8_t>(len < 0 ? 128 : len);
  } else {
    return false;
  }
  return true;
}

bool in_network(const decode::IpAddr& a, const decode::IpAddr& net, uint8_t bits) {
  if (a.family != net.family) return false;
  size_t full = bits / 8;
  if (std::memcmp(a.bytes, net.bytes, full) != 0) return false;
  if (bits % 8 == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - bits % 8));
  return (a.bytes[full] & mask) == (net.bytes[full] & mask);
}

}  // namespace

const std::vector<std::string>& os_policy_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& n : kNames) v.emplace_back(n.name);
    return v;
  }();
  return names;
}

bool use_new_data(OsPolicy p, uint64_t ns, uint64_t ne, uint64_t os, uint64_t oe) {
  using P = OsPolicy;
  if (p == P::kLast) return true;
  if (p == P::kFirst) return false;
  if (ns == os) {
    if (ne < oe) return false;  // the old segment covers past the new one's end
    if (ne > oe && p == P::kLinux) return true;
    return p == P::kOldLinux || p == P::kSolaris || p == P::kHpux11;
  }
  if (ns < os) {
    if (ne >= oe && (p == P::kSolaris || p == P::kHpux11)) return true;
    switch (p) {
      case P::kBsd: case P::kHpux10: case P::kIrix: case P::kWindows: case P::kWindows2k3:
      case P::kOldLinux: case P::kLinux: case P::kMacos:
        return true;
      default:
        return false;
    }
  }
  // Starts after the old segment's start.
  return ne > oe && (p == P::kSolaris || p == P::kHpux11);
}

bool OsPolicyTable::add(std::string_view name, std::string_view network, std::string* error) {
  const Named* found = nullptr;
  for (const auto& n : kNames) {
    if (name == n.name) found = &n;
  }
  if (found == nullptr) {
    *error = "unknown OS policy '" + std::string(name) + "'";
    return false;
  }
  Entry e;
  e.policy = found->policy;
  if (!parse_network(network, &e.net, &e.bits)) {
    *error = "not an address or network: '" + std::string(network) + "'";
    return false;
  }
  entries_.push_back(e);
  return true;
}

OsPolicy OsPolicyTable::lookup(const decode::IpAddr& a) const {
  const Entry* best = nullptr;
  for (const auto& e : entries_) {
    if (in_network(a, e.net, e.bits) && (best == nullptr || e.bits > best->bits)) best = &e;
  }
  return best != nullptr ? best->policy : OsPolicy::kBsd;
}

Result<OsPolicyTable> OsPolicyTable::from(const config::Settings& s) {
  OsPolicyTable t;
  for (const auto& n : kNames) {
    const std::string key = std::string("host-os-policy.") + n.name;
    for (const std::string& net : s.get_list(key)) {
      std::string err;
      if (!t.add(n.name, net, &err)) {
        config::Location at = s.where(key);
        return Error{.file = at.file, .line = at.line, .column = at.column, .message = key + ": " + err,
                     .reason = "bad value"};
      }
    }
  }
  return t;
}

void add_os_policy_keys(config::Schema& schema) {
  for (const auto& n : kNames) {
    schema.add({.key = std::string("host-os-policy.") + n.name, .type = config::Type::kStringList,
                .help = std::string("addresses and networks (a.b.c.d/n) whose TCP stack is '") + n.name +
                        "': how overlapping unacknowledged segments are reassembled for them (default bsd)"});
  }
}

}  // namespace picket::stream
