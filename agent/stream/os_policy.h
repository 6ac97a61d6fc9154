#pragma once
// Target-based TCP overlap policies (Suricata's host-os-policy): which bytes a receiver keeps when a
// segment overlaps bytes it holds but has not acknowledged yet, by the receiver's operating system.
//
//   stream::OsPolicyTable t;
//   std::string err;
//   if (!t.add("old-linux", "2.2.2.2", &err)) ...;            // or OsPolicyTable::from(settings)
//   stream::OsPolicy p = t.lookup(receiver_address);           // longest prefix; kBsd when none matches
//   if (stream::use_new_data(p, new_start, new_end, old_start, old_end)) ... overwrite the overlap
//
// Keys: host-os-policy.<name>: [addresses or networks], names: bsd, bsd-right, old-linux, linux,
// old-solaris, solaris, hpux10, hpux11, irix, macos, windows, vista, windows2k3, first, last.
// Immutable after construction: any thread may call lookup.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/decode/packet.h"
#include "common/result.h"

namespace picket::config {
class Schema;
class Settings;
}  // namespace picket::config

namespace picket::stream {

enum class OsPolicy : uint8_t {
  kBsd, kOldLinux, kLinux, kSolaris, kHpux10, kHpux11, kIrix, kMacos, kWindows, kVista, kWindows2k3,
  kFirst, kLast
};

// The policy names as host-os-policy keys spell them (bsd-right means bsd, old-solaris solaris).
const std::vector<std::string>& os_policy_names();

// Whether the new segment's bytes replace held bytes where [new_start,new_end) overlaps the held segment
// [old_start,old_end) (stream offsets), as the receiver's stack would (Suricata's rules per policy).
bool use_new_data(OsPolicy p, uint64_t new_start, uint64_t new_end, uint64_t old_start, uint64_t old_end);

class OsPolicyTable {
 public:
  // Adds every network of `networks` ("a.b.c.d", "a.b.c.d/n", IPv6 likewise) under policy `name`.
  bool add(std::string_view name, std::string_view network, std::string* error);
  OsPolicy lookup(const decode::IpAddr& a) const;
  bool empty() const { return entries_.empty(); }

  // From the host-os-policy.* keys; an invalid address makes an error naming the key.
  static Result<OsPolicyTable> from(const config::Settings& s);

 private:
  struct Entry {
    decode::IpAddr net;
    uint8_t bits = 0;
    OsPolicy policy = OsPolicy::kBsd;
  };
  std::vector<Entry> entries_;
};

// host-os-policy.<name> for every name.
void add_os_policy_keys(config::Schema& schema);

}  // namespace picket::stream
