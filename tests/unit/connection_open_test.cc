// Opening connections: RFC 9293 §3.5 and §3.10.7.2-3.
#include "unit/connection_harness.h"

namespace synack::tcp::testing {
namespace {

bool has_state_change(const std::vector<Event>& ev, State from, State to) {
  for (const auto& e : ev)
    if (e.kind == EventKind::StateChanged && e.from == from && e.to == to) return true;
  return false;
}

// The seed of the project: client ISN 100, server ISN 300.
TEST(Open, ActiveOpenSeedExample_Rfc9293_3_5_Figure6) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect_state(State::SynSent);
  Sent syn = h.expect(seg::syn(100));
  EXPECT_EQ(syn.seg.options.mss, 1460);  // MUST-14: the SYN carries MSS
  h.inject(seg::syn_ack(300, 101).mss(1460));
  h.expect(seg::ack(101, 301));
  h.expect_state(State::Established);
  auto ev = h.events();
  EXPECT_TRUE(has_state_change(ev, State::Closed, State::SynSent));
  EXPECT_TRUE(has_state_change(ev, State::SynSent, State::Established));
  EXPECT_EQ(ev.back().kind, EventKind::Connected);
  h.expect_nothing();
}

TEST(Open, PassiveOpen_Rfc9293_3_10_7_2) {
  Harness h(Config{}, 300);
  h.listen();
  h.expect_state(State::Listen);
  h.inject(seg::syn(100).mss(1460));
  h.expect_state(State::SynReceived);
  Sent sa = h.expect(seg::syn_ack(300, 101));
  EXPECT_EQ(sa.seg.options.mss, 1460);
  h.inject(seg::ack(101, 301));
  h.expect_state(State::Established);
  EXPECT_TRUE(h.conn().from_listen());
  h.expect_nothing();
}

TEST(Open, SimultaneousOpen_Rfc9293_3_5_Figure8) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.inject(seg::syn(300).mss(1460));  // the peer's SYN crosses ours
  h.expect_state(State::SynReceived);
  h.expect(seg::syn_ack(100, 301));
  h.inject(seg::syn_ack(300, 101).mss(1460));  // the peer's SYN,ACK (line 5)
  h.expect_state(State::Established);
  h.expect(seg::ack(101, 301));  // line 6
  EXPECT_FALSE(h.conn().from_listen());
}

TEST(Open, SimultaneousOpenCompletesByAckToo_Rfc9293_3_5) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.inject(seg::syn(300));
  h.expect(seg::syn_ack(100, 301));
  h.inject(seg::ack(301, 101));
  h.expect_state(State::Established);
}

TEST(Open, RstInSynReceivedFromListenReturnsToListen_Rfc9293_3_10_7_4) {
  Harness h(Config{}, 300);
  h.listen();
  h.inject(seg::syn(100));
  h.expect(seg::syn_ack(300, 101));
  h.events();
  EXPECT_EQ(h.inject(seg::rst(101)), DropReason::None);
  h.expect_state(State::Listen);  // MUST-11: the user is not told
  for (const auto& e : h.events()) EXPECT_NE(e.kind, EventKind::Closed);
  h.expect_nothing();
  // The listener works again.
  h.inject(seg::syn(5000));
  h.expect(seg::syn_ack(300, 5001));
}

// Returning to LISTEN forgets the peer, not what the application chose for
// the connection before the SYN came.
TEST(Open, ReturnToListenKeepsTheApplicationsOptions_Rfc9293_3_10_7_4) {
  Harness h(Config{}, 300);
  h.listen();
  h.conn().set_nagle(false);
  h.conn().set_keepalive(h.now(), true);
  ASSERT_TRUE(h.conn().set_keepalive_idle(h.now(), Duration::seconds(60)));
  ASSERT_TRUE(h.conn().set_keepalive_interval(h.now(), Duration::seconds(5)));
  ASSERT_TRUE(h.conn().set_keepalive_probes(3));
  ASSERT_TRUE(h.conn().set_send_buffer(20000));
  ASSERT_TRUE(h.conn().set_recv_buffer(30000));
  h.inject(seg::syn(100));
  h.expect(seg::syn_ack(300, 101));
  h.inject(seg::rst(101));
  h.expect_state(State::Listen);
  EXPECT_FALSE(h.conn().nagle());
  EXPECT_TRUE(h.conn().keepalive());
  EXPECT_EQ(h.conn().keepalive_idle(), Duration::seconds(60));
  EXPECT_EQ(h.conn().keepalive_interval(), Duration::seconds(5));
  EXPECT_EQ(h.conn().keepalive_probes(), 3u);
  EXPECT_EQ(h.conn().send_buffer(), 20000u);
  EXPECT_GE(h.conn().recv_buffer(), 30000u);
}

TEST(Open, RstInSynReceivedFromActiveOpenIsRefused_Rfc9293_3_10_7_4) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.inject(seg::syn(300));
  h.expect(seg::syn_ack(100, 301));
  h.inject(seg::rst(301));
  h.expect_state(State::Closed);
  EXPECT_EQ(h.conn().error(), Error::ConnectionRefused);
}

TEST(Open, RetransmittedSynInSynReceivedGetsSynAckAgain) {
  Harness h(Config{}, 300);
  h.listen();
  h.inject(seg::syn(100));
  h.expect(seg::syn_ack(300, 101));
  h.inject(seg::syn(100));
  h.expect(seg::syn_ack(300, 101).rexmit());
  h.expect_state(State::SynReceived);
}

TEST(Open, BadAckInSynReceivedGetsRst_Rfc9293_3_10_7_4) {
  Harness h(Config{}, 300);
  h.listen();
  h.inject(seg::syn(100));
  h.expect(seg::syn_ack(300, 101));
  EXPECT_EQ(h.inject(seg::ack(101, 999)), DropReason::BadAck);
  h.expect(seg::rst(999));  // <SEQ=SEG.ACK><CTL=RST>
  h.expect_state(State::SynReceived);
}

// §3.10.7.3, SYN-SENT.
TEST(Open, SynSentBadAckGetsRst_Rfc9293_3_10_7_3) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  EXPECT_EQ(h.inject(seg::ack(300, 100)), DropReason::BadAck);  // SEG.ACK =< ISS
  h.expect(seg::rst(100));
  EXPECT_EQ(h.inject(seg::syn_ack(300, 5000)), DropReason::BadAck);  // SEG.ACK > SND.NXT
  h.expect(seg::rst(5000));
  h.expect_state(State::SynSent);
}

TEST(Open, SynSentRstWithAcceptableAckIsRefused_Rfc9293_3_10_7_3) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  EXPECT_EQ(h.inject(seg::rst(0)), DropReason::RstIgnored);  // no ACK: dropped
  h.expect_state(State::SynSent);
  h.inject(seg::rst_ack(0, 101));
  h.expect_state(State::Closed);
  EXPECT_EQ(h.conn().error(), Error::ConnectionRefused);
  auto ev = h.events();
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.back().kind, EventKind::Closed);
  EXPECT_EQ(ev.back().error, Error::ConnectionRefused);
  h.expect_nothing();  // no RST in reply to a RST
  EXPECT_EQ(h.conn().send(h.now(), base::Bytes()).error(), Error::ConnectionRefused);
}

// Found by the lwIP interop test (2nd SYN lost, lwIP's SYN,ACK retransmitted
// just as our SYN timer fired): the retransmission timeout rewinds snd_.nxt to
// ISS until the SYN goes out again. A SYN,ACK arriving in that gap acknowledges
// the SYN already sent, so it is acceptable (SEG.ACK =< SND.NXT, where SND.NXT
// is the highest sequence number sent); it used to draw a RST and a new SYN.
TEST(Open, SynAckBetweenSynTimeoutAndResendIsAccepted_Rfc9293_3_10_7_3) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.fire_next_timer_unpolled();  // the SYN is due again, not yet sent
  EXPECT_EQ(h.inject(seg::syn_ack(300, 101).mss(1460)), DropReason::None);
  h.expect_state(State::Established);
  h.expect(seg::ack(101, 301));  // no RST, no second SYN
  h.expect_nothing();
  std::string msg = "hello";
  ASSERT_EQ(*h.conn().send(h.now(), base::as_bytes(msg.data(), msg.size())), msg.size());
  h.expect(seg::data(101, 301, msg.size()).psh());  // data after the SYN's sequence number
}

TEST(Open, SynSentRstAnsweringFirstSynAfterTimeoutIsRefused_Rfc9293_3_10_7_3) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.fire_next_timer_unpolled();
  h.inject(seg::rst_ack(0, 101));  // the ACK covers the SYN already sent
  h.expect_state(State::Closed);
  EXPECT_EQ(h.conn().error(), Error::ConnectionRefused);
  h.expect_nothing();
}

TEST(Open, SynSentDropsSegmentWithNeitherSynNorRst_Rfc9293_3_10_7_3) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  EXPECT_EQ(h.inject(seg::ack(300, 101)), DropReason::NoSynOrRst);
  h.expect_nothing();
  h.expect_state(State::SynSent);
}

TEST(Open, ListenIgnoresRstAndResetsAck_Rfc9293_3_10_7_2) {
  Harness h(Config{}, 300);
  h.listen();
  EXPECT_EQ(h.inject(seg::rst(5)), DropReason::RstIgnored);
  h.expect_nothing();
  EXPECT_EQ(h.inject(seg::ack(17, 34)), DropReason::BadAck);
  h.expect(seg::rst(34));
  EXPECT_EQ(h.inject(seg::bare(flags::kFin, 9)), DropReason::ListenNonSyn);
  h.expect_nothing();
  h.expect_state(State::Listen);
}

TEST(Open, DataOnSynIsNotAcknowledgedInListen) {
  Harness h(Config{}, 300);
  h.listen();
  h.inject(seg::syn(100).len(3));
  h.expect(seg::syn_ack(300, 101));  // acknowledges only the SYN
}

TEST(Open, NoMssOptionMeans536_Rfc9293_3_7_1_MUST15) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.inject(seg::syn_ack(300, 101).no_options());
  h.expect(seg::ack(101, 301));
  EXPECT_EQ(h.conn().snd().mss, 536);
  std::string data(2000, 'd');
  ASSERT_EQ(*h.conn().send(h.now(), base::as_bytes(data.data(), data.size())), 2000u);
  h.expect(seg::data(101, 301, 536));
  h.expect(seg::data(637, 301, 536));
  h.expect(seg::data(1173, 301, 536));
  h.expect(seg::data(1709, 301, 392).psh());  // MUST-61: PSH when the queue drains
}

TEST(Open, PeerMssLimitsSegments_Rfc9293_3_7_1_MUST16) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.inject(seg::syn_ack(300, 101).mss(1000));
  h.expect(seg::ack(101, 301));
  EXPECT_EQ(h.conn().snd().mss, 1000);
}

TEST(Open, WindowScaleNegotiated_Rfc7323_2) {
  Config cfg;
  cfg.recv_buffer = 1 << 20;
  Harness h(cfg, 100);
  h.connect();
  Sent syn = h.expect(seg::syn(100));
  ASSERT_TRUE(syn.seg.options.window_scale.has_value());
  EXPECT_EQ(*syn.seg.options.window_scale, 5);  // 1 MiB >> 5 fits 16 bits
  EXPECT_EQ(syn.seg.wnd, 65535);                // a SYN's window is never scaled
  h.inject(seg::syn_ack(300, 101).mss(1460).wscale(3).win(1000));
  Sent ack = h.expect(seg::ack(101, 301));
  EXPECT_EQ(h.conn().snd().wscale, 3);
  EXPECT_EQ(h.conn().snd().wnd, 1000u);  // the SYN,ACK's window is not scaled either
  // The buffer is rounded up to whole segments of the peer's MSS.
  EXPECT_EQ(ack.seg.wnd, ((1u << 20) + 1459) / 1460 * 1460 >> 5);
  h.inject(seg::ack(301, 101).win(1000));
  EXPECT_EQ(h.conn().snd().wnd, 8000u);
}

TEST(Open, NoWindowScaleUnlessBothOffer_Rfc7323_2) {
  Config cfg;
  cfg.recv_buffer = 1 << 20;
  Harness h(cfg, 300);
  h.listen();
  h.inject(seg::syn(100).mss(1460));
  Sent sa = h.expect(seg::syn_ack(300, 101));
  EXPECT_FALSE(sa.seg.options.window_scale.has_value());
  h.inject(seg::ack(101, 301));
  EXPECT_EQ(h.conn().rcv().wscale, 0);
  EXPECT_EQ(h.conn().snd().wscale, 0);
}

TEST(Open, UserCallErrors_Rfc9293_3_10) {
  Harness h(Config{}, 100);
  EXPECT_EQ(h.conn().send(h.now(), base::Bytes()).error(), Error::ConnectionDoesNotExist);
  EXPECT_EQ(h.conn().shutdown_send(h.now()).error(), Error::ConnectionDoesNotExist);
  h.connect();
  EXPECT_EQ(h.conn().connect(h.now()).error(), Error::ConnectionExists);
  EXPECT_EQ(h.conn().listen().error(), Error::ConnectionExists);
}

TEST(Open, CloseInSynSentSendsNothing_Rfc9293_3_10_4) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  ASSERT_TRUE(h.conn().close(h.now()).has_value());
  h.expect_state(State::Closed);
  h.expect_nothing();
  // A late SYN,ACK reaches no TCB: it is answered with a RST (§3.10.7.1).
  h.inject(seg::syn_ack(300, 101));
  h.expect(seg::rst(101));
}

}  // namespace
}  // namespace synack::tcp::testing

namespace synack::tcp::testing {
namespace {

TEST(Open, TextOnSynInSynSentIsQueuedUntilEstablished_Rfc9293_3_10_7_3) {
  Harness h(Config{}, 100);
  h.connect();
  h.expect(seg::syn(100));
  h.inject(seg::syn(300).data("abc"));  // simultaneous open, with data
  h.expect(seg::syn_ack(100, 301));     // the SYN,ACK acknowledges only the SYN
  EXPECT_EQ(h.conn().recv_available(), 0u);
  h.inject(seg::ack(304, 101));  // the handshake completes
  h.expect_state(State::Established);
  EXPECT_EQ(h.read_all(), "abc");
  EXPECT_EQ(h.conn().rcv().nxt, SeqNum(304));
}

TEST(Open, SynFinIsDroppedByPolicyInEveryState) {
  Config cfg;
  cfg.drop_synfin = true;
  Harness h(cfg, 300);
  h.listen();
  EXPECT_EQ(h.inject(SegSpec(flags::kSyn | flags::kFin, 100)), DropReason::SynFinDropped);
  h.expect_nothing();
  h.expect_state(State::Listen);
}

}  // namespace
}  // namespace synack::tcp::testing

namespace synack::tcp::testing {
namespace {

TEST(Open, CloseInSynReceivedWithNothingQueuedSendsFin_Rfc9293_3_10_4) {
  Harness h(Config{}, 300);
  h.listen();
  h.inject(seg::syn(100));
  h.expect(seg::syn_ack(300, 101));
  ASSERT_TRUE(h.conn().shutdown_send(h.now()).has_value());
  h.expect_state(State::FinWait1);
  h.expect(seg::fin_ack(301, 101));
  // The SYN,ACK is lost: on the timeout it goes again, then the FIN.
  h.advance(base::Duration::millis(1001));
  h.expect(seg::syn_ack(300, 101).rexmit());
  h.inject(seg::ack(101, 302));  // acknowledges SYN and FIN
  h.expect_state(State::FinWait2);
}

TEST(Open, SimultaneousOpenSynAckCarriesOnlyOptionsThePeerOffered_Rfc7323_2_2) {
  Harness h(Config{}, 100);
  h.connect();
  Sent syn = h.expect(seg::syn(100));
  EXPECT_TRUE(syn.seg.options.window_scale.has_value());
  h.inject(seg::syn(300).mss(1460));  // no window scale, timestamps or SACK
  Sent sa = h.expect(seg::syn_ack(100, 301));
  EXPECT_FALSE(sa.seg.options.window_scale.has_value());
  EXPECT_FALSE(sa.seg.options.timestamps.has_value());
  EXPECT_FALSE(sa.seg.options.sack_permitted);
  EXPECT_TRUE(sa.seg.retransmission);  // it repeats ISS: Karn's rule applies to it
}

}  // namespace
}  // namespace synack::tcp::testing

namespace synack::tcp::testing {
namespace {

using base::Duration;

// TCP_DEFER_ACCEPT (Linux): the wait is counted in SYN,ACK timeouts, each
// twice the last from the initial RTO (RFC 6298 §2.1, §5.5), rounded up as
// Linux's secs_to_retrans does: 3 s is 1 + 2, 5 s needs 1 + 2 + 4.
TEST(DeferAccept, WaitIsWholeSynAckRetransmissionPeriods_Rfc6298_5_5) {
  Harness h(Config{}, 300);
  EXPECT_EQ(h.conn().defer_accept(), Duration::zero());
  ASSERT_TRUE(h.conn().set_defer_accept(Duration::seconds(3)));
  EXPECT_EQ(h.conn().defer_accept(), Duration::seconds(3));
  ASSERT_TRUE(h.conn().set_defer_accept(Duration::seconds(5)));
  EXPECT_EQ(h.conn().defer_accept(), Duration::seconds(7));
  EXPECT_FALSE(h.conn().set_defer_accept(Duration::seconds(-1)));
  ASSERT_TRUE(h.conn().set_defer_accept(Duration::zero()));
  EXPECT_EQ(h.conn().defer_accept(), Duration::zero());
}

// With TCP_DEFER_ACCEPT the handshake's bare ACK is set aside (RFC 9293
// §3.10.7.4 would move SYN-RECEIVED to ESTABLISHED): the connection stays in
// SYN-RECEIVED and sends nothing, until the peer's first data, which is
// acknowledged and completes the handshake at once.
TEST(DeferAccept, BareAckWaitsAndDataCompletesTheHandshake_Rfc9293_3_10_7_4) {
  Harness h(Config{}, 300);
  ASSERT_TRUE(h.conn().set_defer_accept(Duration::seconds(5)));
  h.listen();
  h.inject(seg::syn(100).mss(1460));
  h.expect(seg::syn_ack(300, 101));
  EXPECT_EQ(h.inject(seg::ack(101, 301)), DropReason::DeferredAccept);
  h.expect_state(State::SynReceived);
  h.expect_nothing();
  h.advance(Duration::millis(2500));  // two SYN,ACK timeouts: nothing resent meanwhile
  h.expect_nothing();
  h.expect_state(State::SynReceived);
  EXPECT_EQ(h.inject(seg::data(101, 301, 4)), DropReason::None);
  h.expect_state(State::Established);
  EXPECT_EQ(h.conn().recv_available(), 4u);
}

// With no data, the SYN,ACK goes once more at the deferral's last timeout
// (3 s after the SYN for 3 s), and the peer's ACK of it completes the
// handshake without data, as Linux does.
TEST(DeferAccept, SynAckAgainAtTheEndThenTheAckCompletes_Rfc9293_3_8_1) {
  Harness h(Config{}, 300);
  ASSERT_TRUE(h.conn().set_defer_accept(Duration::seconds(3)));
  h.listen();
  h.inject(seg::syn(100).mss(1460));
  h.expect(seg::syn_ack(300, 101));
  EXPECT_EQ(h.inject(seg::ack(101, 301)), DropReason::DeferredAccept);
  h.advance(Duration::millis(2999));
  h.expect_nothing();
  h.advance(Duration::millis(1));
  h.expect(seg::syn_ack(300, 101));
  EXPECT_EQ(h.inject(seg::ack(101, 301)), DropReason::None);
  h.expect_state(State::Established);
}

}  // namespace
}  // namespace synack::tcp::testing
