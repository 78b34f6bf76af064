#pragma once
// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
// Sums are kept as 32-bit partial sums and folded at the end, so a pseudo-header,
// a header and a payload can be summed separately and combined.
#include <cstdint>
#include <span>

namespace synack::wire {

// Partial one's-complement sum of `data` (big-endian 16-bit words; an odd final
// byte is padded with zero), added to `initial`.
uint32_t checksum_partial(std::span<const uint8_t> data, uint32_t initial = 0);

// Add `data` to a partial sum when `data` starts at an odd offset of the summed
// stream (byte-swaps its contribution, RFC 1071 §2(B)).
uint32_t checksum_partial_at(std::span<const uint8_t> data, uint32_t initial, bool odd_offset);

// Fold a partial sum to 16 bits and complement it: the value for the header field.
uint16_t checksum_finish(uint32_t partial);

// Partial sum of the IPv4 pseudo-header for TCP/UDP (RFC 9293 §3.1).
uint32_t pseudo_header_sum(uint32_t src, uint32_t dst, uint8_t protocol, uint16_t length);

// RFC 1624 eqn. 3: the new checksum after a 16-bit field changes from old to new.
uint16_t checksum_update16(uint16_t checksum, uint16_t old_value, uint16_t new_value);
uint16_t checksum_update32(uint16_t checksum, uint32_t old_value, uint32_t new_value);

}  // namespace synack::wire
