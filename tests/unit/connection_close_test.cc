// Closing connections: RFC 9293 §3.6, §3.10.4, §3.10.7.4 (eighth check), TIME-WAIT.
#include "unit/connection_harness.h"

namespace synack::tcp::testing {
namespace {

using base::Duration;

TEST(Close, ActiveClose_Rfc9293_3_6_Figure12) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  ASSERT_TRUE(h.conn().close(h.now()).has_value());
  h.expect_state(State::FinWait1);
  h.expect(seg::fin_ack(101, 301));
  h.inject(seg::ack(301, 102));
  h.expect_state(State::FinWait2);
  h.expect_nothing();
  h.inject(seg::fin_ack(301, 102));
  h.expect_state(State::TimeWait);
  h.expect(seg::ack(102, 302));
  // TIME-WAIT lasts 2*MSL (MUST-13); the default MSL is 30 s.
  h.advance(Duration::seconds(60) - Duration::millis(1));
  h.expect_state(State::TimeWait);
  h.advance(Duration::millis(2));
  h.expect_state(State::Closed);
  EXPECT_FALSE(h.conn().error().has_value());
  h.expect_nothing();
}

TEST(Close, FinThatAcksOurFinGoesStraightToTimeWait_Rfc9293_3_10_7_4) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().shutdown_send(h.now());
  h.expect(seg::fin_ack(101, 301));
  h.inject(seg::fin_ack(301, 102));
  h.expect_state(State::TimeWait);
  h.expect(seg::ack(102, 302));
}

TEST(Close, PassiveClose_Rfc9293_3_6) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.inject(seg::fin_ack(301, 101));
  h.expect_state(State::CloseWait);
  h.expect(seg::ack(101, 302));  // the FIN is acknowledged at once
  auto ev = h.events();
  bool peer_closed = false;
  for (auto& e : ev) peer_closed |= e.kind == EventKind::PeerClosed;
  EXPECT_TRUE(peer_closed);
  std::vector<uint8_t> buf(10);
  EXPECT_EQ(h.conn().recv(h.now(), buf).error(), Error::ConnectionClosing);  // end of stream
  ASSERT_TRUE(h.conn().shutdown_send(h.now()).has_value());
  h.expect_state(State::LastAck);
  h.expect(seg::fin_ack(101, 302));
  h.inject(seg::ack(302, 102));
  h.expect_state(State::Closed);
  EXPECT_FALSE(h.conn().error().has_value());
}

TEST(Close, SimultaneousClose_Rfc9293_3_6_Figure13) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().shutdown_send(h.now());
  h.expect(seg::fin_ack(101, 301));
  h.inject(seg::fin_ack(301, 101));  // the peer's FIN, not yet acknowledging ours
  h.expect_state(State::Closing);
  h.expect(seg::ack(102, 302));
  h.inject(seg::ack(302, 102));
  h.expect_state(State::TimeWait);
}

TEST(Close, RetransmittedFinInTimeWaitIsAckedAndRestartsTimer_Rfc9293_3_10_7_4) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().shutdown_send(h.now());
  h.expect(seg::fin_ack(101, 301));
  h.inject(seg::fin_ack(301, 102));
  h.expect(seg::ack(102, 302));
  h.advance(Duration::seconds(40));
  h.inject(seg::fin_ack(301, 102));
  h.expect(seg::ack(102, 302));
  h.advance(Duration::seconds(59));
  h.expect_state(State::TimeWait);  // restarted: 40 + 59 > 60
  h.advance(Duration::seconds(2));
  h.expect_state(State::Closed);
}

TEST(Close, MslIsConfigurable) {
  Config cfg;
  cfg.msl = Duration::seconds(1);
  Harness h(cfg, 100);
  h.establish_active(300);
  h.conn().shutdown_send(h.now());
  h.expect(seg::fin_ack(101, 301));
  h.inject(seg::fin_ack(301, 102));
  h.advance(Duration::millis(1999));
  h.expect_state(State::TimeWait);
  h.advance(Duration::millis(2));
  h.expect_state(State::Closed);
}

TEST(Close, RstInTimeWaitIgnoredByDefault_Rfc1337) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().shutdown_send(h.now());
  h.expect(seg::fin_ack(101, 301));
  h.inject(seg::fin_ack(301, 102));
  h.expect(seg::ack(102, 302));
  EXPECT_EQ(h.inject(seg::rst(302)), DropReason::RstTimeWait);
  h.expect_state(State::TimeWait);
  h.expect_nothing();
}

TEST(Close, RstInTimeWaitClosesWhenRfc1337IsOff_Rfc9293_3_10_7_4) {
  Config cfg;
  cfg.rfc1337 = false;
  Harness h(cfg, 100);
  h.establish_active(300);
  h.conn().shutdown_send(h.now());
  h.expect(seg::fin_ack(101, 301));
  h.inject(seg::fin_ack(301, 102));
  h.expect(seg::ack(102, 302));
  h.inject(seg::rst(302));
  h.expect_state(State::Closed);
  h.expect_nothing();
}

TEST(Close, HalfCloseStillReceives_Rfc9293_3_6_1) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().shutdown_send(h.now());
  h.expect(seg::fin_ack(101, 301));
  h.inject(seg::ack(301, 102));
  h.expect_state(State::FinWait2);
  h.inject(seg::data(301, 102, 5).psh());
  EXPECT_EQ(h.read_all(), "xxxxx");
  h.advance(Duration::millis(100));
  h.expect(seg::ack(102, 306));
  // Sending after CLOSE is an error (§3.10.2).
  std::string d = "z";
  EXPECT_EQ(h.conn().send(h.now(), base::as_bytes(d.data(), 1)).error(), Error::ConnectionClosing);
}

TEST(Close, CloseWithUnreadDataSendsRst_Rfc9293_3_6_1_SHLD3) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.inject(seg::data(301, 101, 10));
  h.drain();
  ASSERT_TRUE(h.conn().close(h.now()).has_value());
  h.expect(seg::rst_ack(101, 311));
  h.expect_state(State::Closed);
}

TEST(Close, DataAfterCloseGetsRst_Rfc9293_3_6_1_SHLD3) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().close(h.now());
  h.expect(seg::fin_ack(101, 301));
  h.inject(seg::ack(301, 102));
  h.expect_state(State::FinWait2);
  EXPECT_EQ(h.inject(seg::data(301, 102, 4)), DropReason::AfterClose);
  h.expect(seg::rst(102));  // <SEQ=SEG.ACK><CTL=RST>
  h.expect_state(State::Closed);
}

TEST(Close, DataAfterCloseGetsRstAtThePeersRcvNxt_Rfc9293_3_6_1_SHLD3_Rfc5961_3_2) {
  // Our FIN was lost: the peer still expects sequence number 101, not
  // SND.NXT (102). The RST carries SEG.ACK, which the peer accepts at once.
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().close(h.now());
  h.expect(seg::fin_ack(101, 301));
  EXPECT_EQ(h.inject(seg::data(301, 101, 4)), DropReason::AfterClose);
  h.expect(seg::rst(101));
  h.expect_state(State::Closed);
}

TEST(Close, BareFinIsNotHeldBackByTheCongestionWindow) {
  // The initial window (RFC 6928: 10 segments) is full when the application
  // closes. The FIN adds no bytes to the network: it goes at once, as Linux
  // sends it, instead of a round trip later. The peer's window still counts.
  Harness h(Config{}, 100);
  h.establish_active(300);
  std::string d(10 * 1460, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  ASSERT_EQ(h.drain().size(), 10u);
  ASSERT_TRUE(h.conn().close(h.now()).has_value());
  h.expect(seg::fin_ack(101 + 10 * 1460, 301));
  h.expect_state(State::FinWait1);
}

TEST(Close, BareFinWaitsForTheReceiveWindow) {
  Harness h(Config{}, 100);
  h.establish_active(300, 1460);  // the peer's window: one segment
  std::string d(1460, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  h.expect(seg::data(101, 301, 1460).psh());
  ASSERT_TRUE(h.conn().close(h.now()).has_value());
  h.expect_nothing();  // no room for the FIN's sequence number
  h.inject(seg::ack(301, 1561).win(1460));
  h.expect(seg::fin_ack(1561, 301));
}

TEST(Close, OrphanedFinWait2TimesOut) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().close(h.now());
  h.expect(seg::fin_ack(101, 301));
  h.inject(seg::ack(301, 102));
  h.advance(Duration::seconds(61));
  h.expect_state(State::Closed);
}

// The orphan's wait is the connection's own when set (Linux's TCP_LINGER2):
// whole seconds up to 120, zero for the Config's 60 s; a timer already
// running keeps its deadline.
TEST(Close, OrphanedFinWait2WaitsAsLongAsTheConnectionSays) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  EXPECT_EQ(h.conn().fin_wait_2_timeout(), Duration::seconds(60));
  EXPECT_FALSE(h.conn().set_fin_wait_2_timeout(Duration::seconds(121)));
  EXPECT_FALSE(h.conn().set_fin_wait_2_timeout(Duration::millis(1500)));
  EXPECT_FALSE(h.conn().set_fin_wait_2_timeout(Duration::seconds(-1)));
  EXPECT_EQ(h.conn().fin_wait_2_timeout(), Duration::seconds(60));  // nothing changed
  ASSERT_TRUE(h.conn().set_fin_wait_2_timeout(Duration::seconds(5)));
  EXPECT_EQ(h.conn().fin_wait_2_timeout(), Duration::seconds(5));
  h.conn().close(h.now());
  h.expect(seg::fin_ack(101, 301));
  h.inject(seg::ack(301, 102));
  h.advance(Duration::millis(4900));
  h.expect_state(State::FinWait2);
  h.advance(Duration::millis(200));
  h.expect_state(State::Closed);
  EXPECT_EQ(h.conn().fin_wait_2_timeout(), Duration::seconds(5));
  ASSERT_TRUE(h.conn().set_fin_wait_2_timeout(Duration::zero()));  // the Config's again
  EXPECT_EQ(h.conn().fin_wait_2_timeout(), Duration::seconds(60));
}

TEST(Close, HalfClosedFinWait2WaitsForThePeer) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().shutdown_send(h.now());
  h.expect(seg::fin_ack(101, 301));
  h.inject(seg::ack(301, 102));
  h.advance(Duration::seconds(600));
  h.expect_state(State::FinWait2);
}

TEST(Close, AbortSendsRst_Rfc9293_3_10_5) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().abort(h.now());
  h.expect(seg::rst_ack(101, 301));  // <SEQ=SND.NXT><CTL=RST> (+ ACK, as Linux and BSD)
  h.expect_state(State::Closed);
  EXPECT_EQ(h.conn().error(), Error::ConnectionAborted);
}

TEST(Close, AbortInSynSentSendsNothing_Rfc9293_3_10_5) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.conn().abort(h.now());
  h.expect_nothing();
  h.expect_state(State::Closed);
}

TEST(Close, FinIsRetransmitted_Rfc9293_3_8_1) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().shutdown_send(h.now());
  h.expect(seg::fin_ack(101, 301));
  h.advance(Duration::millis(1100));  // well past the RTO
  h.expect(seg::fin_ack(101, 301).rexmit());
  h.expect_state(State::FinWait1);
}

TEST(Close, LastAckRetransmitsFinThenCloses) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.inject(seg::fin_ack(301, 101));
  h.expect(seg::ack(101, 302));
  h.conn().shutdown_send(h.now());
  h.expect(seg::fin_ack(101, 302));
  h.advance(Duration::millis(1100));
  h.expect(seg::fin_ack(101, 302).rexmit());
  h.inject(seg::ack(302, 102));
  h.expect_state(State::Closed);
}

TEST(Close, OutOfOrderFinIsProcessedWhenTheHoleFills_Rfc9293_3_10_7_4) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.inject(seg::fin_ack(311, 101));  // FIN after 10 bytes we have not seen
  h.expect(seg::ack(101, 301));      // duplicate ACK: still at RCV.NXT
  h.expect_state(State::Established);
  h.inject(seg::data(301, 101, 10));
  h.expect_state(State::CloseWait);
  h.expect(seg::ack(101, 312));
  EXPECT_EQ(h.read_all(), std::string(10, 'x'));
}

}  // namespace
}  // namespace synack::tcp::testing
