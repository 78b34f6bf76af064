// TCP options (RFC 9293 §3.1/§3.2, RFC 7323, RFC 2018): parsing rules, every
// error, and the serializer's layouts.
#include "wire/tcp_options.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/rng.h"
#include "wire/golden_packets.h"

namespace synack::wire {
namespace {

using Bytes = std::vector<uint8_t>;

TcpOptions parse_ok(const Bytes& b) {
  auto o = TcpOptions::parse(b);
  EXPECT_TRUE(o.has_value()) << o.error();
  return o ? *o : TcpOptions{};
}

ParseError parse_err(const Bytes& b) {
  auto o = TcpOptions::parse(b);
  EXPECT_FALSE(o.has_value());
  return o ? ParseError::Ipv4TooShort : o.error();  // value irrelevant when the EXPECT fails
}

// Serialize into a poisoned buffer; checks the size contract on the way.
Bytes serialize(const TcpOptions& o) {
  std::array<uint8_t, kMaxOptionBytes + 8> buf;
  buf.fill(0xaa);
  size_t n = o.serialize(buf);
  EXPECT_EQ(n, o.wire_size());
  EXPECT_EQ(n % 4, 0u);
  EXPECT_LE(n, kMaxOptionBytes);
  EXPECT_TRUE(std::all_of(buf.begin() + static_cast<ptrdiff_t>(std::min(n, buf.size())), buf.end(),
                          [](uint8_t b) { return b == 0xaa; }))
      << "wrote past wire_size()";
  return Bytes(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(std::min(n, buf.size())));
}

TEST(TcpOptions, EmptyBytesParseToNoOptions) {
  EXPECT_TRUE(parse_ok({}).empty());
  EXPECT_TRUE(TcpOptions{}.empty());
  EXPECT_EQ(TcpOptions{}.wire_size(), 0u);
}

TEST(TcpOptions, Rfc9293ParsesGoldenSynOptions) {
  auto span = golden::syn_tcp_options();
  TcpOptions o = parse_ok(Bytes(span.begin(), span.end()));
  EXPECT_EQ(o.mss, 1460);
  EXPECT_TRUE(o.sack_permitted);
  ASSERT_TRUE(o.timestamps.has_value());
  EXPECT_EQ(*o.timestamps, (Timestamps{123456, 0}));
  EXPECT_EQ(o.window_scale, 7);
  EXPECT_EQ(o.sack_count, 0);
}

// RFC 9293 §3.1 "End of Option List": EOL ends the list; what follows is padding
// and is not parsed, even if it would be malformed.
TEST(TcpOptions, Rfc9293EolEndsParsing) {
  EXPECT_TRUE(parse_ok({0, 2, 0, 0xff}).empty());  // "MSS with length 0" after EOL
  TcpOptions o = parse_ok({2, 4, 0x05, 0xb4, 0, 3, 3, 7});
  EXPECT_EQ(o.mss, 1460);
  EXPECT_FALSE(o.window_scale.has_value());
}

TEST(TcpOptions, Rfc9293NopsAreSkipped) {
  EXPECT_TRUE(parse_ok({1, 1, 1, 1}).empty());
  EXPECT_EQ(parse_ok({1, 1, 1, 3, 3, 14}).window_scale, 14);
}

// RFC 9293 §3.1 MUST-6: unknown options are skipped by their length; bytes
// inside an unknown option are not parsed as options.
TEST(TcpOptions, Rfc9293Must6UnknownOptionsSkippedByLength) {
  TcpOptions o = parse_ok({30, 6, 0xab, 0xcd, 0xef, 0x01, 2, 4, 0x05, 0xb4});
  EXPECT_EQ(o.mss, 1460);
  EXPECT_TRUE(parse_ok({254, 2, 1, 1}).empty());
  EXPECT_TRUE(parse_ok({99, 6, 2, 4, 0x00, 0x01}).empty());  // an "MSS" inside kind 99
  EXPECT_TRUE(parse_ok({6, 6, 0, 0, 0, 0, 7, 2}).empty());   // obsolete echo kinds 6, 7
}

// RFC 9293 §3.1 MUST-7 / MUST-68: every option but EOL and NOP has a length
// byte that counts kind and length, so 0 and 1 are illegal.
TEST(TcpOptions, Rfc9293Must7LengthZeroOrOneIsAnError) {
  EXPECT_EQ(parse_err({30, 0, 1, 1}), ParseError::TcpOptionBadLength);
  EXPECT_EQ(parse_err({30, 1, 1, 1}), ParseError::TcpOptionBadLength);
  EXPECT_EQ(parse_err({2, 0, 0, 0}), ParseError::TcpOptionBadLength);
  EXPECT_EQ(parse_err({1, 1, 8, 1}), ParseError::TcpOptionBadLength);
}

TEST(TcpOptions, Rfc9293OptionOverrunningTheHeaderIsAnError) {
  EXPECT_EQ(parse_err({1, 1, 1, 2}), ParseError::TcpOptionOverrun);  // kind, no length byte
  EXPECT_EQ(parse_err({2, 4, 0x05}), ParseError::TcpOptionOverrun);
  EXPECT_EQ(parse_err({30, 10, 0, 0, 0, 0, 0, 0}), ParseError::TcpOptionOverrun);
  EXPECT_EQ(parse_err({1, 1, 8, 10, 0, 0, 0, 0, 0, 0, 0}), ParseError::TcpOptionOverrun);
}

// Known kinds have fixed sizes: MSS 4 (RFC 9293 §3.2), WS 3 and TS 10
// (RFC 7323 §2.2, §3.2), SACK-permitted 2 and SACK 2+8n (RFC 2018 §2, §3).
TEST(TcpOptions, KnownOptionWithWrongSizeIsAnError) {
  const Bytes kBad[] = {
      {2, 3, 0x05, 0},                              // MSS len 3
      {2, 6, 0x05, 0xb4, 0, 0},                     // MSS len 6
      {3, 4, 7, 0},                                 // WS len 4
      {3, 2, 1, 1},                                 // WS len 2
      {8, 9, 0, 0, 0, 0, 0, 0, 0, 0},               // TS len 9
      {8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},        // TS len 12
      {4, 3, 0, 0},                                 // SACK-permitted len 3
      {5, 2, 1, 1},                                 // SACK with no block
      {5, 9, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1},         // SACK len 9, then NOPs
      {5, 14, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3},  // SACK len 14: 12 is not 8n
  };
  for (const auto& b : kBad) {
    EXPECT_EQ(parse_err(b), ParseError::TcpOptionBadSize)
        << "kind " << int{b[0]} << " len " << int{b[1]};
  }
}

// RFC 9293 §3.2 MUST-64: options need not start on a word boundary.
TEST(TcpOptions, Rfc9293Must64OptionsNotOnWordBoundary) {
  TcpOptions o = parse_ok({1,                                      // NOP
                           2, 4,  0x05, 0x78,                      // MSS 1400 at offset 1
                           3, 3,  9,                               // WS 9 at offset 5
                           8, 10, 0,    0,    0, 5, 0, 0, 0, 6,    // TS at offset 8
                           4, 2,                                   // SACK-permitted
                           5, 10, 0,    0,    1, 0, 0, 0, 2, 0});  // one SACK block
  EXPECT_EQ(o.mss, 1400);
  EXPECT_EQ(o.window_scale, 9);
  EXPECT_EQ(o.timestamps, (Timestamps{5, 6}));
  EXPECT_TRUE(o.sack_permitted);
  ASSERT_EQ(o.sack_count, 1);
  EXPECT_EQ(o.sack[0], (SackBlock{0x100, 0x200}));
}

// RFC 2018 §3: 1 to 4 blocks of (left edge, right edge).
TEST(TcpOptions, Rfc2018SackBlocksOneToFour) {
  for (uint8_t n = 1; n <= 4; ++n) {
    Bytes b = {1, 1, 5, static_cast<uint8_t>(2 + 8 * n)};
    for (uint8_t k = 0; k < n; ++k) b.insert(b.end(), {0, 0, k, 0, 0, 0, k, 0x10});
    TcpOptions o = parse_ok(b);
    ASSERT_EQ(o.sack_count, n);
    for (uint8_t k = 0; k < n; ++k) {
      EXPECT_EQ(o.sack[k], (SackBlock{uint32_t{k} << 8, (uint32_t{k} << 8) | 0x10}));
    }
  }
}

// Repeated options: the last one wins, and a later SACK replaces an earlier one
// entirely (no stale blocks from the earlier, longer one).
TEST(TcpOptions, RepeatedOptionLastWins) {
  EXPECT_EQ(parse_ok({2, 4, 0, 1, 2, 4, 0, 2}).mss, 2);
  Bytes b = {5, 26, 0, 0, 0, 1, 0, 0, 0, 2,  0, 0, 0, 3, 0, 0, 0, 4,
             0, 0,  0, 5, 0, 0, 0, 6, 5, 10, 0, 0, 0, 7, 0, 0, 0, 8};
  TcpOptions o = parse_ok(b);
  ASSERT_EQ(o.sack_count, 1);
  EXPECT_EQ(o.sack[0], (SackBlock{7, 8}));
  EXPECT_EQ(o, parse_ok({5, 10, 0, 0, 0, 7, 0, 0, 0, 8}));
  EXPECT_EQ(o.sack[1], SackBlock{});
}

TEST(TcpOptions, EqualityIgnoresUnusedSackSlots) {
  TcpOptions a, b;
  a.sack_count = b.sack_count = 1;
  a.sack[0] = b.sack[0] = {10, 20};
  a.sack[2] = {99, 100};
  EXPECT_EQ(a, b);
  b.sack[0].right = 21;
  EXPECT_NE(a, b);
}

TEST(TcpOptions, SackCountBeyondCapacityIsClamped) {
  TcpOptions o;
  o.sack_count = 9;
  EXPECT_EQ(o.sack_blocks().size(), kMaxSackBlocks);
  EXPECT_EQ(serialize(o).size(), 36u);
}

TEST(TcpOptions, ForEachOptionReportsKindsAndData) {
  Bytes b = {1, 2, 4, 0x05, 0xb4, 30, 3, 0xee, 0, 9, 9};
  std::vector<uint8_t> kinds;
  std::vector<size_t> sizes;
  auto r = for_each_option(b, [&](RawOption o) {
    kinds.push_back(o.kind);
    sizes.push_back(o.data.size());
  });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(kinds, (std::vector<uint8_t>{1, 2, 30, 0}));
  EXPECT_EQ(sizes, (std::vector<size_t>{0, 2, 1, 0}));
}

// ---- serialize() ----------------------------------------------------------

struct Layout {
  const char* name;
  TcpOptions options;
  Bytes bytes;
};

TcpOptions make(std::optional<uint16_t> mss, std::optional<uint8_t> ws, bool sack_ok,
                std::optional<Timestamps> ts, uint8_t blocks) {
  TcpOptions o;
  o.mss = mss;
  o.window_scale = ws;
  o.sack_permitted = sack_ok;
  o.timestamps = ts;
  o.sack_count = blocks;
  for (uint8_t k = 0; k < blocks && k < kMaxSackBlocks; ++k) {
    o.sack[k] = {0x1000u * (k + 1u), 0x1000u * (k + 1u) + 0x100};
  }
  return o;
}

const Bytes kTs = {0, 0, 0, 1, 0, 0, 0, 2};  // TS val=1 ecr=2

// The wire form of the first n blocks make() fills in.
Bytes sack_wire(uint8_t n) {
  Bytes b;
  for (uint8_t k = 1; k <= n; ++k) {
    auto hi = static_cast<uint8_t>(0x10 * k);
    b.insert(b.end(), {0, 0, hi, 0, 0, 0, static_cast<uint8_t>(hi + 1), 0});
  }
  return b;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Exact bytes of each layout. The aligned ones follow Linux (options on word
// boundaries, NOP padding); the packed ones are used only when the aligned
// layout would pass 40 bytes.
TEST(TcpOptions, SerializeWritesExpectedLayouts) {
  const Timestamps ts{1, 2};
  const Layout kLayouts[] = {
      {"mss", make(1460, {}, false, {}, 0), {2, 4, 0x05, 0xb4}},
      {"sack-permitted", make({}, {}, true, {}, 0), {1, 1, 4, 2}},
      {"timestamps", make({}, {}, false, ts, 0), cat({{1, 1, 8, 10}, kTs})},
      {"window scale", make({}, 14, false, {}, 0), {1, 3, 3, 14}},
      {"linux syn", make(1460, 7, true, ts, 0),
       cat({{2, 4, 0x05, 0xb4, 4, 2, 8, 10}, kTs, {1, 3, 3, 7}})},
      {"ts + 3 sack", make({}, {}, false, ts, 3),
       cat({{1, 1, 8, 10}, kTs, {1, 1, 5, 26}, sack_wire(3)})},
      {"4 sack", make({}, {}, false, {}, 4), cat({{1, 1, 5, 34}, sack_wire(4)})},
      // Aligned would be 12 + 4 + 28 = 44: packed is 3 + 10 + 26 = 39, EOL.
      {"packed ws + ts + 3 sack", make({}, 5, false, ts, 3),
       cat({{3, 3, 5, 8, 10}, kTs, {5, 26}, sack_wire(3), {0}})},
      // Packed would be 3 + 2 + 10 + 26 = 41: the last block is left out,
      // 33 bytes then EOL and zero fill to 36 (MUST-69).
      {"packed, trimmed", make({}, 5, true, ts, 3),
       cat({{3, 3, 5, 4, 2, 8, 10}, kTs, {5, 18}, sack_wire(2), {0, 0, 0}})},
  };
  for (const auto& l : kLayouts) {
    EXPECT_EQ(serialize(l.options), l.bytes) << l.name;
    EXPECT_EQ(l.options.wire_size(), l.bytes.size()) << l.name;
  }
}

// RFC 9293 §3.1 MUST-69: after an EOL, the rest of the header is zero. The
// packed layout must overwrite whatever the buffer held.
TEST(TcpOptions, Rfc9293Must69PackedLayoutZeroFillsAfterEol) {
  TcpOptions o = make(1460, 14, true, Timestamps{7, 8}, 4);  // 19 + 34 > 40
  Bytes b = serialize(o);
  ASSERT_EQ(b.size(), 40u);
  // 4 + 3 + 2 + 10 = 19 bytes, then SACK with as many blocks as fit: 2 (18).
  EXPECT_EQ(b[19], 5);
  EXPECT_EQ(b[20], 18);
  EXPECT_EQ(b[37], 0);  // EOL
  EXPECT_EQ(b[38], 0);
  EXPECT_EQ(b[39], 0);
  TcpOptions back = parse_ok(b);
  EXPECT_EQ(back.sack_count, 2);
  EXPECT_EQ(back.sack[0], o.sack[0]);  // the first (most recent, RFC 2018 §4) blocks are kept
  EXPECT_EQ(back.sack[1], o.sack[1]);
}

// Every combination of MSS / WS / SACK-permitted / timestamps with 0..4 SACK
// blocks serializes to a multiple of 4 no larger than 40 and parses back. When
// the options fit in 40 bytes at all, they come back unchanged; otherwise as
// many leading SACK blocks as fit are kept.
TEST(TcpOptions, Rfc9293SerializeEveryCombinationRoundTrips) {
  base::Rng rng(2018);
  for (unsigned mask = 0; mask < 16; ++mask) {
    for (uint8_t blocks = 0; blocks <= kMaxSackBlocks; ++blocks) {
      TcpOptions o;
      if (mask & 1) o.mss = static_cast<uint16_t>(rng.next_u32());
      if (mask & 2) o.window_scale = static_cast<uint8_t>(rng.below(15));
      if (mask & 4) o.sack_permitted = true;
      if (mask & 8) o.timestamps = Timestamps{rng.next_u32(), rng.next_u32()};
      o.sack_count = blocks;
      for (uint8_t k = 0; k < blocks; ++k) o.sack[k] = {rng.next_u32(), rng.next_u32()};
      SCOPED_TRACE(testing::Message() << "mask " << mask << " blocks " << int{blocks});
      Bytes b = serialize(o);
      TcpOptions back = parse_ok(b);
      size_t fixed = (o.mss ? 4 : 0) + (o.window_scale ? 3 : 0) + (o.sack_permitted ? 2 : 0) +
                     (o.timestamps ? 10 : 0);
      if (fixed + (blocks ? 2 + 8u * blocks : 0) <= kMaxOptionBytes) {
        EXPECT_EQ(back, o);
        continue;
      }
      EXPECT_EQ(back.mss, o.mss);
      EXPECT_EQ(back.window_scale, o.window_scale);
      EXPECT_EQ(back.sack_permitted, o.sack_permitted);
      EXPECT_EQ(back.timestamps, o.timestamps);
      ASSERT_LT(back.sack_count, blocks);
      EXPECT_GT(fixed + 2 + 8u * (back.sack_count + 1u), kMaxOptionBytes)
          << "dropped a block that fit";
      for (size_t k = 0; k < back.sack_count; ++k) EXPECT_EQ(back.sack[k], o.sack[k]);
    }
  }
}

// The timestamps-only fast path of serialize/wire_size writes exactly the
// RFC 7323 Appendix A layout NOP,NOP,TS,10,TSval,TSecr (no options: nothing),
// and parse (which has its own NOP,NOP,TS fast path) reads back the same
// value as a general option walk with for_each_option.
TEST(TcpOptions, Rfc7323TimestampsOnlyFastPathMatchesGeneralLayout) {
  base::Rng rng(7323);
  EXPECT_EQ(TcpOptions{}.wire_size(), 0u);
  EXPECT_TRUE(serialize(TcpOptions{}).empty());
  for (int rep = 0; rep < 5000; ++rep) {
    Timestamps ts{rng.next_u32(), rng.next_u32()};
    if (rep == 0) ts = {0, 0};
    if (rep == 1) ts = {0xffffffffu, 0xffffffffu};
    TcpOptions o;
    o.timestamps = ts;
    ASSERT_TRUE(o.timestamps_only());
    Bytes want = {1, 1, 8, 10};
    for (uint32_t v : {ts.val, ts.ecr})
      for (int k = 3; k >= 0; --k) want.push_back(static_cast<uint8_t>(v >> (8 * k)));
    ASSERT_EQ(o.wire_size(), 12u);
    ASSERT_EQ(serialize(o), want) << "rep " << rep;
    TcpOptions back = parse_ok(want);
    ASSERT_EQ(back, o);
    TcpOptions walked;
    ASSERT_TRUE(for_each_option(want, [&](RawOption r) {
      if (r.kind == 8) walked.timestamps = Timestamps{base::load_be32(r.data.data()),
                                                      base::load_be32(r.data.data() + 4)};
    }));
    ASSERT_EQ(back, walked);
    // Any other option beside timestamps takes the general layout.
    TcpOptions more = o;
    switch (rep % 4) {
      case 0: more.mss = 1460; break;
      case 1: more.window_scale = 7; break;
      case 2: more.sack_permitted = true; break;
      case 3: more.sack_count = 1; more.sack[0] = {1, 2}; break;
    }
    ASSERT_FALSE(more.timestamps_only());
    ASSERT_EQ(parse_ok(serialize(more)), more) << "rep " << rep;
    ASSERT_EQ(serialize(more).size(), more.wire_size());
  }
}

}  // namespace
}  // namespace synack::wire

namespace synack::wire {
namespace {

// The options as a plain walk over for_each_option sees them (MSS, WS,
// SACK-permitted, TS), for comparing parse's fast paths against.
std::optional<TcpOptions> walk(const Bytes& b) {
  TcpOptions o;
  bool bad = false;
  auto r = for_each_option(b, [&](RawOption opt) {
    const auto& d = opt.data;
    switch (opt.kind) {
      case 2: if (d.size() != 2) bad = true; else o.mss = base::load_be16(d.data()); break;
      case 3: if (d.size() != 1) bad = true; else o.window_scale = d[0]; break;
      case 4: if (d.size() != 0) bad = true; else o.sack_permitted = true; break;
      case 8:
        if (d.size() != 8) bad = true;
        else o.timestamps = Timestamps{base::load_be32(d.data()), base::load_be32(d.data() + 4)};
        break;
      case 5:  // SACK blocks (RFC 2018 §3): whole 8-byte blocks, the first four kept
        if (d.empty() || d.size() % 8 != 0) {
          bad = true;
          break;
        }
        o.sack = {};
        o.sack_count = 0;
        for (size_t k = 0; k < d.size() / 8 && k < o.sack.size(); ++k, ++o.sack_count)
          o.sack[k] = {base::load_be32(d.data() + 8 * k), base::load_be32(d.data() + 8 * k + 4)};
        break;
      default: break;
    }
  });
  if (!r || bad) return std::nullopt;
  return o;
}

// RFC 9293 §3.1 (MUST-4: every option is understood wherever it is): the
// SYN layout of Linux and synack (MSS, SACK-permitted, TS, NOP, WS: 20
// bytes) is read in place, with the result of the general walk; a byte
// changed anywhere in the layout sends it down the general path, which
// parses it (or rejects it) exactly as the walk does.
TEST(TcpOptions, Rfc9293SynLayoutFastPathMatchesGeneralWalk) {
  base::Rng rng(9293);
  for (int rep = 0; rep < 3000; ++rep) {
    uint16_t mss = static_cast<uint16_t>(rng.next_u32());
    uint32_t val = rng.next_u32(), ecr = rng.next_u32();
    uint8_t ws = static_cast<uint8_t>(rng.next_u32() % 16);
    Bytes b = {2, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss), 4, 2, 8, 10};
    for (uint32_t v : {val, ecr})
      for (int k = 3; k >= 0; --k) b.push_back(static_cast<uint8_t>(v >> (8 * k)));
    for (uint8_t x : {uint8_t{1}, uint8_t{3}, uint8_t{3}, ws}) b.push_back(x);
    ASSERT_EQ(b.size(), 20u);
    TcpOptions fast = parse_ok(b);
    EXPECT_EQ(fast.mss, mss);
    EXPECT_TRUE(fast.sack_permitted);
    EXPECT_EQ(fast.timestamps, (Timestamps{val, ecr}));
    EXPECT_EQ(fast.window_scale, ws);
    ASSERT_EQ(walk(b), fast) << "rep " << rep;
    // One kind or length byte changed: the general path, as the walk says.
    static constexpr size_t kLayoutBytes[] = {0, 1, 4, 5, 6, 7, 16, 17, 18};
    Bytes m = b;
    m[kLayoutBytes[rep % 9]] = static_cast<uint8_t>(rng.next_u32());
    auto parsed = TcpOptions::parse(m);
    auto walked = walk(m);
    ASSERT_EQ(parsed.has_value(), walked.has_value()) << "rep " << rep;
    if (walked) {
      ASSERT_EQ(*parsed, *walked) << "rep " << rep;
    }
  }
}

}  // namespace
}  // namespace synack::wire
