#pragma once
// Big-endian loads from byte spans; callers check bounds first. Internal to agent/decode and its users.
#include <cstdint>

namespace picket::decode {

inline uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

}  // namespace picket::decode
