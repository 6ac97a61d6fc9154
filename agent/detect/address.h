#pragma once
// Address and port expressions of a rule header, with variables:
//
//   detect::Vars vars = detect::default_vars();
//   detect::AddrSet home;
//   std::string err;
//   if (!detect::parse_addr("[$HOME_NET,!10.1.0.0/16]", vars, &home, &err)) report(err);
//   bool inside = home.contains(detect::IpAddr::v4(0x0a000001));
//
// Sets are normalised to sorted, disjoint ranges, so lookups are a binary search. IPv4 addresses live in the
// IPv4-mapped IPv6 space (::ffff:a.b.c.d). Immutable after parsing; any thread may read them.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace picket::detect {

using U128 = unsigned __int128;

struct IpAddr {
  U128 v = 0;
  bool is_v4() const { return (v >> 32) == 0xffff; }
  static IpAddr v4(uint32_t host_order) { return IpAddr{(U128{0xffff} << 32) | host_order}; }
  static IpAddr v6(const uint8_t bytes[16]);
  std::string to_string() const;
  bool operator==(const IpAddr&) const = default;
};
bool parse_ip(std::string_view text, IpAddr* out);

class AddrSet {
 public:
  static AddrSet any();
  bool is_any() const;
  bool empty() const { return ranges_.empty(); }
  bool contains(const IpAddr& a) const;
  const std::vector<std::pair<U128, U128>>& ranges() const { return ranges_; }
  void add_range(U128 lo, U128 hi);  // then call normalise()
  void normalise();
  AddrSet complement() const;
  bool operator==(const AddrSet&) const = default;

 private:
  std::vector<std::pair<U128, U128>> ranges_;  // inclusive [lo, hi], sorted, disjoint after normalise()
};

class PortSet {
 public:
  static PortSet any();
  bool is_any() const;
  bool empty() const { return ranges_.empty(); }
  bool contains(uint16_t p) const;
  const std::vector<std::pair<uint16_t, uint16_t>>& ranges() const { return ranges_; }
  void add_range(uint16_t lo, uint16_t hi);
  void normalise();
  PortSet complement() const;

 private:
  std::vector<std::pair<uint16_t, uint16_t>> ranges_;
};

// Variable values as written in the configuration: name (without '$') -> expression.
struct Vars {
  std::map<std::string, std::string, std::less<>> addresses;
  std::map<std::string, std::string, std::less<>> ports;
};
// Suricata's default address and port groups.
Vars default_vars();

bool parse_addr(std::string_view text, const Vars& vars, AddrSet* out, std::string* err);
bool parse_ports(std::string_view text, const Vars& vars, PortSet* out, std::string* err);

}  // namespace picket::detect
