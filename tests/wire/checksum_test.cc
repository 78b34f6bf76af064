// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
//
// The code under test sums 8 bytes at a time; the reference below adds one
// 16-bit word at a time exactly as RFC 1071 §1 describes, so the two share no
// code.
#include "wire/checksum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/rng.h"

namespace synack::wire {
namespace {

// RFC 1071 §1: pair adjacent octets into 16-bit words (an odd last octet is
// padded with a zero octet), add with end-around carry. Returns the folded sum.
uint16_t reference_sum(std::span<const uint8_t> data, uint32_t initial = 0) {
  uint64_t sum = initial;
  for (size_t i = 0; i < data.size(); i += 2) {
    uint32_t hi = data[i];
    uint32_t lo = i + 1 < data.size() ? data[i + 1] : 0;
    sum += (hi << 8) | lo;
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

std::vector<uint8_t> random_bytes(base::Rng& rng, size_t n) {
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng.next_u32());
  return v;
}

std::vector<uint8_t> concat(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  std::vector<uint8_t> v(a.begin(), a.end());
  v.insert(v.end(), b.begin(), b.end());
  return v;
}

// RFC 1071 §3 "Numerical Examples": bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2,
// so the checksum (its complement) is 220d.
TEST(Checksum, Rfc1071Section3Example) {
  constexpr std::array<uint8_t, 8> kBytes = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(checksum_partial(kBytes), 0xddf2u);
  EXPECT_EQ(checksum_finish(checksum_partial(kBytes)), 0x220d);
  // The same example summed in 16-bit pieces through `initial` (RFC 1071 §2(C):
  // the sum may be split and combined in any grouping).
  uint32_t s = 0;
  for (size_t i = 0; i < kBytes.size(); i += 2)
    s = checksum_partial(std::span(kBytes).subspan(i, 2), s);
  EXPECT_EQ(checksum_finish(s), 0x220d);
}

// RFC 1071 §1 step 3: summing the data together with its checksum gives all
// ones, so the finished value is zero.
TEST(Checksum, Rfc1071DataPlusChecksumVerifiesToZero) {
  base::Rng rng(1071);
  for (size_t n = 0; n < 64; n += 2) {
    auto data = random_bytes(rng, n);
    uint16_t c = checksum_finish(checksum_partial(data));
    data.push_back(static_cast<uint8_t>(c >> 8));
    data.push_back(static_cast<uint8_t>(c));
    EXPECT_EQ(checksum_finish(checksum_partial(data)), 0) << "length " << n;
  }
}

TEST(Checksum, EmptyInputLeavesInitialUnchanged) {
  EXPECT_EQ(checksum_partial({}), 0u);
  EXPECT_EQ(checksum_partial({}, 0x1234), 0x1234u);
  EXPECT_EQ(checksum_finish(0), 0xffff);
}

// RFC 1071 §1: an odd count is summed as if padded with one zero octet, and the
// last octet is the HIGH byte of its word.
TEST(Checksum, Rfc1071OddLengthPadsLastByteWithZero) {
  constexpr std::array<uint8_t, 1> kOne = {0xab};
  EXPECT_EQ(checksum_partial(kOne), 0xab00u);
  constexpr std::array<uint8_t, 3> kThree = {0x12, 0x34, 0x56};
  EXPECT_EQ(checksum_partial(kThree), 0x1234u + 0x5600u);
  base::Rng rng(3);
  for (size_t n = 1; n < 40; n += 2) {
    auto odd = random_bytes(rng, n);
    auto padded = odd;
    padded.push_back(0);
    EXPECT_EQ(checksum_partial(odd), checksum_partial(padded)) << "length " << n;
  }
}

// Every length 0..130 (fast 8-byte path plus each tail), random contents and
// random 32-bit initial values, against the word-at-a-time reference.
TEST(Checksum, MatchesWordAtATimeReferenceForEveryLength) {
  base::Rng rng(42);
  for (size_t n = 0; n <= 130; ++n) {
    for (int rep = 0; rep < 8; ++rep) {
      auto data = random_bytes(rng, n);
      uint32_t initial = rep == 0 ? 0 : rng.next_u32();
      ASSERT_EQ(checksum_partial(data, initial), reference_sum(data, initial))
          << "length " << n << " initial " << initial;
    }
  }
}

// Carry stress: all-ones words produce a carry on every addition.
TEST(Checksum, LongAllOnesBufferFoldsCarries) {
  std::vector<uint8_t> ones(100001, 0xff);
  EXPECT_EQ(checksum_partial(ones), reference_sum(ones));
  EXPECT_EQ(checksum_partial(ones, 0xffffffffu), reference_sum(ones, 0xffffffffu));
  EXPECT_EQ(checksum_finish(0xffffffffu), 0);  // 0xffff+0xffff -> 0x1fffe -> 0xffff
}

// Each length at every start alignment 0..7, with random, all-0xff (a carry
// out of every add) and all-0x00 contents, against the word-at-a-time
// reference. A failure names the length, alignment and fill.
void expect_lengths_match_reference(base::Rng& rng, std::span<const size_t> lengths) {
  for (size_t n : lengths) {
    for (size_t align = 0; align < 8; ++align) {
      for (int fill = 0; fill < 3; ++fill) {
        std::vector<uint8_t> buf = random_bytes(rng, n + align);
        if (fill == 1) std::fill(buf.begin(), buf.end(), uint8_t{0xff});
        if (fill == 2) std::fill(buf.begin(), buf.end(), uint8_t{0});
        std::span<const uint8_t> data = std::span<const uint8_t>(buf).subspan(align);
        uint32_t initial = fill == 1 ? 0xffffffffu : rng.next_u32();
        ASSERT_EQ(checksum_partial(data, initial), reference_sum(data, initial))
            << "length " << n << " align " << align << " fill " << fill;
      }
    }
  }
}

// Segment-sized inputs (the 64-byte add-with-carry blocks plus every tail),
// then random lengths and alignments.
TEST(Checksum, MatchesReferenceForLongInputsAtEveryAlignment) {
  base::Rng rng(64);
  const size_t kLengths[] = {63, 64, 65, 127, 128, 129, 191, 200, 255, 256, 257,
                             511, 536, 1023, 1460, 1461, 1500, 4096, 9001};
  expect_lengths_match_reference(rng, kLengths);
  if (::testing::Test::HasFatalFailure()) return;
  for (int rep = 0; rep < 2000; ++rep) {
    size_t n = rng.below(3000);
    size_t align = rng.below(8);
    std::vector<uint8_t> buf = random_bytes(rng, n + align);
    std::span<const uint8_t> data = std::span<const uint8_t>(buf).subspan(align);
    ASSERT_EQ(checksum_partial(data), reference_sum(data)) << "length " << n << " align " << align;
  }
}

// Both engines for long inputs (the portable add-with-carry chain and, on
// CPUs with it, AVX2's 64-byte blocks) against the word-at-a-time reference:
// lengths around the vector threshold and block size at every alignment,
// carry stress (all 0xff: every lane add is the largest possible), and the
// engine left as it was.
TEST(Checksum, EveryEngineMatchesReference) {
  using detail::ChecksumEngine;
  const ChecksumEngine before = detail::checksum_engine();
  base::Rng rng(1071);
  const size_t kLengths[] = {255, 256, 257, 319, 320, 321, 1460, 1500, 8191, 65495};
  int engines = 0;
  for (ChecksumEngine e : {ChecksumEngine::Scalar, ChecksumEngine::Avx2}) {
    if (!detail::checksum_engine_available(e)) continue;
    ASSERT_TRUE(detail::set_checksum_engine(e));
    ASSERT_EQ(detail::checksum_engine(), e);
    ++engines;
    SCOPED_TRACE(e == ChecksumEngine::Avx2 ? "AVX2 engine" : "scalar engine");
    expect_lengths_match_reference(rng, kLengths);
    if (::testing::Test::HasFatalFailure()) break;
    std::vector<uint8_t> ones(1 << 20, 0xff);
    EXPECT_EQ(checksum_partial(ones), reference_sum(ones));
    // Longer than one vector call (the AVX2 lanes hold 2^22 bytes): all 0x00
    // and all 0xff move every lane by the most it can move, down and up.
    for (uint8_t fill : {uint8_t{0x00}, uint8_t{0xff}, uint8_t{0x5a}}) {
      std::vector<uint8_t> big((5u << 20) + 3, fill);
      EXPECT_EQ(checksum_partial(big), reference_sum(big)) << "5 MiB of " << int{fill};
    }
  }
  EXPECT_GE(engines, 1);
  EXPECT_TRUE(detail::set_checksum_engine(before));
}

// checksum_copy is checksum_partial plus a copy: for every engine, lengths
// around the vector threshold and block size, every source and destination
// alignment and a nonzero initial sum, the sum matches the RFC 1071 §1
// reference and the destination holds exactly the source bytes (nothing
// written before or after them).
TEST(Checksum, Rfc1071CopyAndSumEqualsSumOfTheCopy) {
  using detail::ChecksumEngine;
  const ChecksumEngine before = detail::checksum_engine();
  base::Rng rng(2026);
  int engines = 0;
  for (ChecksumEngine e : {ChecksumEngine::Scalar, ChecksumEngine::Avx2}) {
    if (!detail::set_checksum_engine(e)) continue;
    ++engines;
    SCOPED_TRACE(e == ChecksumEngine::Avx2 ? "AVX2 engine" : "scalar engine");
    for (int rep = 0; rep < 3000; ++rep) {
      const size_t kEdges[] = {0, 1, 2, 63, 64, 65, 255, 256, 257, 320, 1459, 1460, 1461, 65495};
      size_t n = rep < 14 ? kEdges[rep] : rng.below(3000);
      size_t src_align = rng.below(8), dst_align = rng.below(8);
      uint32_t initial = rng.below(2) ? 0 : static_cast<uint32_t>(rng.below(0x10000));
      std::vector<uint8_t> src = random_bytes(rng, n + src_align);
      std::vector<uint8_t> dst(n + dst_align + 16, 0x5a);
      std::span<const uint8_t> data = std::span<const uint8_t>(src).subspan(src_align);
      uint32_t sum = checksum_copy(data, dst.data() + dst_align, initial);
      ASSERT_EQ(sum, reference_sum(data, initial)) << "length " << n;
      ASSERT_TRUE(std::equal(data.begin(), data.end(), dst.begin() + dst_align)) << "length " << n;
      ASSERT_TRUE(std::all_of(dst.begin(), dst.begin() + dst_align, [](uint8_t b) { return b == 0x5a; }));
      ASSERT_TRUE(std::all_of(dst.begin() + dst_align + n, dst.end(), [](uint8_t b) { return b == 0x5a; }))
          << "length " << n;
    }
  }
  EXPECT_GE(engines, 1);
  EXPECT_TRUE(detail::set_checksum_engine(before));
}

// RFC 1071 §2(B): a buffer split anywhere (at an even or an odd offset) has
// the sum of its two pieces combined by checksum_combine.
TEST(Checksum, Rfc1071CombineOfTwoPiecesEqualsSumOfTheWhole) {
  base::Rng rng(1624);
  for (int rep = 0; rep < 3000; ++rep) {
    size_t n = rng.below(2000);
    std::vector<uint8_t> buf = rep % 5 == 0 ? std::vector<uint8_t>(n, 0xff) : random_bytes(rng, n);
    size_t cut = static_cast<size_t>(rng.below(n + 1));
    std::span<const uint8_t> all(buf);
    uint32_t combined = checksum_combine(checksum_partial(all.first(cut)), checksum_partial(all.subspan(cut)), cut & 1);
    // 0 and 0xffff are both zero in one's complement: compare modulo 0xffff.
    ASSERT_EQ(combined % 0xffff, reference_sum(all) % 0xffff) << "length " << n << " cut " << cut;
  }
}

// The loop-free 20-byte sum (IPv4 headers) equals the general one at every
// alignment, for random bytes, all 0xff (every add carries) and all zero, and
// both match the word-at-a-time reference.
TEST(Checksum, Partial20MatchesGeneralSum) {
  base::Rng rng(791);
  for (int rep = 0; rep < 20000; ++rep) {
    size_t align = rng.below(8);
    std::vector<uint8_t> buf = random_bytes(rng, 20 + align);
    if (rep % 10 == 1) std::fill(buf.begin(), buf.end(), uint8_t{0xff});
    if (rep % 10 == 2) std::fill(buf.begin(), buf.end(), uint8_t{0});
    if (rep % 10 == 3) {  // a few bytes set: sums near 0 and 0xffff
      std::fill(buf.begin(), buf.end(), uint8_t{0});
      for (int k = 0; k < 3; ++k) buf[align + rng.below(20)] = static_cast<uint8_t>(rng.next_u32());
    }
    std::span<const uint8_t> h = std::span<const uint8_t>(buf).subspan(align, 20);
    ASSERT_EQ(checksum_partial20(h.data()), checksum_partial(h)) << "rep " << rep;
    ASSERT_EQ(checksum_partial20(h.data()), reference_sum(h)) << "rep " << rep;
  }
}

TEST(Checksum, Partial32MatchesGeneralSum) {
  base::Rng rng(9293);
  for (int rep = 0; rep < 20000; ++rep) {
    size_t align = rng.below(8);
    std::vector<uint8_t> buf = random_bytes(rng, 32 + align);
    if (rep % 10 == 1) std::fill(buf.begin(), buf.end(), uint8_t{0xff});
    if (rep % 10 == 2) std::fill(buf.begin(), buf.end(), uint8_t{0});
    if (rep % 10 == 3) {  // a few bytes set: sums near 0 and 0xffff
      std::fill(buf.begin(), buf.end(), uint8_t{0});
      for (int k = 0; k < 3; ++k) buf[align + rng.below(32)] = static_cast<uint8_t>(rng.next_u32());
    }
    std::span<const uint8_t> h = std::span<const uint8_t>(buf).subspan(align, 32);
    ASSERT_EQ(checksum_partial32(h.data()), checksum_partial(h)) << "rep " << rep;
    ASSERT_EQ(checksum_partial32(h.data()), reference_sum(h)) << "rep " << rep;
  }
}

// checksum_finish folds any 32-bit partial sum (RFC 1071 §1: end-around carry).
TEST(Checksum, FinishFoldsEveryWidth) {
  base::Rng rng(1);
  for (int rep = 0; rep < 100000; ++rep) {
    uint32_t v = rep < 4 ? std::array<uint32_t, 4>{0, 0xffff, 0x1fffe, 0xffffffffu}[rep] : rng.next_u32();
    uint64_t r = v;
    while (r >> 16) r = (r & 0xffff) + (r >> 16);
    ASSERT_EQ(checksum_finish(v), static_cast<uint16_t>(~r & 0xffff)) << v;
  }
}

// RFC 1071 §2(C): a sum over pieces that start on even offsets composes by
// passing the partial sum along.
TEST(Checksum, Rfc1071EvenSplitComposes) {
  base::Rng rng(7);
  auto data = random_bytes(rng, 90);
  for (size_t cut = 0; cut <= data.size(); cut += 2) {
    std::span<const uint8_t> all(data);
    uint32_t s = checksum_partial(all.subspan(cut), checksum_partial(all.first(cut)));
    EXPECT_EQ(checksum_finish(s), checksum_finish(checksum_partial(all))) << "cut " << cut;
  }
}

// RFC 1071 §2(B) byte-order independence: a piece that starts at an odd offset
// of the stream contributes its byte-swapped sum. checksum_partial_at must make
// the sum of the pieces equal the sum of the concatenation, for every cut.
TEST(Checksum, Rfc1071PartialAtOddOffsetEqualsSumOfConcatenation) {
  base::Rng rng(2);
  for (size_t n = 0; n <= 41; ++n) {
    auto data = random_bytes(rng, n);
    std::span<const uint8_t> all(data);
    uint16_t whole = checksum_finish(checksum_partial(all));
    for (size_t cut = 0; cut <= n; ++cut) {
      uint32_t s =
          checksum_partial_at(all.subspan(cut), checksum_partial(all.first(cut)), cut % 2 == 1);
      ASSERT_EQ(checksum_finish(s), whole) << "length " << n << " cut " << cut;
    }
  }
}

// Three or more pieces of arbitrary (odd and even) sizes, tracking the parity
// of each piece's starting offset.
TEST(Checksum, Rfc1071PartialAtChainsManyPieces) {
  base::Rng rng(5);
  for (int rep = 0; rep < 500; ++rep) {
    auto a = random_bytes(rng, rng.below(9));
    auto b = random_bytes(rng, rng.below(9));
    auto c = random_bytes(rng, rng.below(9));
    uint32_t s = checksum_partial_at(a, 0, false);
    s = checksum_partial_at(b, s, a.size() % 2 == 1);
    s = checksum_partial_at(c, s, (a.size() + b.size()) % 2 == 1);
    auto all = concat(concat(a, b), c);
    ASSERT_EQ(checksum_finish(s), checksum_finish(checksum_partial(all))) << "rep " << rep;
  }
}

// Prepending one zero octet moves data to an odd offset without changing the
// sum, which gives an independent reference for any 32-bit `initial` (a partial
// sum may be up to 32 bits wide, as checksum_partial accepts).
TEST(Checksum, Rfc1071PartialAtOddOffsetAcceptsAnyInitial) {
  base::Rng rng(11);
  const uint32_t kInitials[] = {0,           1,           0xffff,      0x10000,
                                0xfffeffffu, 0xffff0000u, 0xffffff00u, 0xffffffffu};
  for (uint32_t initial : kInitials) {
    for (size_t n = 1; n < 12; ++n) {
      auto data = random_bytes(rng, n);
      std::vector<uint8_t> shifted = {0};
      shifted.insert(shifted.end(), data.begin(), data.end());
      EXPECT_EQ(checksum_finish(checksum_partial_at(data, initial, true)),
                checksum_finish(checksum_partial(shifted, initial)))
          << "initial " << initial << " length " << n;
      EXPECT_EQ(checksum_partial_at(data, initial, false), checksum_partial(data, initial));
    }
  }
}

// RFC 9293 §3.1: the TCP pseudo-header is src(4) dst(4) zero(1) PTCL(1) length(2).
TEST(Checksum, Rfc9293PseudoHeaderSumEqualsSumOfItsBytes) {
  base::Rng rng(9293);
  for (int rep = 0; rep < 1000; ++rep) {
    uint32_t src = rng.next_u32();
    uint32_t dst = rng.next_u32();
    auto proto = static_cast<uint8_t>(rng.next_u32());
    auto len = static_cast<uint16_t>(rng.next_u32());
    std::array<uint8_t, 12> ph{};
    base::store_be32(ph.data(), src);
    base::store_be32(ph.data() + 4, dst);
    ph[8] = 0;
    ph[9] = proto;
    base::store_be16(ph.data() + 10, len);
    ASSERT_EQ(checksum_finish(pseudo_header_sum(src, dst, proto, len)),
              checksum_finish(reference_sum(ph)));
  }
  // 10.0.0.1 -> 10.0.0.2, TCP, 40 bytes: 0a00+0001+0a00+0002+0006+0028 = 0x1431.
  EXPECT_EQ(checksum_finish(pseudo_header_sum(0x0a000001, 0x0a000002, 6, 40)),
            static_cast<uint16_t>(~0x1431));
}

// RFC 1624 §4: HC = 0xdd2f, m = 0x5555 -> m' = 0x3285. The new sum is -0
// (0xffff), so the right checksum is 0x0000; RFC 1141's eqn. 2 gave 0xffff.
TEST(Checksum, Rfc1624Section4MinusZeroExample) {
  EXPECT_EQ(checksum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
}

// A random 20-byte header with a correct checksum in bytes 10..11.
std::array<uint8_t, 20> random_header(base::Rng& rng) {
  std::array<uint8_t, 20> h{};
  for (auto& b : h) b = static_cast<uint8_t>(rng.next_u32());
  h[10] = h[11] = 0;
  base::store_be16(h.data() + 10, checksum_finish(checksum_partial(h)));
  return h;
}

uint16_t recomputed(std::array<uint8_t, 20> h) {
  h[10] = h[11] = 0;
  return checksum_finish(checksum_partial(h));
}

// RFC 1624 §3 eqn. 3: HC' = ~(~HC + ~m + m') equals recomputing from scratch.
// Special values (0, 0xffff, unchanged) are drawn often: they are the -0/+0
// boundary cases the RFC is about.
TEST(Checksum, Rfc1624Update16MatchesRecomputation) {
  base::Rng rng(1624);
  const uint16_t kSpecial[] = {0x0000, 0xffff, 0x0001, 0xfffe, 0x8000};
  for (int rep = 0; rep < 20000; ++rep) {
    auto h = random_header(rng);
    size_t word = 2 * rng.below(10);
    if (word == 10) continue;  // the checksum field itself
    uint16_t old_value = base::load_be16(h.data() + word);
    auto new_value = static_cast<uint16_t>(rng.next_u32());
    if (rng.chance(0.2)) new_value = kSpecial[rng.below(5)];
    if (rng.chance(0.05)) new_value = old_value;
    if (rng.chance(0.2)) {  // start from a special old value too
      old_value = kSpecial[rng.below(5)];
      base::store_be16(h.data() + word, old_value);
      base::store_be16(h.data() + 10, recomputed(h));
    }
    uint16_t hc = base::load_be16(h.data() + 10);
    base::store_be16(h.data() + word, new_value);
    ASSERT_EQ(checksum_update16(hc, old_value, new_value), recomputed(h))
        << "rep " << rep << " word " << word << " " << old_value << " -> " << new_value;
  }
}

// The same for a 32-bit field (an address or a sequence number) at an even
// word offset: two eqn. 3 steps.
TEST(Checksum, Rfc1624Update32MatchesRecomputation) {
  base::Rng rng(32);
  for (int rep = 0; rep < 20000; ++rep) {
    auto h = random_header(rng);
    size_t at = 12 + 4 * rng.below(2);  // source or destination address
    if (rng.chance(0.3)) at = 4 * rng.below(2);
    uint32_t old_value = base::load_be32(h.data() + at);
    uint32_t new_value = rng.chance(0.1) ? 0xffffffffu : rng.next_u32();
    uint16_t hc = base::load_be16(h.data() + 10);
    base::store_be32(h.data() + at, new_value);
    ASSERT_EQ(checksum_update32(hc, old_value, new_value), recomputed(h))
        << "rep " << rep << " at " << at;
  }
}

// A TCP checksum kept up to date across a pseudo-header change (NAT rewriting
// the destination address) equals recomputation over pseudo-header + segment.
TEST(Checksum, Rfc1624Update32ThroughPseudoHeader) {
  base::Rng rng(1918);
  for (int rep = 0; rep < 2000; ++rep) {
    auto seg = random_bytes(rng, 20 + rng.below(30));
    auto len = static_cast<uint16_t>(seg.size());
    uint32_t src = rng.next_u32();
    uint32_t dst = rng.next_u32();
    uint32_t new_dst = rng.next_u32();
    seg[16] = seg[17] = 0;
    uint16_t c = checksum_finish(checksum_partial(seg, pseudo_header_sum(src, dst, 6, len)));
    uint16_t want = checksum_finish(checksum_partial(seg, pseudo_header_sum(src, new_dst, 6, len)));
    ASSERT_EQ(checksum_update32(c, dst, new_dst), want) << "rep " << rep;
  }
}

}  // namespace
}  // namespace synack::wire
