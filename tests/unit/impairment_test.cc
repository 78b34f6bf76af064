// link::Impairment: seeded, per-direction faults on any Link.
#include "link/impairment.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

namespace synack {
namespace {

// A loopback: what is sent can be received.
class QueueLink final : public link::Link {
 public:
  void send(base::Instant, base::Bytes p) override { q.emplace_back(p.begin(), p.end()); }
  std::optional<size_t> receive(base::Instant, base::MutBytes buf) override {
    if (q.empty()) return std::nullopt;
    auto p = std::move(q.front());
    q.pop_front();
    std::copy(p.begin(), p.end(), buf.begin());
    return p.size();
  }
  std::deque<std::vector<uint8_t>> q;
};

std::vector<std::vector<uint8_t>> run(const link::ImpairmentConfig& cfg, int packets) {
  QueueLink inner;
  link::Impairment imp(inner, cfg);
  for (int i = 0; i < packets; ++i) {
    uint8_t p[4] = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8), 0xaa, 0x55};
    imp.send(base::Instant::zero(), p);
  }
  std::vector<std::vector<uint8_t>> out;
  uint8_t buf[16];
  while (auto n = imp.receive(base::Instant::zero(), buf)) out.emplace_back(buf, buf + *n);
  return out;
}

TEST(Impairment, NoFaultsIsTransparent) {
  auto out = run({}, 100);
  ASSERT_EQ(out.size(), 100u);
  EXPECT_EQ(out[42][0], 42);
}

TEST(Impairment, LossRateIsRoughlyRightInBothDirections) {
  link::ImpairmentConfig c;
  c.loss = 0.1;
  c.seed = 3;
  auto out = run(c, 10000);
  // Two independent 10% losses: about 81% survive.
  EXPECT_NEAR(static_cast<double>(out.size()) / 10000, 0.81, 0.02);
}

TEST(Impairment, SameSeedSameFaults) {
  link::ImpairmentConfig c;
  c.loss = 0.2;
  c.duplicate = 0.1;
  c.corrupt = 0.1;
  c.seed = 11;
  EXPECT_EQ(run(c, 500), run(c, 500));
  c.seed = 12;
  auto other = run(c, 500);
  c.seed = 11;
  EXPECT_NE(run(c, 500), other);
}

TEST(Impairment, DuplicatesAndCorruptsOneBit) {
  link::ImpairmentConfig c;
  c.duplicate = 1.0;
  c.inbound = false;
  auto out = run(c, 10);
  EXPECT_EQ(out.size(), 20u);
  c = {};
  c.corrupt = 1.0;
  c.outbound = false;
  out = run(c, 50);
  ASSERT_EQ(out.size(), 50u);
  for (size_t i = 0; i < out.size(); ++i) {
    uint8_t orig[4] = {static_cast<uint8_t>(i), 0, 0xaa, 0x55};
    int bits = 0;
    for (int k = 0; k < 4; ++k) bits += __builtin_popcount(out[i][k] ^ orig[k]);
    EXPECT_EQ(bits, 1);
  }
}

}  // namespace
}  // namespace synack
