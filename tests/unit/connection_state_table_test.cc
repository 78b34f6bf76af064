// Table-driven arrivals per state (RFC 9293 §3.10.7.4, fifth to eighth
// checks): what a FIN, data, or an ACK of our FIN does in each synchronized
// state. Each row reaches its state through the public API.
#include "unit/connection_harness.h"

namespace synack::tcp::testing {
namespace {

struct Reached {
  uint32_t rcv_nxt;
  uint32_t snd_nxt;
};

// Client ISS 100, peer ISS 300, no data: the numbers of each state.
Reached drive(Harness& h, State target) {
  h.establish_active(300);
  switch (target) {
    case State::Established:
      return {301, 101};
    case State::FinWait1:
      h.conn().shutdown_send(h.now());
      h.expect(seg::fin_ack(101, 301));
      return {301, 102};
    case State::FinWait2:
      h.conn().shutdown_send(h.now());
      h.expect(seg::fin_ack(101, 301));
      h.inject(seg::ack(301, 102));
      return {301, 102};
    case State::CloseWait:
      h.inject(seg::fin_ack(301, 101));
      h.expect(seg::ack(101, 302));
      return {302, 101};
    case State::Closing:
      h.conn().shutdown_send(h.now());
      h.expect(seg::fin_ack(101, 301));
      h.inject(seg::fin_ack(301, 101));
      h.expect(seg::ack(102, 302));
      return {302, 102};
    case State::LastAck:
      h.inject(seg::fin_ack(301, 101));
      h.expect(seg::ack(101, 302));
      h.conn().shutdown_send(h.now());
      h.expect(seg::fin_ack(101, 302));
      return {302, 102};
    case State::TimeWait:
      h.conn().shutdown_send(h.now());
      h.expect(seg::fin_ack(101, 301));
      h.inject(seg::fin_ack(301, 102));
      h.expect(seg::ack(102, 302));
      return {302, 102};
    default:
      ADD_FAILURE();
      return {0, 0};
  }
}

struct Row {
  State state;
  State after;      // the state after the arrival
  bool acks;        // an ACK goes back at once
};

std::string name(const ::testing::TestParamInfo<Row>& p) { return std::string(to_cli_string(p.param.state)); }

// Eighth check: a FIN at RCV.NXT.
class FinArrives : public ::testing::TestWithParam<Row> {};
TEST_P(FinArrives, Rfc9293_3_10_7_4_Eighth) {
  Harness h(Config{}, 100);
  Reached r = drive(h, GetParam().state);
  // In the states that already hold the peer's FIN this is its retransmission.
  uint32_t fin_seq = GetParam().state == State::CloseWait || GetParam().state == State::Closing ||
                             GetParam().state == State::LastAck || GetParam().state == State::TimeWait
                         ? r.rcv_nxt - 1
                         : r.rcv_nxt;
  h.inject(seg::fin_ack(fin_seq, 101));  // does not acknowledge our FIN
  h.expect_state(GetParam().after);
  if (GetParam().acks) {
    auto sent = h.drain();
    ASSERT_FALSE(sent.empty());
    EXPECT_TRUE(sent[0].seg.has_ack());
    EXPECT_FALSE(sent[0].seg.fin());
  }
}
INSTANTIATE_TEST_SUITE_P(
    States, FinArrives,
    ::testing::Values(Row{State::Established, State::CloseWait, true},
                      Row{State::FinWait1, State::Closing, true},  // our FIN not yet ACKed
                      Row{State::FinWait2, State::TimeWait, true},
                      Row{State::CloseWait, State::CloseWait, true},
                      Row{State::Closing, State::Closing, true},
                      Row{State::LastAck, State::LastAck, true},
                      Row{State::TimeWait, State::TimeWait, true}),
    name);

// Seventh check: text in each state.
class DataArrives : public ::testing::TestWithParam<Row> {};
TEST_P(DataArrives, Rfc9293_3_10_7_4_Seventh) {
  Harness h(Config{}, 100);
  Reached r = drive(h, GetParam().state);
  size_t before = h.conn().recv_available();
  h.inject(seg::data(r.rcv_nxt, 101, 10));  // ACKs nothing new (not our FIN)
  h.expect_state(GetParam().after);
  bool delivered = h.conn().recv_available() == before + 10;
  // ESTABLISHED, FIN-WAIT-1/2 deliver; after the peer's FIN, text is ignored.
  bool should_deliver = StateSet{State::Established, State::FinWait1, State::FinWait2}.has(GetParam().state);
  EXPECT_EQ(delivered, should_deliver);
  if (GetParam().acks) {
    auto sent = h.drain();
    ASSERT_FALSE(sent.empty());
    EXPECT_TRUE(sent[0].seg.has_ack());
  }
}
INSTANTIATE_TEST_SUITE_P(
    States, DataArrives,
    ::testing::Values(Row{State::Established, State::Established, false},  // delayed ACK
                      Row{State::FinWait1, State::FinWait1, false},
                      Row{State::FinWait2, State::FinWait2, false},
                      // After the peer's FIN: "ignore the segment text".
                      Row{State::CloseWait, State::CloseWait, false},
                      Row{State::Closing, State::Closing, false},
                      Row{State::LastAck, State::LastAck, false},
                      Row{State::TimeWait, State::TimeWait, true}),  // TIME-WAIT answers with an ACK
    name);

// Fifth check: the ACK of our FIN.
class AckOfFinArrives : public ::testing::TestWithParam<Row> {};
TEST_P(AckOfFinArrives, Rfc9293_3_10_7_4_Fifth) {
  Harness h(Config{}, 100);
  Reached r = drive(h, GetParam().state);
  h.inject(seg::ack(r.rcv_nxt, 102));
  h.expect_state(GetParam().after);
}
INSTANTIATE_TEST_SUITE_P(States, AckOfFinArrives,
                         ::testing::Values(Row{State::FinWait1, State::FinWait2, false},
                                           Row{State::Closing, State::TimeWait, false},
                                           Row{State::LastAck, State::Closed, false},
                                           Row{State::FinWait2, State::FinWait2, false},
                                           Row{State::TimeWait, State::TimeWait, false}),
                         name);

TEST(Timers, SynAckIsRetransmitted_Rfc9293_3_8_1_MUST22) {
  Harness h(Config{}, 300);
  h.listen();
  h.inject(seg::syn(100).mss(1460));
  h.expect(seg::syn_ack(300, 101));
  h.advance(base::Duration::millis(1001));  // initial RTO 1 s
  h.expect(seg::syn_ack(300, 101).rexmit());
  h.inject(seg::ack(101, 301));
  h.expect_state(State::Established);
}

}  // namespace
}  // namespace synack::tcp::testing
