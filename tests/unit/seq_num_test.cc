// SeqNum: modular comparison (RFC 9293 §3.4, RFC 1982) and the small containers
// built on it.
#include <gtest/gtest.h>

#include "base/interval_set.h"
#include "base/ring_buffer.h"
#include "base/seq_num.h"
#include "tcp/isn.h"

namespace synack::base {
namespace {

TEST(SeqNum, ComparisonWrapsAround_Rfc9293_3_4) {
  SeqNum a(0xfffffff0u), b(0x10u);
  EXPECT_TRUE(a.before(b));
  EXPECT_TRUE(b.after(a));
  EXPECT_EQ(b - a, 0x20);
  EXPECT_EQ(a - b, -0x20);
  EXPECT_EQ(a + 0x20u, b);
  EXPECT_TRUE(a.before_eq(a));
  EXPECT_FALSE(a.before(a));
}

TEST(SeqNum, InWindowAcrossWrap) {
  SeqNum lo(0xffffff00u);
  EXPECT_TRUE(SeqNum::in_window(SeqNum(0xffffff00u), lo, 0x200));
  EXPECT_TRUE(SeqNum::in_window(SeqNum(0x000000ffu), lo, 0x200));
  EXPECT_FALSE(SeqNum::in_window(SeqNum(0x00000100u), lo, 0x200));
  EXPECT_FALSE(SeqNum::in_window(SeqNum(0xfffffeffu), lo, 0x200));
  EXPECT_FALSE(SeqNum::in_window(lo, lo, 0));
}

TEST(SeqRangeSet, MergesOverlappingAndTouchingRanges) {
  SeqRangeSet<4> s;
  EXPECT_TRUE(s.insert(SeqNum(10), SeqNum(20)));
  EXPECT_TRUE(s.insert(SeqNum(30), SeqNum(40)));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_TRUE(s.insert(SeqNum(20), SeqNum(30)));  // touches both: one range
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0], (SeqRange{SeqNum(10), SeqNum(40)}));
  EXPECT_EQ(s.pop_front_at(SeqNum(10)), 30u);
  EXPECT_TRUE(s.empty());
}

TEST(SeqRangeSet, FullSetRefusesNewRangeButMergesExisting) {
  SeqRangeSet<2> s;
  EXPECT_TRUE(s.insert(SeqNum(0), SeqNum(5)));
  EXPECT_TRUE(s.insert(SeqNum(10), SeqNum(15)));
  EXPECT_FALSE(s.insert(SeqNum(20), SeqNum(25)));
  EXPECT_TRUE(s.insert(SeqNum(4), SeqNum(11)));
  EXPECT_EQ(s.size(), 1u);
  s.remove_before(SeqNum(7));
  EXPECT_EQ(s[0].begin, SeqNum(7));
}

TEST(ByteRing, WrapsAndGrowsKeepingDataWrittenAhead) {
  ByteRing r;
  r.reserve(8);
  std::vector<uint8_t> a(1000, 'a');
  r.append(a);
  r.consume(900);
  std::vector<uint8_t> b(500, 'b');
  r.append(b);  // wraps inside the 1024-byte ring
  std::vector<uint8_t> ahead(10, 'c');
  r.write_at(r.size() + 5, ahead);
  r.reserve(4000);  // growth must keep the bytes written ahead
  r.commit(15);
  std::vector<uint8_t> out(r.size());
  r.copy_out(0, out);
  EXPECT_EQ(out[0], 'a');
  EXPECT_EQ(out[99], 'a');
  EXPECT_EQ(out[100], 'b');
  EXPECT_EQ(out[599], 'b');
  EXPECT_EQ(out[605], 'c');
  EXPECT_EQ(out[614], 'c');
  r.consume(r.size());
  r.release_if_empty();
  EXPECT_EQ(r.capacity(), 0u);
}

TEST(ByteRing, PiecesAreTheBytesWhereTheyLie) {
  ByteRing r;
  r.reserve(8);  // 1024 bytes
  std::vector<uint8_t> a(1000);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i);
  r.append(a);
  r.consume(901);
  std::vector<uint8_t> b(501);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i * 7 + 1);
  r.append(b);  // 600 bytes from offset 901: wraps after 123 of them
  auto [first, second] = r.pieces(0, 600);
  EXPECT_EQ(first.size(), 123u);
  EXPECT_EQ(second.size(), 477u);
  std::vector<uint8_t> joined(first.begin(), first.end());
  joined.insert(joined.end(), second.begin(), second.end());
  std::vector<uint8_t> out(600);
  r.copy_out(0, out);
  EXPECT_EQ(joined, out);
  auto [inside, none] = r.pieces(10, 50);  // before the wrap: one piece
  EXPECT_EQ(inside.size(), 50u);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(inside[0], static_cast<uint8_t>(911));
  auto [empty1, empty2] = r.pieces(0, 0);
  EXPECT_TRUE(empty1.empty());
  EXPECT_TRUE(empty2.empty());
}

}  // namespace
}  // namespace synack::base

namespace synack::tcp {
namespace {

const wire::FourTuple kT{{wire::Ipv4Addr(10, 0, 0, 1), 1234}, {wire::Ipv4Addr(10, 0, 0, 2), 80}};

TEST(Isn, Rfc6528ClockComponentTicksEvery4Microseconds) {
  Rfc6528Isn g(Rfc6528Isn::key_from_seed(1));
  auto t0 = base::Instant::from_micros(1000);
  EXPECT_EQ(g.generate(t0 + base::Duration::micros(400), kT) - g.generate(t0, kT), 100);  // MUST-8
}

TEST(Isn, Rfc6528DependsOnTupleAndSecret) {
  Rfc6528Isn g1(Rfc6528Isn::key_from_seed(1)), g2(Rfc6528Isn::key_from_seed(2));
  auto t = base::Instant::from_micros(5);
  wire::FourTuple other = kT;
  other.local.port = 1235;
  EXPECT_NE(g1.generate(t, kT), g1.generate(t, other));   // SHLD-1: F(4-tuple, key)
  EXPECT_NE(g1.generate(t, kT), g2.generate(t, kT));       // MUST-9: keyed
  EXPECT_EQ(g1.generate(t, kT), g1.generate(t, kT));
  auto k1 = Rfc6528Isn::random_key(), k2 = Rfc6528Isn::random_key();
  EXPECT_NE(k1, k2);
}

}  // namespace
}  // namespace synack::tcp

namespace synack::base {
namespace {
TEST(ByteRing, DataWrittenAheadSurvivesDrainingTheHead) {
  ByteRing r;
  r.reserve(64);
  std::vector<uint8_t> in(10, 'a'), ahead(5, 'z');
  r.append(in);
  r.write_at(20, ahead);  // out-of-order bytes 10 past the end
  r.consume(10);          // the reader drains everything in order
  std::vector<uint8_t> fill(10, 'b');
  r.append(fill);
  r.commit(5);
  std::vector<uint8_t> out(15);
  r.copy_out(0, out);
  EXPECT_EQ(out[9], 'b');
  EXPECT_EQ(out[10], 'z');
  EXPECT_EQ(out[14], 'z');
}
}  // namespace
}  // namespace synack::base
