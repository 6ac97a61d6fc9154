#pragma once
// Internet checksum (RFC 1071) helpers. Pure functions; any thread.
#include <cstdint>
#include <span>

#include "agent/decode/packet.h"

namespace picket::decode {

// One's-complement sum of `data` added to `sum` (not folded).
uint64_t csum_add(uint64_t sum, std::span<const uint8_t> data);
// Folds to 16 bits and complements: the checksum field value; 0 when a message including its checksum
// field verifies.
uint16_t csum_fold(uint64_t sum);
// Pseudo-header sum for TCP/UDP/ICMPv6 over IPv4 or IPv6.
uint64_t pseudo_header_sum(const IpAddr& src, const IpAddr& dst, uint8_t proto, uint32_t length);

}  // namespace picket::decode
