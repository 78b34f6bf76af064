#pragma once
// Byte-span helpers: network-order loads and stores on spans. Callers check the
// length once (the wire views do); these never read out of bounds themselves
// because they take fixed offsets into spans whose size the caller validated.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace synack::base {

using Bytes = std::span<const uint8_t>;
using MutBytes = std::span<uint8_t>;

inline uint16_t load_be16(const uint8_t* p) {
  return static_cast<uint16_t>((uint16_t{p[0]} << 8) | p[1]);
}
inline uint32_t load_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline void store_be16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void store_be32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

inline Bytes as_bytes(const void* p, size_t n) { return {static_cast<const uint8_t*>(p), n}; }

}  // namespace synack::base
