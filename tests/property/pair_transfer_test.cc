// Two connections over a lossy, duplicating, reordering path: 1 MiB each way,
// byte-exact, both ends CLOSED, every state change legal (RFC 9293 Figure 5).
#include <gtest/gtest.h>

#include "common/bulk_app.h"
#include "common/conn_pair.h"

namespace synack::testing {
namespace {

struct Outcome {
  bool done = false;
  std::string problem;
  uint64_t a_got = 0, b_got = 0;
};

Outcome run_pair(uint64_t seed, PathParams path, uint64_t bytes) {
  tcp::Config cfg;
  ConnPair p(cfg, seed, path);
  EXPECT_TRUE(p.b().listen().has_value());
  EXPECT_TRUE(p.a().connect(p.now()).has_value());
  BulkApp app_a(bytes, 1, 2), app_b(bytes, 2, 1);
  auto done = [&] {
    app_a.pump(p.a(), p.now());
    app_b.pump(p.b(), p.now());
    return p.a().state() == tcp::State::Closed && p.b().state() == tcp::State::Closed;
  };
  Outcome o;
  o.done = p.run_until(done, 20'000'000);
  o.problem = !app_a.problem().empty() ? app_a.problem() : app_b.problem();
  if (p.overflowed()) o.problem = "path overflow";
  if (p.a().error()) o.problem += " a: " + std::string(to_string(*p.a().error()));
  if (p.b().error()) o.problem += " b: " + std::string(to_string(*p.b().error()));
  o.a_got = app_a.received();
  o.b_got = app_b.received();
  return o;
}

TEST(PairTransfer, OneMiBBothWaysCleanPath) {
  auto o = run_pair(1, {}, 1 << 20);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.problem, "");
  EXPECT_EQ(o.a_got, 1u << 20);
  EXPECT_EQ(o.b_got, 1u << 20);
}

class PairSeeds : public ::testing::TestWithParam<uint64_t> {};

TEST_P(PairSeeds, OneMiBBothWaysOverLossyPath) {
  uint64_t seed = GetParam();
  PathParams path;
  path.loss = 0.005 + 0.10 * static_cast<double>(seed % 5) / 4.0;  // 0.5% .. 10.5%
  path.duplicate = 0.02;
  path.jitter = Duration::millis(static_cast<int64_t>(seed % 3) * 5);  // reordering
  auto o = run_pair(seed, path, 1 << 20);
  EXPECT_TRUE(o.done) << "seed " << seed << " did not finish; " << o.problem;
  EXPECT_EQ(o.problem, "") << "seed " << seed;
  EXPECT_EQ(o.a_got, 1u << 20) << "seed " << seed;
  EXPECT_EQ(o.b_got, 1u << 20) << "seed " << seed;
}

INSTANTIATE_TEST_SUITE_P(Seeds, PairSeeds, ::testing::Range<uint64_t>(0, 40));

}  // namespace
}  // namespace synack::testing
