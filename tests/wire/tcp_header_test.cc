// The TCP header codec (RFC 9293 §3.1): golden bytes, every ParseError,
// serialize/parse round trips and the checksum helpers.
#include "wire/tcp_header.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/rng.h"
#include "wire/golden_packets.h"

namespace synack::wire {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes syn_segment() {
  auto s = golden::syn_tcp_segment();
  return {s.begin(), s.end()};
}

ParseError parse_error_of(std::span<const uint8_t> seg) {
  auto v = TcpView::parse(seg);
  EXPECT_FALSE(v.has_value());
  return v ? ParseError::Ipv4TooShort : v.error();  // value irrelevant when the EXPECT fails
}

// A bare 20-byte header plus `options` (data offset set to cover them, which
// must be a multiple of 4) plus `payload`.
Bytes segment_with(const Bytes& options, const Bytes& payload = {}) {
  Bytes s = {0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0x10, 0x00, 0, 0, 0, 0};
  s[12] = static_cast<uint8_t>(((20 + options.size()) / 4) << 4);
  s.insert(s.end(), options.begin(), options.end());
  s.insert(s.end(), payload.begin(), payload.end());
  return s;
}

const uint32_t kSrc = golden::kSynSrc.value();
const uint32_t kDst = golden::kSynDst.value();

// RFC 9293 §3.1: every field of the hand-written SYN.
TEST(TcpHeader, Rfc9293ParsesGoldenSyn) {
  auto seg = golden::syn_tcp_segment();
  auto v = TcpView::parse(seg);
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_EQ(v->src_port(), 54321);
  EXPECT_EQ(v->dst_port(), 80);
  EXPECT_EQ(v->seq(), 0x6b8b4567u);
  EXPECT_EQ(v->ack(), 0u);
  EXPECT_EQ(v->header_len(), 40u);
  EXPECT_EQ(v->flags(), tcp_flags::kSyn);
  EXPECT_EQ(v->window(), 64240);
  EXPECT_EQ(v->checksum(), golden::kSynTcpChecksum);
  EXPECT_EQ(v->urgent(), 0);
  EXPECT_EQ(v->option_bytes().data(), seg.data() + 20);
  EXPECT_EQ(v->option_bytes().size(), 20u);
  EXPECT_TRUE(v->payload().empty());
  EXPECT_EQ(v->bytes().size(), 40u);
  const TcpOptions& o = v->options();
  EXPECT_EQ(o.mss, 1460);
  EXPECT_TRUE(o.sack_permitted);
  EXPECT_EQ(o.timestamps, (Timestamps{123456, 0}));
  EXPECT_EQ(o.window_scale, 7);
  EXPECT_EQ(o.sack_count, 0);
}

// The value type, filled by hand, serializes to exactly the golden bytes.
TEST(TcpHeader, Rfc9293SerializeWritesGoldenBytes) {
  TcpHeader h;
  h.src_port = 54321;
  h.dst_port = 80;
  h.seq = 0x6b8b4567;
  h.flags = tcp_flags::kSyn;
  h.window = 64240;
  h.options.mss = 1460;
  h.options.sack_permitted = true;
  h.options.timestamps = Timestamps{123456, 0};
  h.options.window_scale = 7;
  ASSERT_EQ(h.wire_size(), 40u);
  Bytes out(40, 0xee);
  ASSERT_EQ(h.serialize(out), 40u);
  fill_tcp_checksum(kSrc, kDst, out);
  EXPECT_EQ(out, syn_segment());
}

// RFC 9293 §3.1 MUST-2/MUST-3: the golden checksum verifies; fill reproduces
// it; any single-bit change of the segment or the pseudo-header is detected.
TEST(TcpHeader, Rfc9293ChecksumVerifiesAndDetectsSingleBitErrors) {
  Bytes seg = syn_segment();
  EXPECT_TRUE(verify_tcp_checksum(kSrc, kDst, seg));
  Bytes copy = seg;
  copy[16] = 0x12;
  copy[17] = 0x34;
  fill_tcp_checksum(kSrc, kDst, copy);
  EXPECT_EQ(base::load_be16(copy.data() + 16), golden::kSynTcpChecksum);
  for (size_t i = 0; i < seg.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes bad = seg;
      bad[i] = static_cast<uint8_t>(bad[i] ^ (1u << bit));
      EXPECT_FALSE(verify_tcp_checksum(kSrc, kDst, bad)) << "byte " << i << " bit " << bit;
    }
  }
  EXPECT_FALSE(verify_tcp_checksum(kSrc, kDst ^ 1, seg));
  EXPECT_FALSE(verify_tcp_checksum(kSrc ^ 0x100, kDst, seg));
  EXPECT_FALSE(verify_tcp_checksum(kSrc, kDst, std::span(seg).first(39)));  // length is summed
}

// fill and verify agree on random segments of every parity and on sizes that
// exercise every tail of the summing loop.
TEST(TcpHeader, Rfc9293FillAndVerifyAgree) {
  base::Rng rng(9293);
  for (int rep = 0; rep < 3000; ++rep) {
    Bytes seg(20 + rng.below(100));
    for (auto& b : seg) b = static_cast<uint8_t>(rng.next_u32());
    uint32_t src = rng.next_u32(), dst = rng.next_u32();
    fill_tcp_checksum(src, dst, seg);
    ASSERT_TRUE(verify_tcp_checksum(src, dst, seg)) << "rep " << rep << " size " << seg.size();
    seg[rng.below(seg.size())] ^= static_cast<uint8_t>(1u << rng.below(8));
    ASSERT_FALSE(verify_tcp_checksum(src, dst, seg)) << "rep " << rep;
  }
}

TEST(TcpHeader, VerifyRejectsSegmentLongerThanIpAllows) {
  Bytes big(0x10000, 0);
  EXPECT_FALSE(verify_tcp_checksum(kSrc, kDst, big));
}

TEST(TcpHeader, FromViewCopiesEveryField) {
  auto v = TcpView::parse(golden::syn_tcp_segment());
  ASSERT_TRUE(v.has_value());
  TcpHeader h = TcpHeader::from_view(*v);
  EXPECT_EQ(h.src_port, v->src_port());
  EXPECT_EQ(h.dst_port, v->dst_port());
  EXPECT_EQ(h.seq, v->seq());
  EXPECT_EQ(h.ack, v->ack());
  EXPECT_EQ(h.flags, v->flags());
  EXPECT_EQ(h.window, v->window());
  EXPECT_EQ(h.checksum, v->checksum());
  EXPECT_EQ(h.urgent, v->urgent());
  EXPECT_EQ(h.options, v->options());
}

TEST(TcpHeader, PayloadFollowsDataOffset) {
  Bytes s = segment_with({1, 1, 1, 1}, {'h', 'e', 'l', 'l', 'o'});
  auto v = TcpView::parse(s);
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_EQ(v->header_len(), 24u);
  ASSERT_EQ(v->payload().size(), 5u);
  EXPECT_EQ(v->payload().data(), s.data() + 24);
  EXPECT_EQ(v->payload()[0], 'h');
  EXPECT_TRUE(v->options().empty());
}

TEST(TcpHeader, ErrorTruncatedBelowTwentyBytes) {
  for (size_t n = 0; n < 20; ++n) {
    EXPECT_EQ(parse_error_of(golden::syn_tcp_segment().first(n)), ParseError::TcpTooShort) << n;
  }
}

// RFC 9293 §3.1 "Data Offset": the header is at least 5 words.
TEST(TcpHeader, Rfc9293ErrorDataOffsetBelowFive) {
  for (uint8_t doff = 0; doff < 5; ++doff) {
    Bytes s = syn_segment();
    s[12] = static_cast<uint8_t>(doff << 4);
    EXPECT_EQ(parse_error_of(s), ParseError::TcpBadDataOffset) << int{doff};
  }
}

TEST(TcpHeader, Rfc9293ErrorDataOffsetPastEnd) {
  Bytes s = segment_with({});
  s[12] = 0x60;  // 24 bytes in a 20-byte segment
  EXPECT_EQ(parse_error_of(s), ParseError::TcpDataOffsetPastEnd);
  s = syn_segment();
  s.resize(39);  // golden SYN says 40
  EXPECT_EQ(parse_error_of(s), ParseError::TcpDataOffsetPastEnd);
  s = syn_segment();
  s[12] = 0xf0;  // 60 bytes
  EXPECT_EQ(parse_error_of(s), ParseError::TcpDataOffsetPastEnd);
}

// Options errors surface from TcpView::parse with their own reason
// (RFC 9293 §3.1 MUST-7 for lengths 0/1).
TEST(TcpHeader, Rfc9293OptionErrorsPropagate) {
  EXPECT_EQ(parse_error_of(segment_with({30, 0, 0, 0})), ParseError::TcpOptionBadLength);
  EXPECT_EQ(parse_error_of(segment_with({30, 1, 0, 0})), ParseError::TcpOptionBadLength);
  EXPECT_EQ(parse_error_of(segment_with({1, 1, 30, 3})), ParseError::TcpOptionOverrun);
  EXPECT_EQ(parse_error_of(segment_with({2, 3, 5, 0})), ParseError::TcpOptionBadSize);  // MSS len 3
  EXPECT_EQ(parse_error_of(segment_with({3, 4, 7, 0})), ParseError::TcpOptionBadSize);  // WS len 4
  EXPECT_EQ(parse_error_of(segment_with({8, 9, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1})),
            ParseError::TcpOptionBadSize);  // TS len 9
  EXPECT_EQ(parse_error_of(segment_with({5, 6, 0, 0, 0, 0, 1, 1})),
            ParseError::TcpOptionBadSize);  // SACK len 6: not 2 + 8n
  // An option may not run into the payload: the option area ends at the data offset.
  EXPECT_EQ(parse_error_of(segment_with({1, 1, 2, 4}, {0x05, 0xb4})), ParseError::TcpOptionOverrun);
}

// RFC 9293 §3.1 MUST-6 and §3.2 MUST-64 through the full header parser.
TEST(TcpHeader, Rfc9293Must6Must64UnknownAndUnalignedOptions) {
  auto v = TcpView::parse(segment_with({77, 3, 0xff, 2, 4, 0x02, 0x18, 1}));
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_EQ(v->options().mss, 536);  // MSS at offset 3, after an unknown 3-byte option
}

// RFC 9293 §3.1 "Data Offset" is the header length in words: serialize() sets it
// from the options it wrote, and the reserved bits stay zero.
TEST(TcpHeader, Rfc9293SerializeSetsDataOffset) {
  base::Rng rng(1);
  for (int rep = 0; rep < 200; ++rep) {
    TcpHeader h;
    if (rng.chance(0.5)) h.options.mss = 1460;
    if (rng.chance(0.5)) h.options.window_scale = 7;
    h.options.sack_permitted = rng.chance(0.5);
    if (rng.chance(0.5)) h.options.timestamps = Timestamps{1, 2};
    h.options.sack_count = static_cast<uint8_t>(rng.below(kMaxSackBlocks + 1));
    Bytes out(60, 0xee);
    size_t n = h.serialize(out);
    EXPECT_EQ(n, h.wire_size());
    EXPECT_LE(n, 60u);
    EXPECT_EQ(n % 4, 0u);
    EXPECT_EQ((out[12] >> 4) * 4u, n);
    EXPECT_EQ(out[12] & 0x0f, 0);
    EXPECT_TRUE(TcpView::parse(std::span(out).first(n)).has_value());
  }
}

// Round trips of the option sets a connection actually sends: SYN options one
// at a time and together, timestamps with 1..3 SACK blocks, 4 blocks without.
TEST(TcpHeader, Rfc9293SerializeParseRoundTrips) {
  std::vector<TcpOptions> sets;
  auto add = [&](auto&& edit) {
    TcpOptions o;
    edit(o);
    sets.push_back(o);
  };
  add([](TcpOptions&) {});
  add([](TcpOptions& o) { o.mss = 536; });
  add([](TcpOptions& o) { o.window_scale = 14; });
  add([](TcpOptions& o) { o.sack_permitted = true; });
  add([](TcpOptions& o) { o.timestamps = Timestamps{0xfffffffe, 0x80000000}; });
  add([](TcpOptions& o) {
    o.mss = 8960;
    o.window_scale = 0;
    o.sack_permitted = true;
    o.timestamps = Timestamps{1, 0};
  });
  for (uint8_t n = 1; n <= 3; ++n) {
    add([n](TcpOptions& o) {
      o.timestamps = Timestamps{100, 200};
      o.sack_count = n;
      for (uint8_t k = 0; k < n; ++k) o.sack[k] = {1000u + 100u * k, 1050u + 100u * k};
    });
  }
  add([](TcpOptions& o) {
    o.sack_count = 4;
    for (uint8_t k = 0; k < 4; ++k) o.sack[k] = {0xfffffff0u + k, 0x10u + k};  // wrapping edges
  });
  for (const auto& opts : sets) {
    TcpHeader h;
    h.src_port = 40000;
    h.dst_port = 443;
    h.seq = 0xfffffff0;
    h.ack = 0x01020304;
    h.flags = tcp_flags::kAck | tcp_flags::kPsh;
    h.window = 65535;
    h.checksum = 0xbeef;
    h.urgent = 7;
    h.options = opts;
    Bytes out(h.wire_size() + 3);
    size_t n = h.serialize(out);
    ASSERT_EQ(n, h.wire_size());
    out[n] = 'a';
    out[n + 1] = 'b';
    out[n + 2] = 'c';
    auto v = TcpView::parse(out);
    ASSERT_TRUE(v.has_value()) << v.error();
    TcpHeader back = TcpHeader::from_view(*v);
    EXPECT_EQ(back.src_port, h.src_port);
    EXPECT_EQ(back.dst_port, h.dst_port);
    EXPECT_EQ(back.seq, h.seq);
    EXPECT_EQ(back.ack, h.ack);
    EXPECT_EQ(back.flags, h.flags);
    EXPECT_EQ(back.window, h.window);
    EXPECT_EQ(back.checksum, h.checksum);
    EXPECT_EQ(back.urgent, h.urgent);
    EXPECT_EQ(back.options, h.options) << "options of " << n << "-byte header";
    EXPECT_EQ(v->payload().size(), 3u);
  }
}

// A header whose options would not fit the 40-byte option space in the aligned
// layout still gets a data offset that matches what was written (it used to
// wrap the 4-bit field and corrupt the header).
TEST(TcpHeader, Rfc9293HeaderNeverExceedsSixtyBytes) {
  TcpHeader h;
  h.options.window_scale = 7;
  h.options.timestamps = Timestamps{1, 2};
  h.options.sack_count = 3;  // aligned: 4 + 12 + 28 = 44 option bytes
  Bytes out(64, 0xee);
  size_t n = h.serialize(out);
  EXPECT_EQ(n, 60u);
  EXPECT_EQ(out[12] >> 4, 15);
  auto v = TcpView::parse(std::span(out).first(n));
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_EQ(v->options(), h.options);
}

// An option walk written against RFC 9293 §3.2 alone (timestamps only; other
// kinds skipped by length), to check the NOP,NOP,TS fast paths against.
struct Walked {
  bool ok = false;      // a well-formed option list
  bool other = false;   // stopped at an MSS/WS/SACK option, not modelled here
  bool has_ts = false;
  Timestamps ts;
};
Walked walk_timestamps(std::span<const uint8_t> b) {
  Walked w;
  size_t i = 0;
  while (i < b.size()) {
    if (b[i] == 0) break;                   // EOL
    if (b[i] == 1) { ++i; continue; }       // NOP
    if (i + 1 >= b.size() || b[i + 1] < 2 || i + b[i + 1] > b.size()) return w;
    if (b[i] == 8) {
      if (b[i + 1] != 10) return w;
      w.has_ts = true;
      w.ts = Timestamps{base::load_be32(&b[i + 2]), base::load_be32(&b[i + 6])};
    } else if (b[i] >= 2 && b[i] <= 5) {
      w.other = true;
      w.ok = true;
      return w;
    }
    i += b[i + 1];
  }
  w.ok = true;
  return w;
}

// RFC 7323 Appendix A: TcpView::parse and TcpOptions::parse recognise exactly
// NOP,NOP,TS,10 in a 12-byte option field without the general walk; every
// near miss (one of the four leading bytes changed, the data offset one word
// longer) must come out as the general walk says.
TEST(TcpHeader, Rfc7323NopNopTimestampsFastPathMatchesTheWalk) {
  base::Rng rng(7323);
  int fast = 0;
  for (int rep = 0; rep < 20000; ++rep) {
    Bytes opts = {1, 1, 8, 10};
    for (int k = 0; k < 8; ++k) opts.push_back(static_cast<uint8_t>(rng.next_u32()));
    int mutate = static_cast<int>(rng.below(6));
    if (mutate < 4) opts[static_cast<size_t>(mutate)] = static_cast<uint8_t>(rng.below(12));
    if (mutate == 4) opts.insert(opts.end(), {1, 1, 1, 0});  // 16 bytes: the general path
    Walked want = walk_timestamps(opts);
    auto v = TcpView::parse(segment_with(opts));
    auto o = TcpOptions::parse(opts);
    SCOPED_TRACE(testing::Message() << "rep " << rep << " mutate " << mutate);
    if (!want.ok) {
      ASSERT_FALSE(v.has_value());
      ASSERT_FALSE(o.has_value());
      continue;
    }
    if (want.other) continue;
    ASSERT_TRUE(v.has_value()) << v.error();
    ASSERT_TRUE(o.has_value()) << o.error();
    std::optional<Timestamps> ts;
    if (want.has_ts) ts = want.ts;
    EXPECT_EQ(v->options().timestamps, ts);
    EXPECT_EQ(o->timestamps, ts);
    EXPECT_EQ(v->options(), *o);
    if (opts.size() == 12 && opts[0] == 1 && opts[1] == 1 && opts[2] == 8 && opts[3] == 10) ++fast;
  }
  EXPECT_GT(fast, 1000);  // the fast path itself was exercised
}

// The header can be written with options held elsewhere (the stack's path):
// the same bytes as with the options inside the header.
TEST(TcpHeader, SerializeWithOptionsArgumentMatchesMember) {
  base::Rng rng(9293);
  for (int rep = 0; rep < 2000; ++rep) {
    TcpHeader h;
    h.src_port = static_cast<uint16_t>(rng.next_u32());
    h.dst_port = static_cast<uint16_t>(rng.next_u32());
    h.seq = rng.next_u32();
    h.ack = rng.next_u32();
    h.flags = static_cast<uint8_t>(rng.next_u32());
    h.window = static_cast<uint16_t>(rng.next_u32());
    h.urgent = static_cast<uint16_t>(rng.next_u32());
    TcpOptions o;
    if (rng.chance(0.8)) o.timestamps = Timestamps{rng.next_u32(), rng.next_u32()};
    if (rng.chance(0.2)) o.mss = static_cast<uint16_t>(rng.next_u32());
    if (rng.chance(0.2)) { o.sack_count = 1; o.sack[0] = {rng.next_u32(), rng.next_u32()}; }
    std::array<uint8_t, 60> a{}, b{};
    TcpHeader with = h;
    with.options = o;
    size_t na = with.serialize(a);
    size_t nb = h.serialize(b, o);
    ASSERT_EQ(na, nb);
    ASSERT_EQ(na, with.wire_size());
    ASSERT_TRUE(std::equal(a.begin(), a.begin() + static_cast<ptrdiff_t>(na), b.begin())) << "rep " << rep;
  }
}

TEST(TcpHeader, FlagsToString) {
  using namespace tcp_flags;
  EXPECT_EQ(flags_to_string(0), "none");
  EXPECT_EQ(flags_to_string(kSyn), "SYN");
  EXPECT_EQ(flags_to_string(kSyn | kAck), "SYN,ACK");
  EXPECT_EQ(flags_to_string(kFin | kAck), "FIN,ACK");
  EXPECT_EQ(flags_to_string(kRst | kAck), "RST,ACK");
  EXPECT_EQ(flags_to_string(kPsh | kAck), "PSH,ACK");
  EXPECT_EQ(flags_to_string(kUrg), "URG");
  EXPECT_EQ(flags_to_string(kEce | kCwr), "ECE,CWR");
  EXPECT_EQ(flags_to_string(0xff), "SYN,FIN,RST,PSH,ACK,URG,ECE,CWR");
}

// RFC 9293 §3.1 and RFC 3168 §6.1: the control bits' positions in byte 13.
TEST(TcpHeader, Rfc9293FlagBitPositions) {
  using namespace tcp_flags;
  EXPECT_EQ(kFin, 0x01);
  EXPECT_EQ(kSyn, 0x02);
  EXPECT_EQ(kRst, 0x04);
  EXPECT_EQ(kPsh, 0x08);
  EXPECT_EQ(kAck, 0x10);
  EXPECT_EQ(kUrg, 0x20);
  EXPECT_EQ(kEce, 0x40);
  EXPECT_EQ(kCwr, 0x80);
}

}  // namespace
}  // namespace synack::wire
