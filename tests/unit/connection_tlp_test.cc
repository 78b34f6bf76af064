// Tail loss probe (RFC 8985 §7): when to probe, what the probe carries, and
// what the ACK of a probe that repeated the last segment tells (§7.4).
#include "unit/connection_harness.h"

namespace synack::tcp::testing {
namespace {

using base::Duration;

constexpr uint32_t kMss = 1448;  // 1460 less the timestamps option
uint32_t seq(int i) { return 101u + kMss * static_cast<uint32_t>(i); }

// Active open with SACK and timestamps and a 10 ms first RTT sample: SRTT 10
// ms, RTO max(10 + 4*5, rto_min) = rto_min.
void establish(Harness& h) {
  h.connect();
  Sent syn = h.expect(seg::syn(100));
  h.advance(Duration::millis(10));
  h.inject(seg::syn_ack(300, 101).mss(1460).ts(5000, syn.seg.options.timestamps->val).sack_ok());
  h.expect(seg::ack(101, 301));
  ASSERT_TRUE(h.conn().sack_enabled());
  ASSERT_EQ(h.conn().rtt().srtt(), Duration::millis(10));
}

void send(Harness& h, size_t n) {
  std::string d(n, 'a');
  ASSERT_EQ(h.conn().send(h.now(), base::as_bytes(d.data(), d.size())).value(), n);
}

// Queue n bytes and check that they leave as `segments` segments at once.
void send_flight(Harness& h, size_t n, size_t segments) {
  send(h, n);
  ASSERT_EQ(h.drain().size(), segments);
}

TEST(LossProbe, RepeatsTheLastSegmentAfterTwoRtts_Rfc8985_7_2_7_3) {
  Harness h(Config{}, 100);
  establish(h);
  send_flight(h, 3 * kMss, 3u);
  // PTO = 2*SRTT (plus 2 ms of timer slack) for a flight of several segments.
  h.advance(Duration::millis(21));
  h.expect_nothing();
  h.advance(Duration::millis(2));
  h.expect(seg::data(seq(2), 301, kMss).psh().rexmit());  // the last segment, again
  EXPECT_EQ(h.conn().counters().loss_probes, 1u);
  EXPECT_EQ(h.conn().counters().timeouts, 0u);
  EXPECT_EQ(h.conn().congestion().cwnd(), 10u * kMss);  // a probe changes no window
  // Then the RTO, not a second probe, guards the flight (§7.3).
  h.advance(Duration::millis(198));  // the probe went 1 ms ago
  h.expect_nothing();
  h.advance(Duration::millis(2));
  h.expect(seg::data(seq(0), 301, kMss).rexmit());
  EXPECT_EQ(h.conn().counters().timeouts, 1u);
  EXPECT_EQ(h.conn().counters().loss_probes, 1u);
}

TEST(LossProbe, WaitsForADelayedAckWhenOneSegmentIsInFlight_Rfc8985_7_2) {
  Config cfg;
  cfg.rto_min = Duration::millis(300);  // so the PTO (2*SRTT + 200 ms) comes first
  Harness h(cfg, 100);
  establish(h);
  send(h, 100);
  h.expect(seg::data(seq(0), 301, 100).psh());
  h.advance(Duration::millis(219));
  h.expect_nothing();
  h.advance(Duration::millis(2));
  h.expect(seg::data(seq(0), 301, 100).psh().rexmit());
  EXPECT_EQ(h.conn().counters().loss_probes, 1u);
  EXPECT_EQ(h.conn().counters().timeouts, 0u);
}

TEST(LossProbe, SendsNewDataWhenTheCongestionWindowHoldsItBack_Rfc8985_7_3) {
  Harness h(Config{}, 100);
  establish(h);
  send_flight(h, 12 * kMss, 10u);  // the initial window (RFC 6928)
  h.advance(Duration::millis(23));
  // The next unsent segment, past the congestion window, which the probe ignores.
  h.expect(seg::data(seq(10), 301, kMss));
  h.expect_nothing();
  EXPECT_EQ(h.conn().counters().loss_probes, 1u);
  EXPECT_EQ(h.conn().counters().retransmits, 0u);
  EXPECT_EQ(h.conn().snd().max, SeqNum(seq(11)));
}

TEST(LossProbe, RepeatsALostFin_Rfc8985_7_3) {
  Config cfg;
  cfg.rto_min = Duration::millis(300);
  Harness h(cfg, 100);
  establish(h);
  send(h, 100);
  ASSERT_TRUE(h.conn().close(h.now()).has_value());
  h.expect(seg::data(seq(0), 301, 100).psh().fin());
  h.inject(seg::ack(301, seq(0) + 100).ts(5001, 1));  // the data arrived, the FIN did not
  h.advance(Duration::millis(240));
  h.expect(seg::fin_ack(seq(0) + 100, 301).rexmit());
  EXPECT_EQ(h.conn().counters().loss_probes, 1u);
  EXPECT_EQ(h.conn().counters().timeouts, 0u);
}

TEST(LossProbe, NotWithoutSack_Rfc8985_7_2) {
  Harness h(Config{}, 100);
  h.establish_active(300);  // the peer offers no SACK
  send_flight(h, 3 * 1460, 3u);
  h.advance(h.conn().rtt().rto() - Duration::millis(1));
  h.expect_nothing();
  h.advance(Duration::millis(2));
  h.expect(seg::data(101, 301, 1460).rexmit());  // the RTO's go-back, no probe before it
  EXPECT_EQ(h.conn().counters().loss_probes, 0u);
  EXPECT_EQ(h.conn().counters().timeouts, 1u);
}

TEST(LossProbe, CanBeSwitchedOff) {
  Config cfg;
  cfg.tail_loss_probe = false;
  Harness h(cfg, 100);
  establish(h);
  send_flight(h, 3 * kMss, 3u);
  h.advance(Duration::millis(199));
  h.expect_nothing();
  h.advance(Duration::millis(2));
  h.expect(seg::data(seq(0), 301, kMss).rexmit());
  EXPECT_EQ(h.conn().counters().loss_probes, 0u);
}

TEST(LossProbe, NotOnceThePeerHasSackedData_Rfc8985_7_2) {
  Harness h(Config{}, 100);
  establish(h);
  send_flight(h, 4 * kMss, 4u);
  // Segment 0 is missing; 1 arrived. The scoreboard, not a probe, handles this.
  h.inject(seg::ack(301, seq(0)).ts(5001, 1).sack(seq(1), seq(2)));
  h.advance(Duration::millis(100));
  h.expect_nothing();
  EXPECT_EQ(h.conn().counters().loss_probes, 0u);
}

// Sends three segments, lets the PTO repeat the last one and ACKs all of it.
// Returns with the probe's episode open (§7.4: an ACK of exactly TLP.end_seq
// does not yet tell whether the probe repaired a loss).
void probe_and_ack(Harness& h, bool dsack) {
  send_flight(h, 3 * kMss, 3u);
  h.advance(Duration::millis(23));
  h.expect(seg::data(seq(2), 301, kMss).psh().rexmit());
  auto ack = seg::ack(301, seq(3)).ts(5001, 1);
  if (dsack) ack.sack(seq(2), seq(3));  // RFC 2883: the probe was a duplicate
  h.inject(ack);
}

TEST(LossProbe, AckBeyondTheRepairedTailReducesTheWindow_Rfc8985_7_4) {
  Harness h(Config{}, 100);
  establish(h);
  probe_and_ack(h, /*dsack=*/false);
  uint32_t cwnd = h.conn().congestion().cwnd();
  EXPECT_EQ(h.conn().congestion().ssthresh(), 0xffffffffu);
  send(h, kMss);
  h.expect(seg::data(seq(3), 301, kMss).psh());
  h.inject(seg::ack(301, seq(4)).ts(5002, 1));
  // No D-SACK came: the probe filled a hole. A loss: the window shrinks.
  EXPECT_EQ(h.conn().counters().loss_probe_recoveries, 1u);
  EXPECT_NE(h.conn().congestion().ssthresh(), 0xffffffffu);
  EXPECT_LT(h.conn().congestion().cwnd(), cwnd);
  EXPECT_EQ(h.conn().counters().timeouts, 0u);
}

TEST(LossProbe, DsackForTheProbeMeansNoLoss_Rfc8985_7_4) {
  Harness h(Config{}, 100);
  establish(h);
  probe_and_ack(h, /*dsack=*/true);
  send(h, kMss);
  h.expect(seg::data(seq(3), 301, kMss).psh());
  h.inject(seg::ack(301, seq(4)).ts(5002, 1));
  EXPECT_EQ(h.conn().counters().loss_probe_recoveries, 0u);
  EXPECT_EQ(h.conn().congestion().ssthresh(), 0xffffffffu);  // no reduction
}

TEST(LossProbe, AProbeOfNewDataOpensNoEpisode_Rfc8985_7_4) {
  Harness h(Config{}, 100);
  establish(h);
  send_flight(h, 12 * kMss, 10u);
  h.advance(Duration::millis(23));
  h.expect(seg::data(seq(10), 301, kMss));
  h.inject(seg::ack(301, seq(11)).ts(5001, 1));
  h.drain();
  h.inject(seg::ack(301, seq(12)).ts(5002, 1));
  EXPECT_EQ(h.conn().counters().loss_probe_recoveries, 0u);
  EXPECT_EQ(h.conn().congestion().ssthresh(), 0xffffffffu);
}

TEST(LossProbe, SackOfTheProbeMarksWhatWasSentBeforeItLost_Rfc8985_6_2_7) {
  // The whole tail of three segments is lost. The probe (the last one again)
  // arrives and is SACKed above the hole: fewer than DupThresh segments are
  // SACKed, but what was sent before the probe, two round trips ago, is lost
  // by RACK's time order. Recovery repairs it without the RTO.
  Harness h(Config{}, 100);
  establish(h);
  send_flight(h, 3 * kMss, 3u);
  h.advance(Duration::millis(23));
  h.expect(seg::data(seq(2), 301, kMss).psh().rexmit());
  h.inject(seg::ack(301, seq(0)).ts(5001, 1).sack(seq(2), seq(3)));
  h.expect(seg::data(seq(0), 301, kMss).rexmit());
  auto rest = h.drain();
  if (rest.empty()) {
    h.inject(seg::ack(301, seq(1)).ts(5002, 1).sack(seq(2), seq(3)));
    rest = h.drain();
  }
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].seg.seq, SeqNum(seq(1)));
  EXPECT_EQ(rest[0].payload.size(), kMss);
  h.inject(seg::ack(301, seq(3)).ts(5003, 1));
  EXPECT_EQ(h.conn().snd().una, SeqNum(seq(3)));
  EXPECT_EQ(h.conn().counters().timeouts, 0u);
  EXPECT_EQ(h.conn().counters().fast_retransmits, 1u);
  EXPECT_EQ(h.conn().counters().loss_probes, 1u);
}

}  // namespace
}  // namespace synack::tcp::testing
