#include "agent/decode/checksum.h"

#include <cstring>

namespace picket::decode {

uint64_t csum_add(uint64_t sum, std::span<const uint8_t> data) {
  const uint8_t* p = data.data();
  size_t n = data.size();
  // 32-bit big-endian words into a 64-bit accumulator: no carry handling needed for < 4 GB.
  while (n >= 8) {
    sum += (uint64_t{p[0]} << 24) | (uint64_t{p[1]} << 16) | (uint64_t{p[2]} << 8) | p[3];
    sum += (uint64_t{p[4]} << 24) | (uint64_t{p[5]} << 16) | (uint64_t{p[6]} << 8) | p[7];
    p += 8;
    n -= 8;
  }
  while (n >= 2) {
    sum += (uint64_t{p[0]} << 8) | p[1];
    p += 2;
    n -= 2;
  }
  if (n == 1) sum += uint64_t{p[0]} << 8;
  return sum;
}

uint16_t csum_fold(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

uint64_t pseudo_header_sum(const IpAddr& src, const IpAddr& dst, uint8_t proto, uint32_t length) {
  uint64_t sum = 0;
  size_t alen = src.family == 6 ? 16 : 4;
  sum = csum_add(sum, std::span<const uint8_t>(src.bytes, alen));
  sum = csum_add(sum, std::span<const uint8_t>(dst.bytes, alen));
  sum += proto;
  sum += length;
  return sum;
}

}  // namespace picket::decode
