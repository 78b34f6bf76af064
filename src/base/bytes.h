#pragma once
// Byte-span helpers: network-order loads and stores on spans. Callers check the
// length once (the wire views do); these never read out of bounds themselves
// because they take fixed offsets into spans whose size the caller validated.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace synack::base {

using Bytes = std::span<const uint8_t>;
using MutBytes = std::span<uint8_t>;

// Host order <-> network order (its own inverse).
inline uint16_t to_big_endian(uint16_t v) {
  if constexpr (std::endian::native == std::endian::little) return __builtin_bswap16(v);
  return v;
}
inline uint32_t to_big_endian(uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) return __builtin_bswap32(v);
  return v;
}

// One load or store each: a byte swap and a memcpy of the whole word, which
// g++ always emits as a single (unaligned) access. Written byte by byte, g++
// merges the bytes only sometimes (not when the value also feeds a checksum).
inline uint16_t load_be16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return to_big_endian(v);
}
inline uint32_t load_be32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return to_big_endian(v);
}
inline void store_be16(uint8_t* p, uint16_t v) {
  v = to_big_endian(v);
  std::memcpy(p, &v, 2);
}
inline void store_be32(uint8_t* p, uint32_t v) {
  v = to_big_endian(v);
  std::memcpy(p, &v, 4);
}

inline Bytes as_bytes(const void* p, size_t n) { return {static_cast<const uint8_t*>(p), n}; }

}  // namespace synack::base
