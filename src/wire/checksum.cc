#include "wire/checksum.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

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

template <class T>
inline T load(const uint8_t* p) {
  T w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

constexpr bool kLittle = std::endian::native == std::endian::little;

#if defined(__x86_64__) && defined(__GNUC__)
// Payloads on CPUs with AVX2: 128 bytes per iteration in four vector
// accumulators, against one 8-byte adc per cycle for the scalar chain.
// vpmaddwd multiplies signed 16-bit words by 1 and adds neighbours into a
// 32-bit lane; XOR with 0x8000 first turns each unsigned word u into the
// signed u - 32768, so a lane gains u0 + u1 - 65536 per 32 bytes: three
// instructions (xor, madd, add) per vector. The bias comes back out exactly
// at the end, 65536 per pair of words; what is left is the plain sum of the
// native 16-bit words, which the caller folds (RFC 1071 §2(B), (C)). A lane
// moves by at most 2^16 per 128 bytes, so 32-bit lanes hold 2^22 bytes; the
// caller passes at most kVectorMax, in whole 64-byte blocks.
// With kCopy it also stores each block to `dst` (checksum_copy): the loads
// serve both, so copying costs only the stores.
template <bool kCopy>
__attribute__((target("avx2"))) uint64_t sum_blocks_avx2(const uint8_t* p, size_t n, uint8_t* dst) {
  const __m256i bias = _mm256_set1_epi16(static_cast<short>(0x8000));
  const __m256i ones = _mm256_set1_epi16(1);
  const uint64_t pairs = n / 4;  // word pairs, each biased by -65536
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  for (; n >= 128; n -= 128, p += 128) {
    __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    __m256i v2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 64));
    __m256i v3 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 96));
    if constexpr (kCopy) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), v0);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 32), v1);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 64), v2);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 96), v3);
      dst += 128;
    }
    a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_xor_si256(v0, bias), ones));
    a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_xor_si256(v1, bias), ones));
    a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(_mm256_xor_si256(v2, bias), ones));
    a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(_mm256_xor_si256(v3, bias), ones));
  }
  if (n >= 64) {
    __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    if constexpr (kCopy) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), v0);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 32), v1);
    }
    a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_xor_si256(v0, bias), ones));
    a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_xor_si256(v1, bias), ones));
  }
  // Signed 32-bit lanes, widened to 64 bits before they are added together.
  __m256i t = _mm256_setzero_si256();
  for (__m256i a : {a0, a1, a2, a3}) {
    t = _mm256_add_epi64(t, _mm256_cvtepi32_epi64(_mm256_castsi256_si128(a)));
    t = _mm256_add_epi64(t, _mm256_cvtepi32_epi64(_mm256_extracti128_si256(a, 1)));
  }
  __m128i h = _mm_add_epi64(_mm256_castsi256_si128(t), _mm256_extracti128_si256(t, 1));
  int64_t biased = _mm_cvtsi128_si64(h) + _mm_extract_epi64(h, 1);
  return static_cast<uint64_t>(biased) + pairs * 65536u;
}

// Chosen once: __builtin_cpu_init must run before __builtin_cpu_supports
// during static initialisation.
bool detect_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}
// Atomic only so that a test switching engines is not a data race; relaxed
// loads cost what plain ones do.
std::atomic<bool> g_use_avx2{detect_avx2()};
constexpr size_t kVectorMin = 256;           // below this the setup does not pay
constexpr size_t kVectorMax = size_t{1} << 20;  // per call of sum_blocks_avx2 (its 32-bit lanes)
#endif

}  // namespace

namespace detail {
bool checksum_engine_available(ChecksumEngine e) {
#if defined(__x86_64__) && defined(__GNUC__)
  return e == ChecksumEngine::Scalar || detect_avx2();
#else
  return e == ChecksumEngine::Scalar;
#endif
}
ChecksumEngine checksum_engine() {
#if defined(__x86_64__) && defined(__GNUC__)
  return g_use_avx2.load(std::memory_order_relaxed) ? ChecksumEngine::Avx2 : ChecksumEngine::Scalar;
#else
  return ChecksumEngine::Scalar;
#endif
}
bool set_checksum_engine(ChecksumEngine e) {
  if (!checksum_engine_available(e)) return false;
#if defined(__x86_64__) && defined(__GNUC__)
  g_use_avx2.store(e == ChecksumEngine::Avx2, std::memory_order_relaxed);
#endif
  return true;
}
}  // namespace detail

namespace {
// checksum_partial, and with kCopy checksum_copy: the same sum, the bytes
// also stored to `dst` as they are read.
template <bool kCopy>
uint32_t partial_sum(std::span<const uint8_t> data, uint32_t initial, uint8_t* dst) {
  // The one's-complement sum of 16-bit words is a sum modulo 0xffff, and
  // 2^16, 2^32 and 2^64 are all 1 modulo 0xffff. So the data can be added as
  // native 64-bit words with end-around carry (two add/adc chains over 32
  // bytes per iteration), a 4- or 2-byte tail needs no shifting, and the
  // byte order only matters once (RFC 1071 §2(B)): on a little-endian host
  // the native sum is the big-endian one times 2^8, which a rotation by 8 of
  // the 32-bit folded sum undoes (2^32 - 1 is a multiple of 0xffff).
  const uint8_t* p = data.data();
  size_t n = data.size();
  uint64_t a = 0, b = 0;
#if !(defined(__x86_64__) && defined(__GNUC__))
  if constexpr (kCopy) {
    if (n) std::memcpy(dst, p, n);
  }
#else
  if (n >= kVectorMin && g_use_avx2.load(std::memory_order_relaxed)) {
    while (n >= 64) {  // whole 64-byte blocks; the tail takes the adc path below
      size_t blocks = std::min(n, kVectorMax) & ~size_t{63};
      a = add_ones(a, sum_blocks_avx2<kCopy>(p, blocks, dst));
      p += blocks;
      n -= blocks;
      if constexpr (kCopy) dst += blocks;
    }
  }
  if constexpr (kCopy) {
    if (n) std::memcpy(dst, p, n);  // the tail (or all of a short input); memcpy takes no null
  }
  // One add-with-carry chain per block: the carry flag carries the
  // end-around carry from word to word, as in Linux's csum_partial; one
  // instruction per 8 bytes plus the closing adc $0. Compilers do not emit
  // such a chain from C++ (GCC 12 spills _addcarry_u64's result). Payloads
  // loop over 256-byte blocks (36 instructions per 256 bytes, against 88 for
  // the two-chain C++ loop); the rest, and whole headers (20-60 bytes), take
  // at most one block of each smaller power of two, without a loop.
  // ADC(off): "adcq off(p), a", each word of a block after the first.
#define ADC(off) "adcq " #off "(%[p]), %[a]\n\t"
#define SUM_BLOCK(bytes, adcs)                                                  \
  asm("addq 0(%[p]), %[a]\n\t" adcs "adcq $0, %[a]"                            \
      : [a] "+r"(a)                                                           \
      : [p] "r"(p), "m"(*reinterpret_cast<const uint8_t(*)[bytes]>(p))        \
      : "cc");                                                                \
  p += bytes
  if (n >= 64) {  // payloads; headers skip to the small blocks with one test
    while (n >= 256) {
      SUM_BLOCK(256, ADC(8) ADC(16) ADC(24) ADC(32) ADC(40) ADC(48) ADC(56) ADC(64)
            ADC(72) ADC(80) ADC(88) ADC(96) ADC(104) ADC(112) ADC(120) ADC(128)
            ADC(136) ADC(144) ADC(152) ADC(160) ADC(168) ADC(176) ADC(184) ADC(192)
            ADC(200) ADC(208) ADC(216) ADC(224) ADC(232) ADC(240) ADC(248));
      n -= 256;
    }
    if (n & 128) {
      SUM_BLOCK(128, ADC(8) ADC(16) ADC(24) ADC(32) ADC(40) ADC(48) ADC(56) ADC(64)
            ADC(72) ADC(80) ADC(88) ADC(96) ADC(104) ADC(112) ADC(120));
    }
    if (n & 64) {
      SUM_BLOCK(64, ADC(8) ADC(16) ADC(24) ADC(32) ADC(40) ADC(48) ADC(56));
    }
  }
  if (n & 32) {
    SUM_BLOCK(32, ADC(8) ADC(16) ADC(24));
  }
  if (n & 16) {
    SUM_BLOCK(16, ADC(8));
  }
#undef SUM_BLOCK
#undef ADC
  if (n & 8) {
    a = add_ones(a, load<uint64_t>(p));
    p += 8;
  }
  n &= 7;
#endif
  while (n >= 32) {
    a = add_ones(a, load<uint64_t>(p));
    b = add_ones(b, load<uint64_t>(p + 8));
    a = add_ones(a, load<uint64_t>(p + 16));
    b = add_ones(b, load<uint64_t>(p + 24));
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    a = add_ones(a, load<uint64_t>(p));
    p += 8;
    n -= 8;
  }
  if (n & 4) {
    b = add_ones(b, load<uint32_t>(p));
    p += 4;
  }
  if (n & 2) {
    b = add_ones(b, load<uint16_t>(p));
    p += 2;
  }
  // An odd final byte is the high byte of a word padded with a zero octet
  // (RFC 1071 §1): the low byte of a native little-endian word.
  if (n & 1) b = add_ones(b, kLittle ? uint64_t{*p} : uint64_t{*p} << 8);
  uint64_t s = add_ones(a, b);
  uint32_t lo = static_cast<uint32_t>(s);
  uint32_t t = lo + static_cast<uint32_t>(s >> 32);
  t += t < lo;  // end-around carry: t is the 32-bit one's-complement sum
  if constexpr (kLittle) t = std::rotl(t, 8);
  // Add the initial sum and fold to 16 bits; 0 only if everything was 0.
  uint64_t u = uint64_t{t} + initial;
  u = (u & 0xffff) + (u >> 16);
  u = (u & 0xffff) + (u >> 16);
  u = (u & 0xffff) + (u >> 16);
  return static_cast<uint32_t>(u);
}
}  // namespace

uint32_t checksum_partial(std::span<const uint8_t> data, uint32_t initial) {
  return partial_sum<false>(data, initial, nullptr);
}

uint32_t checksum_copy(std::span<const uint8_t> src, uint8_t* dst, uint32_t initial) {
  return partial_sum<true>(src, initial, dst);
}

uint32_t checksum_combine(uint32_t sum, uint32_t more, bool odd_offset) {
  if (odd_offset) {
    more = (more & 0xffff) + (more >> 16);
    more = (more & 0xffff) + (more >> 16);
    more = ((more & 0xff) << 8) | (more >> 8);  // RFC 1071 §2(B): byte swap the folded sum
  }
  uint64_t t = uint64_t{sum} + more;  // a 32-bit sum could drop the carry
  while (t >> 16) t = (t & 0xffff) + (t >> 16);
  return static_cast<uint32_t>(t);
}

uint32_t checksum_partial_at(std::span<const uint8_t> data, uint32_t initial, bool odd_offset) {
  if (!odd_offset) return checksum_partial(data, initial);
  return checksum_combine(initial, checksum_partial(data, 0), true);
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
