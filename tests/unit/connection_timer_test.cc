// Retransmission and timeouts: RFC 6298, RFC 9293 §3.8.1-3.8.3, RFC 5681 §3.2.
#include "unit/connection_harness.h"

namespace synack::tcp::testing {
namespace {

using base::Duration;

TEST(Timers, SynIsRetransmittedWithExponentialBackoff_Rfc6298_5_5) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.advance(Duration::millis(999));
  h.expect_nothing();
  h.advance(Duration::millis(2));  // initial RTO 1 s (RFC 6298 §2.1)
  h.expect(seg::syn(100).rexmit());
  h.advance(Duration::millis(1998));
  h.expect_nothing();
  h.advance(Duration::millis(3));  // then 2 s
  h.expect(seg::syn(100).rexmit());
  EXPECT_EQ(h.conn().counters().timeouts, 2u);
}

TEST(Timers, SynGivesUpAfterR2_Rfc9293_3_8_3_MUST23) {
  Harness h(Config{}, 100);
  h.connect();
  h.drain();
  h.advance(Duration::seconds(170));
  h.expect_state(State::SynSent);  // R2 for a SYN is at least 3 minutes
  h.advance(Duration::seconds(200));
  h.expect_state(State::Closed);
  EXPECT_EQ(h.conn().error(), Error::ConnectionTimedOut);
  bool closed = false;
  for (auto& e : h.events())
    if (e.kind == EventKind::Closed) closed = e.error == Error::ConnectionTimedOut;
  EXPECT_TRUE(closed);
}

TEST(Timers, UserTimeoutEndsTheConnection_Rfc9293_3_8_3_MUST21) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().set_user_timeout(Duration::seconds(5));
  std::string d(100, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  h.drain();
  h.advance(Duration::seconds(4));
  h.expect_state(State::Established);
  h.advance(Duration::seconds(10));
  h.expect_state(State::Closed);
  EXPECT_EQ(h.conn().error(), Error::ConnectionTimedOut);
}

TEST(Timers, DeliveryTroubleIsReportedAfterR1_Rfc9293_3_8_3_SHLD9) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  std::string d(100, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  h.drain();
  h.events();
  h.advance(Duration::seconds(5));
  bool trouble = false;
  for (auto& e : h.events()) trouble |= e.kind == EventKind::DeliveryTrouble;
  EXPECT_TRUE(trouble);
  h.expect_state(State::Established);
}

TEST(Timers, RttSampleSetsRto_Rfc6298_2_2) {
  Config cfg;
  cfg.rto_min = Duration::millis(1);
  Harness h(cfg, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.advance(Duration::millis(100));
  h.inject(seg::syn_ack(300, 101));
  h.expect(seg::ack(101, 301));
  // First measurement R: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4*RTTVAR = 3R.
  EXPECT_EQ(h.conn().rtt().srtt(), Duration::millis(100));
  EXPECT_EQ(h.conn().rtt().rttvar(), Duration::millis(50));
  EXPECT_EQ(h.conn().rtt().rto(), Duration::millis(300));
}

TEST(Timers, RtoIsClampedToTheMinimum_Rfc6298_2_4) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.advance(Duration::millis(10));
  h.inject(seg::syn_ack(300, 101));
  EXPECT_EQ(h.conn().rtt().rto(), Duration::millis(200));
}

TEST(Timers, KarnRetransmittedSynIsNotSampled_Rfc6298_3) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.advance(Duration::millis(1001));
  h.expect(seg::syn(100).rexmit());
  h.advance(Duration::millis(10));
  h.inject(seg::syn_ack(300, 101));
  EXPECT_FALSE(h.conn().rtt().has_sample());
}

TEST(Timers, DataRetransmissionGoesBackToSndUna_Rfc6298_5_4) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  std::string d(3000, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  h.expect(seg::data(101, 301, 1460));
  h.expect(seg::data(1561, 301, 1460));
  h.expect(seg::data(3021, 301, 80).psh());
  h.inject(seg::ack(301, 1561));
  h.advance(h.conn().rtt().rto() + Duration::millis(1));
  h.expect(seg::data(1561, 301, 1460).rexmit());  // the loss window is one segment
  h.expect_nothing();
  EXPECT_EQ(h.conn().congestion().cwnd(), 1460u);  // RFC 5681 §3.1: LW = 1 SMSS
  h.inject(seg::ack(301, 3021));
  h.expect(seg::data(3021, 301, 80).psh().rexmit());
}

TEST(Timers, ThreeDuplicateAcksTriggerFastRetransmit_Rfc5681_3_2) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  std::string d(1460 * 6, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  EXPECT_EQ(h.drain().size(), 6u);
  h.inject(seg::ack(301, 1561));  // first segment arrived
  h.drain();
  for (int i = 0; i < 2; ++i) h.inject(seg::ack(301, 1561));
  h.expect_nothing();  // nothing new to send: limited transmit has no data
  h.inject(seg::ack(301, 1561));  // third duplicate
  h.expect(seg::data(1561, 301, 1460).rexmit());
  EXPECT_EQ(h.conn().counters().fast_retransmits, 1u);
  EXPECT_EQ(h.conn().counters().timeouts, 0u);
  // A full ACK ends recovery (RFC 6582).
  h.inject(seg::ack(301, 101 + 1460 * 6));
  EXPECT_EQ(h.conn().snd().una, SeqNum(101 + 1460 * 6));
}

TEST(Timers, PartialAckRetransmitsTheNextHole_Rfc6582_3_2) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  std::string d(1460 * 6, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  h.drain();
  for (int i = 0; i < 4; ++i) h.inject(seg::ack(301, 101));  // segments 2.. arrived, 1 lost
  h.expect(seg::data(101, 301, 1460).rexmit());
  h.drain();
  h.inject(seg::ack(301, 101 + 1460 * 2));  // partial: segment 3 was lost too
  h.expect(seg::data(101 + 1460 * 2, 301, 1460).rexmit());
  EXPECT_EQ(h.conn().counters().fast_retransmits, 1u);
}

TEST(Timers, LimitedTransmitSendsNewDataOnFirstDupAcks_Rfc3042) {
  Harness h(Config{}, 100);
  h.establish_active(300, 1460 * 3);
  std::string d(1460 * 6, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  EXPECT_EQ(h.drain().size(), 3u);  // the peer's window allows three
  h.inject(seg::ack(301, 101).win(1460 * 6));
  auto more = h.drain();
  ASSERT_EQ(more.size(), 3u);  // window opened (not a duplicate: the window changed)
  h.inject(seg::ack(301, 101).win(1460 * 6));  // first duplicate: cwnd + 1 SMSS
  auto lt = h.drain();
  EXPECT_LE(lt.size(), 1u);
}

}  // namespace
}  // namespace synack::tcp::testing
