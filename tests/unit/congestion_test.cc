// Congestion control algorithms on their own: RFC 5681 (NewReno) and RFC 9438 (CUBIC).
#include <gtest/gtest.h>

#include <cmath>

#include "tcp/congestion.h"

namespace synack::tcp {
namespace {

using base::Duration;
using base::Instant;
constexpr uint32_t kMss = 1000;

// Grow cwnd in slow start to about `segments` segments, then cut it once.
void slow_start_to(CongestionControl& cc, uint32_t segments, CubicState* cubic) {
  Instant t = Instant::from_micros(0);
  while (cc.cwnd() < segments * kMss) cc.on_ack(t, kMss, kMss, Duration::millis(100), cubic);
}

TEST(Congestion, InitialWindow_Rfc6928) {
  EXPECT_EQ(initial_window(1460), 14600u);
  EXPECT_EQ(initial_window(536), 5360u);
  EXPECT_EQ(initial_window(9000), 18000u);
}

TEST(Congestion, SlowStartCountsUpToTwoSegmentsPerAck_Rfc3465_2_2) {
  CongestionControl cc;
  cc.init(kMss);
  const Instant t = Instant::from_micros(0);
  const uint32_t iw = cc.cwnd();
  cc.on_ack(t, kMss / 2, kMss, Duration::millis(100), nullptr);
  EXPECT_EQ(cc.cwnd(), iw + kMss / 2);  // N < L: the bytes acknowledged
  cc.on_ack(t, 2 * kMss, kMss, Duration::millis(100), nullptr);
  EXPECT_EQ(cc.cwnd(), iw + kMss / 2 + 2 * kMss);  // a delayed ACK of two segments: both count
  cc.on_ack(t, 5 * kMss, kMss, Duration::millis(100), nullptr);
  EXPECT_EQ(cc.cwnd(), iw + kMss / 2 + 4 * kMss);  // capped at L = 2*SMSS
}

TEST(Congestion, SlowStartAfterTimeoutCountsOneSegmentPerAck_Rfc3465_2_3) {
  CongestionControl cc;
  cc.init(kMss);
  const Instant t = Instant::from_micros(0);
  cc.on_rto(20 * kMss, kMss, /*first_timeout=*/true, nullptr);
  ASSERT_EQ(cc.cwnd(), kMss);
  ASSERT_TRUE(cc.in_slow_start());
  // An ACK after the retransmission may cover much the receiver had queued:
  // L = 1*SMSS here, or the sender would burst.
  cc.on_ack(t, 8 * kMss, kMss, Duration::millis(100), nullptr);
  EXPECT_EQ(cc.cwnd(), 2 * kMss);
}

TEST(Congestion, NewRenoHalvesOnLossAndGrowsOneSegmentPerWindow_Rfc5681_3) {
  CongestionControl cc;
  CubicState* newreno = nullptr;
  cc.init(kMss);
  slow_start_to(cc, 40, newreno);
  cc.on_enter_recovery(40 * kMss, kMss, newreno, /*sack=*/true);
  EXPECT_EQ(cc.ssthresh(), 20 * kMss);  // FlightSize / 2
  EXPECT_EQ(cc.cwnd(), 20 * kMss);
  Instant t = Instant::from_micros(0);
  for (int i = 0; i < 20; ++i) cc.on_ack(t, kMss, kMss, Duration::millis(100), newreno);  // one window
  EXPECT_EQ(cc.cwnd(), 21 * kMss);
  cc.on_rto(21 * kMss, kMss, true, newreno);
  EXPECT_EQ(cc.cwnd(), kMss);  // the loss window
  EXPECT_EQ(cc.ssthresh(), 10500u);
}

TEST(Congestion, CubicReducesByBetaAndReturnsToWmaxAfterK_Rfc9438_4) {
  CongestionControl cc;
  CubicState state;
  CubicState* cubic = &state;
  cc.init(kMss);
  slow_start_to(cc, 100, cubic);
  cc.on_enter_recovery(100 * kMss, kMss, cubic, /*sack=*/true);
  EXPECT_EQ(cc.cwnd(), 70 * kMss);  // β_cubic = 0.7 (§4.6)
  cc.on_exit_recovery(70 * kMss, kMss);
  // K = cbrt((W_max - cwnd_epoch) / C) = cbrt(30 / 0.4) ≈ 4.22 s (eq. 2).
  const double k = std::cbrt(30.0 / 0.4);
  Duration rtt = Duration::millis(100);
  Instant t = Instant::from_micros(1'000'000);
  auto run_until = [&](double secs) {
    // One window of ACKs per RTT.
    while (t < Instant::from_micros(1'000'000 + static_cast<int64_t>(secs * 1e6))) {
      uint32_t per_rtt = cc.cwnd() / kMss;
      for (uint32_t i = 0; i < per_rtt; ++i) cc.on_ack(t, kMss, kMss, rtt, cubic);
      t += rtt;
    }
  };
  run_until(k / 2);
  double mid = cc.cwnd() / double(kMss);
  EXPECT_GT(mid, 85.0);   // concave: most of the way back quickly...
  EXPECT_LT(mid, 100.0);  // ...but not past W_max yet
  run_until(k);
  EXPECT_NEAR(cc.cwnd() / double(kMss), 100.0, 4.0);  // plateau around W_max at t = K
  run_until(2 * k);
  EXPECT_GT(cc.cwnd() / double(kMss), 110.0);  // convex: probing beyond W_max
}

TEST(Congestion, CubicFastConvergence_Rfc9438_4_7) {
  CongestionControl cc;
  CubicState state;
  CubicState* cubic = &state;
  cc.init(kMss);
  slow_start_to(cc, 100, cubic);
  cc.on_enter_recovery(100 * kMss, kMss, cubic, true);  // W_max = 100
  cc.on_exit_recovery(70 * kMss, kMss);
  // A second loss before regaining W_max: W_max shrinks to cwnd (1 + β) / 2.
  Instant t = Instant::from_micros(0);
  for (int i = 0; i < 10; ++i) cc.on_ack(t, kMss, kMss, Duration::millis(100), cubic);
  uint32_t before = cc.cwnd();
  cc.on_enter_recovery(before, kMss, cubic, true);
  EXPECT_EQ(cc.cwnd(), static_cast<uint32_t>(before * 0.7));
}

TEST(Congestion, RestartAfterIdleClampsToInitialWindow_Rfc5681_4_1) {
  CongestionControl cc;
  CubicState* newreno = nullptr;
  cc.init(kMss);
  slow_start_to(cc, 50, newreno);
  cc.on_idle_restart(kMss, newreno);
  EXPECT_EQ(cc.cwnd(), initial_window(kMss));
}

}  // namespace
}  // namespace synack::tcp
