// RST and SYN arrivals in every synchronized state: RFC 9293 §3.10.7.4 (second
// and fourth checks), RFC 5961 §3-4, and §3.5.2 "no RST in reply to a RST".
// Table-driven: each row puts a connection into a state through the public API.
#include "unit/connection_harness.h"

namespace synack::tcp::testing {
namespace {

// Drive `h` (client ISS 100, peer ISS 300) into `target`. Returns RCV.NXT.
uint32_t drive_to(Harness& h, State target) {
  h.establish_active(300);
  switch (target) {
    case State::Established:
      return 301;
    case State::FinWait1:
      h.conn().shutdown_send(h.now());
      h.expect(seg::fin_ack(101, 301));
      return 301;
    case State::FinWait2:
      h.conn().shutdown_send(h.now());
      h.expect(seg::fin_ack(101, 301));
      h.inject(seg::ack(301, 102));
      return 301;
    case State::CloseWait:
      h.inject(seg::fin_ack(301, 101));
      h.expect(seg::ack(101, 302));
      return 302;
    case State::Closing:
      h.conn().shutdown_send(h.now());
      h.expect(seg::fin_ack(101, 301));
      h.inject(seg::fin_ack(301, 101));
      h.expect(seg::ack(102, 302));
      return 302;
    case State::LastAck:
      h.inject(seg::fin_ack(301, 101));
      h.expect(seg::ack(101, 302));
      h.conn().shutdown_send(h.now());
      h.expect(seg::fin_ack(101, 302));
      return 302;
    default:
      ADD_FAILURE() << "unsupported target";
      return 0;
  }
}

uint32_t snd_nxt_in(State s) {
  return (s == State::Established || s == State::CloseWait) ? 101 : 102;
}

class SynchronizedStates : public ::testing::TestWithParam<State> {};

INSTANTIATE_TEST_SUITE_P(Rfc9293, SynchronizedStates,
                         ::testing::Values(State::Established, State::FinWait1, State::FinWait2,
                                           State::CloseWait, State::Closing, State::LastAck),
                         [](const ::testing::TestParamInfo<State>& p) { return std::string(to_cli_string(p.param)); });

TEST_P(SynchronizedStates, RstAtRcvNxtResets_Rfc5961_3_2) {
  Harness h(Config{}, 100);
  uint32_t rcv_nxt = drive_to(h, GetParam());
  h.expect_state(GetParam());
  h.events();
  EXPECT_EQ(h.inject(seg::rst(rcv_nxt)), DropReason::None);
  h.expect_state(State::Closed);
  EXPECT_EQ(h.conn().error(), Error::ConnectionReset);  // MUST-12: the user learns it was a reset
  h.expect_nothing();  // never a RST in reply to a RST (§3.5.2)
}

TEST_P(SynchronizedStates, InWindowRstNotAtRcvNxtIsChallenged_Rfc5961_3_2) {
  Harness h(Config{}, 100);
  uint32_t rcv_nxt = drive_to(h, GetParam());
  EXPECT_EQ(h.inject(seg::rst(rcv_nxt + 1000)), DropReason::RstChallenged);
  h.expect_state(GetParam());
  h.expect(seg::ack(snd_nxt_in(GetParam()), rcv_nxt));
}

TEST_P(SynchronizedStates, InWindowRstResetsWithoutRfc5961_Rfc9293_3_10_7_4) {
  Config cfg;
  cfg.rfc5961_rst = false;
  Harness h(cfg, 100);
  uint32_t rcv_nxt = drive_to(h, GetParam());
  h.inject(seg::rst(rcv_nxt + 1000));
  h.expect_state(State::Closed);
  h.expect_nothing();
}

TEST_P(SynchronizedStates, RstOutsideTheWindowIsDropped_Rfc5961_3_2) {
  Harness h(Config{}, 100);
  uint32_t rcv_nxt = drive_to(h, GetParam());
  EXPECT_EQ(h.inject(seg::rst(rcv_nxt - 1)), DropReason::RstOutOfWindow);
  EXPECT_EQ(h.inject(seg::rst(rcv_nxt + 10'000'000)), DropReason::RstOutOfWindow);
  h.expect_state(GetParam());
  h.expect_nothing();
}

TEST_P(SynchronizedStates, SynIsChallenged_Rfc5961_4) {
  Harness h(Config{}, 100);
  uint32_t rcv_nxt = drive_to(h, GetParam());
  EXPECT_EQ(h.inject(seg::syn(rcv_nxt + 5)), DropReason::SynChallenged);
  h.expect_state(GetParam());
  h.expect(seg::ack(snd_nxt_in(GetParam()), rcv_nxt));
}

TEST_P(SynchronizedStates, InWindowSynResetsWithoutRfc5961_Rfc9293_3_10_7_4) {
  Config cfg;
  cfg.rfc5961_syn = false;
  Harness h(cfg, 100);
  uint32_t rcv_nxt = drive_to(h, GetParam());
  h.inject(seg::syn(rcv_nxt + 5));
  h.expect_state(State::Closed);
  auto sent = h.drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].seg.rst());
}

TEST_P(SynchronizedStates, UnacceptableSegmentGetsAnAck_Rfc9293_3_10_7_4_First) {
  Harness h(Config{}, 100);
  uint32_t rcv_nxt = drive_to(h, GetParam());
  EXPECT_EQ(h.inject(seg::data(rcv_nxt - 50, snd_nxt_in(GetParam()), 10)), DropReason::Unacceptable);
  h.expect(seg::ack(snd_nxt_in(GetParam()), rcv_nxt));
  h.expect_state(GetParam());
}

TEST_P(SynchronizedStates, SegmentWithoutAckIsIgnored_Rfc9293_3_10_7_4_Fifth) {
  Harness h(Config{}, 100);
  uint32_t rcv_nxt = drive_to(h, GetParam());
  EXPECT_EQ(h.inject(seg::bare(flags::kFin, rcv_nxt)), DropReason::NoAck);
  h.expect_state(GetParam());
}

TEST(RstSyn, ClosedAnswersWithRst_Rfc9293_3_10_7_1) {
  Harness h(Config{}, 100);
  // Without ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
  EXPECT_EQ(h.inject(seg::syn(77).len(3)), DropReason::NoConnection);
  h.expect(seg::rst_ack(0, 81));
  // With ACK: <SEQ=SEG.ACK><CTL=RST>
  h.inject(seg::ack(5, 999));
  h.expect(seg::rst(999));
  // A RST is never answered (§3.5.2).
  h.inject(seg::rst(5));
  h.expect_nothing();
}

TEST(RstSyn, ResetForMatchesSection3_10_7_1) {
  Segment s;
  s.seq = SeqNum(10);
  s.flags = flags::kFin;
  s.payload = {};
  auto r = reset_for(s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->flags, flags::kRst | flags::kAck);
  EXPECT_EQ(r->ack, SeqNum(11));  // FIN counts in SEG.LEN
  s.flags = flags::kRst;
  EXPECT_FALSE(reset_for(s));
}

TEST(RstSyn, SynInSynReceivedFromListenReturnsToListen_Rfc9293_3_10_7_4_Fourth) {
  Harness h(Config{}, 300);
  h.listen();
  h.inject(seg::syn(100));
  h.expect(seg::syn_ack(300, 101));
  h.inject(seg::syn(150));  // a different, in-window SYN
  h.expect_state(State::Listen);
}

TEST(RstSyn, RstWithDataIsAccepted_Rfc9293_3_5_3_SHLD2) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.inject(seg::rst(301).len(20));
  h.expect_state(State::Closed);
}

}  // namespace
}  // namespace synack::tcp::testing
