// Segment::parse (the stack's input path) accepts and rejects exactly what
// wire::TcpView::parse does, with the same error, and yields the Segment that
// Segment::from_view builds from the view.
#include <gtest/gtest.h>

#include <vector>

#include "base/rng.h"
#include "tcp/segment.h"

namespace synack::tcp {
namespace {

void expect_same(const Segment& a, const Segment& b) {
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.ack, b.ack);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(a.wnd, b.wnd);
  EXPECT_EQ(a.urg, b.urg);
  EXPECT_TRUE(a.options == b.options);
  EXPECT_EQ(a.payload.data(), b.payload.data());
  EXPECT_EQ(a.payload.size(), b.payload.size());
}

// Option bytes built from pieces: well-formed options and malformed lengths.
std::vector<uint8_t> random_options(base::Rng& rng) {
  static const std::vector<std::vector<uint8_t>> kPieces = {
      {1}, {0}, {1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 9}, {8, 10, 1, 2, 3, 4, 5, 6, 7, 8},
      {2, 4, 5, 0xb4}, {3, 3, 7}, {4, 2}, {5, 10, 0, 0, 1, 0, 0, 0, 2, 0},
      {5, 18, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0}, {2, 3, 1}, {8, 9},
      {5, 7, 1, 2, 3, 4, 5}, {77, 3, 0xff}, {9, 1}, {9, 0}, {9}};
  std::vector<uint8_t> o;
  if (rng.chance(0.4)) return {1, 1, 8, 10, 0, 0, 1, 0, 0, 0, 2, 0};  // the predicted layout
  size_t n = rng.below(5);
  for (size_t i = 0; i < n; ++i) {
    const auto& p = kPieces[rng.below(kPieces.size())];
    o.insert(o.end(), p.begin(), p.end());
  }
  while (o.size() % 4 != 0 && rng.chance(0.9)) o.push_back(0);
  if (o.size() > 40) o.resize(40);
  return o;
}

TEST(SegmentParse, AgreesWithTcpView) {
  base::Rng rng(42);
  int accepted = 0, rejected = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> opts = random_options(rng);
    std::vector<uint8_t> b(20 + opts.size() + rng.below(40));
    for (auto& x : b) x = static_cast<uint8_t>(rng.below(256));
    std::copy(opts.begin(), opts.end(), b.begin() + 20);
    size_t words = (20 + opts.size() + 3) / 4;
    b[12] = static_cast<uint8_t>((rng.chance(0.9) ? words : rng.below(16)) << 4);
    std::span<const uint8_t> bytes(b.data(), rng.chance(0.05) ? rng.below(b.size()) : b.size());
    auto view = wire::TcpView::parse(bytes);
    auto seg = Segment::parse(bytes);
    ASSERT_EQ(view.has_value(), seg.has_value()) << "case " << i;
    if (!view) {
      EXPECT_EQ(view.error(), seg.error()) << "case " << i;
      ++rejected;
      continue;
    }
    expect_same(*seg, Segment::from_view(*view));
    ++accepted;
  }
  EXPECT_GT(accepted, 5000);  // both outcomes, many times
  EXPECT_GT(rejected, 2000);
}

}  // namespace
}  // namespace synack::tcp
