#include "wire/checksum.h"

#include <cstring>

namespace synack::wire {

uint32_t checksum_partial(std::span<const uint8_t> data, uint32_t initial) {
  // Sum 32-bit big-endian words into a 64-bit accumulator (fewer carries, and
  // the compiler vectorises it); fold to 16-bit words at the end.
  uint64_t sum = initial;
  const uint8_t* p = data.data();
  size_t n = data.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    w = __builtin_bswap64(w);
    sum += (w >> 32) + (w & 0xffffffffu);
    p += 8;
    n -= 8;
  }
  while (n >= 2) {
    sum += static_cast<uint32_t>((p[0] << 8) | p[1]);
    p += 2;
    n -= 2;
  }
  if (n) sum += static_cast<uint32_t>(p[0] << 8);
  while (sum >> 32) sum = (sum & 0xffffffffu) + (sum >> 32);
  uint32_t s = static_cast<uint32_t>(sum);
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return s;
}

uint32_t checksum_partial_at(std::span<const uint8_t> data, uint32_t initial, bool odd_offset) {
  if (!odd_offset) return checksum_partial(data, initial);
  uint32_t s = checksum_partial(data, 0);
  s = ((s & 0xff) << 8) | (s >> 8);  // byte swap the 16-bit folded sum
  uint64_t t = uint64_t{initial} + s;  // a 32-bit sum could drop the carry
  while (t >> 16) t = (t & 0xffff) + (t >> 16);
  return static_cast<uint32_t>(t);
}

uint16_t checksum_finish(uint32_t partial) {
  while (partial >> 16) partial = (partial & 0xffff) + (partial >> 16);
  return static_cast<uint16_t>(~partial & 0xffff);
}

uint32_t pseudo_header_sum(uint32_t src, uint32_t dst, uint8_t protocol, uint16_t length) {
  uint32_t s = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff);
  s += protocol;
  s += length;
  return s;
}

uint16_t checksum_update16(uint16_t checksum, uint16_t old_value, uint16_t new_value) {
  // HC' = ~(~HC + ~m + m')  (RFC 1624 eqn. 3)
  uint32_t s = static_cast<uint16_t>(~checksum);
  s += static_cast<uint16_t>(~old_value);
  s += new_value;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(~s & 0xffff);
}

uint16_t checksum_update32(uint16_t checksum, uint32_t old_value, uint32_t new_value) {
  checksum = checksum_update16(checksum, static_cast<uint16_t>(old_value >> 16),
                               static_cast<uint16_t>(new_value >> 16));
  return checksum_update16(checksum, static_cast<uint16_t>(old_value & 0xffff),
                           static_cast<uint16_t>(new_value & 0xffff));
}

}  // namespace synack::wire
