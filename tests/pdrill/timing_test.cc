#include "pdrill/timing.h"

#include <gtest/gtest.h>

#include "helpers.h"

namespace synack::pdrill {
namespace {

EventTiming timing_of(std::string_view line, int64_t base, Tolerance tol = {}) {
  auto s = testing::parse("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n" + std::string(line) + "\n");
  EXPECT_EQ(s.events.size(), 2u);
  return resolve_timing(s.events.back().time, base, tol);
}

TEST(Tolerance, IsTheLargerOfAbsoluteAndPercent) {
  EXPECT_EQ(tolerance_for({4000, 12.5}, 10'000), 4000);
  EXPECT_EQ(tolerance_for({4000, 12.5}, 2'000'000), 250'000);
  EXPECT_EQ(tolerance_for({150'000, 5}, 2'200'000), 150'000);
  EXPECT_EQ(tolerance_for({75'000, 5}, 2'200'000), 110'000);
}

TEST(Timing, RelativeTimesAddToTheBase) {
  EventTiming t = timing_of("+0.1 > S 0:0(0) <...>", 1'000'000);
  EXPECT_FALSE(t.any);
  EXPECT_EQ(t.start, 1'100'000);
  EXPECT_EQ(t.end, 1'100'000);
  EXPECT_EQ(t.tolerance, 12'500);  // 12.5 % of 0.1 s beats 4 ms
  EXPECT_EQ(t.lo(), 1'087'500);
  EXPECT_EQ(t.hi(), 1'112'500);
}

TEST(Timing, AbsoluteTimesIgnoreTheBase) {
  EventTiming t = timing_of("2.000 > S 0:0(0) <...>", 1'000'000, {10'000, 0});
  EXPECT_EQ(t.start, 2'000'000);
  EXPECT_EQ(t.tolerance, 10'000);
}

TEST(Timing, RangesAndAnyTime) {
  EventTiming r = timing_of("+0.1~+0.3 > . 1:1(0) ack 1", 0, {1000, 0});
  EXPECT_EQ(r.start, 100'000);
  EXPECT_EQ(r.end, 300'000);
  EXPECT_EQ(r.lo(), 99'000);
  EXPECT_EQ(r.hi(), 301'000);
  EXPECT_TRUE(timing_of("* > . 1:1(0) ack 1", 5).any);
}

TEST(Timing, BlockingEndUsesTheSameBase) {
  EventTiming t = timing_of("+.1...0.200 read(4, ..., 2000) = 2000", 1'000'000, {1000, 0});
  EXPECT_EQ(t.start, 1'100'000);
  EXPECT_EQ(t.end, 1'200'000);
  EXPECT_EQ(t.end_lo(), 1'199'000);
}

}  // namespace
}  // namespace synack::pdrill
