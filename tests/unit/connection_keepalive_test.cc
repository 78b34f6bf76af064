// Keep-alive: RFC 9293 §3.8.4 (MAY-5, MUST-24..MUST-29, SHLD-12).
#include "unit/connection_harness.h"

namespace synack::tcp::testing {
namespace {

using base::Duration;

// ESTABLISHED with ISS 100 and IRS 300: SND.NXT = 101, RCV.NXT = 301. The
// keep-alive probe is <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK> with no data.
SegSpec probe() { return seg::ack(100, 301).len(0); }

// Keep-alive on with short times: idle 60 s, a probe every 10 s, 3 probes.
void short_keepalive(Harness& h) {
  ASSERT_TRUE(h.conn().set_keepalive_idle(h.now(), Duration::seconds(60)));
  ASSERT_TRUE(h.conn().set_keepalive_interval(h.now(), Duration::seconds(10)));
  ASSERT_TRUE(h.conn().set_keepalive_probes(3));
  h.conn().set_keepalive(h.now(), true);
}

void send_text(Harness& h, size_t n) {
  std::string d(n, 'a');
  ASSERT_EQ(h.conn().send(h.now(), base::as_bytes(d.data(), d.size())).value(), n);
}

TEST(KeepAlive, OffByDefaultNothingIsSentForHours_Rfc9293_3_8_4_MUST25) {
  Harness h;
  h.establish_active(300);
  EXPECT_FALSE(h.conn().keepalive());
  EXPECT_TRUE(h.conn().next_deadline().is_never());
  h.advance(Duration::seconds(10 * 3600));
  h.expect_nothing();
  h.expect_state(State::Established);
  EXPECT_EQ(h.conn().counters().keepalive_probes, 0u);
}

TEST(KeepAlive, DefaultsAreTwoHoursThen75sAndNineProbes_Rfc9293_3_8_4_MUST28) {
  Harness h;
  h.establish_active(300);
  EXPECT_GE(h.conn().keepalive_idle(), Duration::seconds(2 * 3600));  // MUST-28
  EXPECT_EQ(h.conn().keepalive_idle(), Duration::seconds(7200));
  EXPECT_EQ(h.conn().keepalive_interval(), Duration::seconds(75));
  EXPECT_EQ(h.conn().keepalive_probes(), 9u);
}

TEST(KeepAlive, ProbeAfterExactlyTheIdleTimeAndAnAnswerResetsIt_Rfc9293_3_8_4_MUST24_MUST26_SHLD12) {
  Harness h;
  h.establish_active(300);
  h.conn().set_keepalive(h.now(), true);  // per connection (MUST-24), default idle 7200 s
  EXPECT_EQ(h.conn().next_deadline(), h.now() + Duration::seconds(7200));
  h.advance(Duration::seconds(7200) - Duration::millis(1));
  h.expect_nothing();
  h.advance(Duration::millis(1));
  h.expect(probe());  // SEQ = SND.NXT-1, no data (SHLD-12)
  EXPECT_EQ(h.conn().counters().keepalive_probes, 1u);
  // The peer answers with an ACK: the idle time starts again from here.
  h.advance(Duration::millis(30));
  h.inject(seg::ack(301, 101));
  h.expect_nothing();
  h.advance(Duration::seconds(7200) - Duration::millis(1));
  h.expect_nothing();
  h.advance(Duration::millis(1));
  h.expect(probe());
  h.expect_state(State::Established);
}

TEST(KeepAlive, IdleTimeIsConfigurablePerConnection_Rfc9293_3_8_4_MUST27) {
  Harness h;
  h.establish_active(300);
  Connection& c = h.conn();
  EXPECT_FALSE(c.set_keepalive_idle(h.now(), Duration::zero()));
  EXPECT_FALSE(c.set_keepalive_idle(h.now(), Duration::millis(1500)));  // whole seconds
  EXPECT_FALSE(c.set_keepalive_idle(h.now(), Duration::seconds(Connection::kMaxKeepAliveSecs + 1)));
  EXPECT_FALSE(c.set_keepalive_interval(h.now(), Duration::zero()));
  EXPECT_FALSE(c.set_keepalive_probes(0));
  EXPECT_FALSE(c.set_keepalive_probes(Connection::kMaxKeepAliveProbes + 1));
  EXPECT_EQ(c.keepalive_idle(), Duration::seconds(7200));  // unchanged
  short_keepalive(h);
  EXPECT_EQ(c.keepalive_idle(), Duration::seconds(60));
  EXPECT_EQ(c.keepalive_interval(), Duration::seconds(10));
  EXPECT_EQ(c.keepalive_probes(), 3u);
  h.advance(Duration::seconds(60) - Duration::millis(1));
  h.expect_nothing();
  h.advance(Duration::millis(1));
  h.expect(probe());
}

TEST(KeepAlive, StackWideSwitchArmsItAtEstablishment_Rfc9293_3_8_4_MUST24) {
  Config cfg;
  cfg.keepalive = true;
  cfg.keepalive_idle = Duration::seconds(30);
  Harness h(cfg);
  h.establish_active(300);  // the SYN,ACK is the last segment received
  h.advance(Duration::seconds(30) - Duration::millis(1));
  h.expect_nothing();
  h.advance(Duration::millis(1));
  h.expect(probe());
}

TEST(KeepAlive, ReceivedDataPostponesTheProbe_Rfc9293_3_8_4_MUST26) {
  Harness h;
  h.establish_active(300);
  short_keepalive(h);
  h.advance(Duration::seconds(50));
  h.inject(seg::data(301, 101, 10));
  h.drain();  // our ACK
  h.read_all();
  h.advance(Duration::seconds(60) - Duration::millis(1));
  h.expect_nothing();  // 110 s since the handshake, but only 60 s - 1 ms since the data
  h.advance(Duration::millis(1));
  h.expect(seg::ack(100, 311).len(0));
}

TEST(KeepAlive, NoProbeWhileDataIsOutstanding_Rfc9293_3_8_4_MUST26) {
  Harness h;
  h.establish_active(300);
  short_keepalive(h);
  h.advance(Duration::seconds(30));
  send_text(h, 100);
  h.expect(seg::data(101, 301, 100).psh());
  // Unacknowledged for longer than the idle time: only retransmissions go out.
  h.advance(Duration::seconds(70));
  for (const Sent& s : h.drain()) EXPECT_EQ(s.payload.size(), 100u) << describe(s.seg);
  EXPECT_EQ(h.conn().counters().keepalive_probes, 0u);
  h.expect_state(State::Established);
  // Acknowledged: the idle time counts from the ACK.
  h.inject(seg::ack(301, 201));
  h.drain();
  h.advance(Duration::seconds(60) - Duration::millis(1));
  h.expect_nothing();
  h.advance(Duration::millis(1));
  h.expect(seg::ack(200, 301).len(0));
}

TEST(KeepAlive, UnansweredProbesTimeTheConnectionOut_Rfc9293_3_8_4_MUST29) {
  Harness h;
  h.establish_active(300);
  short_keepalive(h);
  h.advance(Duration::seconds(60));
  h.expect(probe());
  h.advance(Duration::seconds(10));
  h.expect(probe());  // one unanswered probe is no proof of death (MUST-29)
  h.advance(Duration::seconds(10));
  h.expect(probe());
  h.advance(Duration::seconds(10) - Duration::millis(1));
  h.expect_state(State::Established);
  h.events();
  h.advance(Duration::millis(1));  // the third probe's interval is over
  // As Linux and BSD: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK> tells the peer.
  h.expect(seg::rst_ack(h.conn().snd().nxt.value(), 301));
  h.expect_nothing();
  h.expect_state(State::Closed);
  EXPECT_EQ(h.conn().error(), Error::ConnectionTimedOut);
  bool changed = false, closed = false;
  for (const Event& e : h.events()) {
    if (e.kind == EventKind::StateChanged) changed = e.to == State::Closed && e.cause == Cause::KeepAliveTimeout;
    if (e.kind == EventKind::Closed) closed = e.error == Error::ConnectionTimedOut;
  }
  EXPECT_TRUE(changed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(h.conn().counters().keepalive_probes, 3u);
}

TEST(KeepAlive, AnAnswerAfterUnansweredProbesStartsAgain_Rfc9293_3_8_4_MUST29) {
  Harness h;
  h.establish_active(300);
  short_keepalive(h);
  h.advance(Duration::seconds(60));
  h.expect(probe());
  h.advance(Duration::seconds(10));
  h.expect(probe());
  h.advance(Duration::seconds(1));
  h.inject(seg::ack(301, 101));  // late, but alive
  h.advance(Duration::seconds(60) - Duration::millis(1));
  h.expect_nothing();
  h.advance(Duration::millis(1));
  h.expect(probe());  // a fresh round of three probes
  h.advance(Duration::seconds(20));
  h.expect(probe());
  h.expect(probe());
  h.expect_state(State::Established);
  h.advance(Duration::seconds(10));
  h.expect_state(State::Closed);
}

TEST(KeepAlive, SwitchedOffStopsTheProbes_Rfc9293_3_8_4_MUST24) {
  Harness h;
  h.establish_active(300);
  short_keepalive(h);
  h.advance(Duration::seconds(60));
  h.expect(probe());
  h.conn().set_keepalive(h.now(), false);
  EXPECT_TRUE(h.conn().next_deadline().is_never());
  h.advance(Duration::seconds(3600));
  h.expect_nothing();
  h.expect_state(State::Established);
}

TEST(KeepAlive, ProbesInCloseWaitToo_Rfc9293_3_8_4) {
  Harness h;
  h.establish_active(300);
  short_keepalive(h);
  h.inject(seg::fin_ack(301, 101));
  h.expect(seg::ack(101, 302));
  h.expect_state(State::CloseWait);
  h.advance(Duration::seconds(60));
  h.expect(seg::ack(100, 302).len(0));
}

}  // namespace
}  // namespace synack::tcp::testing
