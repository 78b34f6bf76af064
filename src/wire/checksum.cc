#include "wire/checksum.h"

#include <bit>
#include <cstring>

namespace synack::wire {

namespace {

// One's-complement addition of 64-bit words: the carry out of bit 63 wraps
// around to bit 0 (RFC 1071 §2(C): the sum can be taken in wider words and
// folded later). a + b + carry cannot carry again.
inline uint64_t add_ones(uint64_t a, uint64_t b) {
  uint64_t s;
  bool carry = __builtin_add_overflow(a, b, &s);
  return s + carry;
}

inline uint64_t load64(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// The last 1..7 bytes as a native word, zero-padded at the end: the words
// keep their alignment relative to the start, so an odd final byte is the
// high byte of a word padded with a zero octet (RFC 1071 §1).
inline uint64_t load_tail(const uint8_t* p, size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    uint64_t w = 0;
    unsigned shift = 0;
    if (n & 4) {
      uint32_t x;
      std::memcpy(&x, p, 4);
      w = x;
      p += 4;
      shift = 32;
    }
    if (n & 2) {
      uint16_t x;
      std::memcpy(&x, p, 2);
      w |= uint64_t{x} << shift;
      p += 2;
      shift += 16;
    }
    if (n & 1) w |= uint64_t{*p} << shift;
    return w;
  } else {
    uint8_t t[8] = {};
    for (size_t i = 0; i < n; ++i) t[i] = p[i];
    return load64(t);
  }
}

inline uint32_t fold16(uint64_t s) {
  s = (s & 0xffffffffu) + (s >> 32);
  s = (s & 0xffffu) + (s >> 16);
  s = (s & 0xffffu) + (s >> 16);
  s = (s & 0xffffu) + (s >> 16);
  return static_cast<uint32_t>(s);
}

}  // namespace

uint32_t checksum_partial(std::span<const uint8_t> data, uint32_t initial) {
  // RFC 1071 §2(B): the sum does not depend on byte order. Add the data as
  // native 64-bit words (no byte swapping in the loop), fold, and swap the
  // folded 16 bits once at the end on a little-endian host. Two independent
  // accumulators over 32 bytes per iteration keep two add/adc chains busy.
  const uint8_t* p = data.data();
  size_t n = data.size();
  uint64_t a = 0, b = 0;
  while (n >= 32) {
    a = add_ones(a, load64(p));
    b = add_ones(b, load64(p + 8));
    a = add_ones(a, load64(p + 16));
    b = add_ones(b, load64(p + 24));
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    a = add_ones(a, load64(p));
    p += 8;
    n -= 8;
  }
  if (n) b = add_ones(b, load_tail(p, n));
  uint32_t s = fold16(add_ones(a, b));
  if constexpr (std::endian::native == std::endian::little) s = ((s & 0xff) << 8) | (s >> 8);
  return fold16(uint64_t{s} + initial);
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
