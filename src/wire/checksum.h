#pragma once
// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
// Sums are kept as 32-bit partial sums and folded at the end, so a pseudo-header,
// a header and a payload can be summed separately and combined.
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>

namespace synack::wire {

// Partial one's-complement sum of `data` (big-endian 16-bit words; an odd final
// byte is padded with zero), added to `initial`.
uint32_t checksum_partial(std::span<const uint8_t> data, uint32_t initial = 0);

// checksum_partial(src, initial), copying `src` to `dst` (src.size() bytes;
// they must not overlap) in the same pass: the copy of a payload into its
// packet costs no second read of the bytes (as Linux's csum_partial_copy).
uint32_t checksum_copy(std::span<const uint8_t> src, uint8_t* dst, uint32_t initial = 0);

// The partial sum of two adjacent pieces from theirs: `more` is the sum of the
// piece after the one `sum` covers, which starts at an odd offset of the
// stream if `odd_offset` (RFC 1071 §2(B)).
uint32_t checksum_combine(uint32_t sum, uint32_t more, bool odd_offset);

namespace detail {
// Which loop sums long inputs: the portable add-with-carry chain, or AVX2
// where the CPU has it (chosen at start-up). Tests switch to check both.
enum class ChecksumEngine { Scalar, Avx2 };
bool checksum_engine_available(ChecksumEngine e);
ChecksumEngine checksum_engine();
bool set_checksum_engine(ChecksumEngine e);  // false: not on this CPU
}  // namespace detail

// Add `data` to a partial sum when `data` starts at an odd offset of the summed
// stream (byte-swaps its contribution, RFC 1071 §2(B)).
uint32_t checksum_partial_at(std::span<const uint8_t> data, uint32_t initial, bool odd_offset);

// checksum_partial of exactly 20 bytes (an IPv4 header without options),
// without the loop and tail tests: two 8-byte and one 4-byte native word
// added with end-around carry, folded once (RFC 1071 §2(B), §2(C)).
inline uint32_t checksum_partial20(const uint8_t* p) {
  uint64_t a, b;
  uint32_t c;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  std::memcpy(&c, p + 16, 4);
  uint64_t s = a + b;
  s += s < b;  // end-around carry; s + 1 cannot carry again
  uint64_t t = s + c;
  t += t < s;
  uint32_t lo = static_cast<uint32_t>(t);
  uint32_t u = lo + static_cast<uint32_t>(t >> 32);
  u += u < lo;
  // A little-endian host summed byte-swapped words: rotating the 32-bit sum
  // by 8 swaps them back (as in checksum_partial).
  if constexpr (std::endian::native == std::endian::little) u = std::rotl(u, 8);
  u = (u & 0xffff) + (u >> 16);
  return (u & 0xffff) + (u >> 16);
}

// checksum_partial of exactly 32 bytes: a TCP header with NOP,NOP,TS and no
// payload, the bare ACK of every connection. Four native words added with
// end-around carry, then folded as in checksum_partial20.
inline uint32_t checksum_partial32(const uint8_t* p) {
  uint64_t a, b, c, d;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  std::memcpy(&c, p + 16, 8);
  std::memcpy(&d, p + 24, 8);
  uint64_t s = a + b;
  s += s < b;  // end-around carry; s + 1 cannot carry again
  uint64_t t = c + d;
  t += t < d;
  s += t;
  s += s < t;
  uint32_t lo = static_cast<uint32_t>(s);
  uint32_t u = lo + static_cast<uint32_t>(s >> 32);
  u += u < lo;
  if constexpr (std::endian::native == std::endian::little) u = std::rotl(u, 8);
  u = (u & 0xffff) + (u >> 16);
  return (u & 0xffff) + (u >> 16);
}

// Fold a partial sum to 16 bits and complement it: the value for the header field.
inline uint16_t checksum_finish(uint32_t partial) {
  // Two folds reach 16 bits from any 32-bit sum: 0xffff + 0xffff = 0x1fffe,
  // then 0xfffe + 1.
  partial = (partial & 0xffff) + (partial >> 16);
  partial = (partial & 0xffff) + (partial >> 16);
  return static_cast<uint16_t>(~partial & 0xffff);
}

// Partial sum of the IPv4 pseudo-header for TCP/UDP (RFC 9293 §3.1). Six
// 16-bit words: the 32-bit sum cannot overflow.
inline uint32_t pseudo_header_sum(uint32_t src, uint32_t dst, uint8_t protocol, uint16_t length) {
  return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + protocol + length;
}

// RFC 1624 eqn. 3: the new checksum after a 16-bit field changes from old to new.
uint16_t checksum_update16(uint16_t checksum, uint16_t old_value, uint16_t new_value);
uint16_t checksum_update32(uint16_t checksum, uint32_t old_value, uint32_t new_value);

}  // namespace synack::wire
