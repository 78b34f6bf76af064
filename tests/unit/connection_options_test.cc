// Options after the handshake: timestamps with PAWS and RTTM (RFC 7323), SACK
// and D-SACK blocks (RFC 2018, RFC 2883), and the negotiation rules.
#include "unit/connection_harness.h"

namespace synack::tcp::testing {
namespace {

using base::Duration;

// Active open where the peer answers with timestamps (TSval 5000) and SACK.
void establish_with_options(Harness& h) {
  h.connect();
  Sent syn = h.expect(seg::syn(100));
  ASSERT_TRUE(syn.seg.options.timestamps);
  EXPECT_EQ(syn.seg.options.timestamps->ecr, 0u);  // RFC 7323 §3.2: TSecr 0 without ACK
  EXPECT_TRUE(syn.seg.options.sack_permitted);
  h.inject(seg::syn_ack(300, 101).mss(1460).ts(5000, syn.seg.options.timestamps->val).sack_ok());
  Sent ack = h.expect(seg::ack(101, 301));
  ASSERT_TRUE(ack.seg.options.timestamps);
  EXPECT_EQ(ack.seg.options.timestamps->ecr, 5000u);  // TSecr = TS.Recent
  EXPECT_TRUE(h.conn().timestamps_enabled());
  EXPECT_TRUE(h.conn().sack_enabled());
  h.events();
}

TEST(Options, TimestampsEchoTsRecent_Rfc7323_3_2) {
  Harness h(Config{}, 100);
  establish_with_options(h);
  h.inject(seg::data(301, 101, 10).ts(5010, 1));
  h.advance(Duration::millis(50));
  Sent a = h.expect(seg::ack(101, 311));
  ASSERT_TRUE(a.seg.options.timestamps);
  EXPECT_EQ(a.seg.options.timestamps->ecr, 5010u);
}

TEST(Options, PawsDropsAnOldDuplicate_Rfc7323_5_3) {
  Harness h(Config{}, 100);
  establish_with_options(h);
  h.inject(seg::data(301, 101, 10).ts(6000, 1));
  h.advance(Duration::millis(50));
  h.drain();
  // An old duplicate: new sequence space, but a timestamp older than TS.Recent.
  EXPECT_EQ(h.inject(seg::data(311, 101, 10).ts(5500, 1)), DropReason::PawsRejected);
  h.expect(seg::ack(101, 311));  // acknowledged, then dropped
  EXPECT_EQ(h.conn().recv_available(), 10u);
  // A RST is not subject to PAWS (it is judged by its sequence number).
  EXPECT_EQ(h.inject(seg::rst(311).ts(1, 0)), DropReason::None);
  h.expect_state(State::Closed);
}

TEST(Options, SegmentWithoutTimestampIsDropped_Rfc7323_3_2) {
  Harness h(Config{}, 100);
  establish_with_options(h);
  EXPECT_EQ(h.inject(seg::data(301, 101, 10)), DropReason::MissingTimestamp);
  EXPECT_EQ(h.conn().recv_available(), 0u);
}

TEST(Options, TsRecentOnlyFromSegmentsAtOrBelowLastAckSent_Rfc7323_4_3) {
  Harness h(Config{}, 100);
  establish_with_options(h);  // Last.ACK.sent = 301
  h.inject(seg::data(311, 101, 10).ts(7000, 1));  // out of order: SEG.SEQ > Last.ACK.sent
  Sent a = h.expect(seg::ack(101, 301));
  EXPECT_EQ(a.seg.options.timestamps->ecr, 5000u);  // TS.Recent unchanged
  h.inject(seg::data(301, 101, 10).ts(6000, 1));  // fills the hole, SEG.SEQ = Last.ACK.sent
  Sent b = h.expect(seg::ack(101, 321));
  EXPECT_EQ(b.seg.options.timestamps->ecr, 6000u);
}

TEST(Options, MssLeavesRoomForTimestamps_Rfc9293_3_7_1_MUST16) {
  Harness h(Config{}, 100);
  establish_with_options(h);
  std::string d(3000, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  Sent s = h.expect(seg::data(101, 301, 1448));
  EXPECT_EQ(s.seg.options.wire_size() + s.payload.size(), 1460u);
}

// TCP_MAXSEG: the MSS option announced (MUST-14) and the send MSS both stay
// under the application's limit, whatever the peer announces (§3.7.1).
TEST(Options, MssLimitCapsTheAnnouncedAndTheSendMss_Rfc9293_3_7_1_MUST14) {
  Harness h(Config{}, 100);
  EXPECT_FALSE(h.conn().set_mss_limit(87));
  EXPECT_FALSE(h.conn().set_mss_limit(32768));
  ASSERT_TRUE(h.conn().set_mss_limit(1000));
  h.connect();
  Sent syn = h.expect(seg::syn(100));
  EXPECT_EQ(syn.seg.options.mss, 1000);
  h.inject(seg::syn_ack(300, 101).mss(1460));
  h.expect(seg::ack(101, 301));
  Connection::Info i = h.conn().info();
  EXPECT_EQ(i.state, State::Established);
  EXPECT_EQ(i.adv_mss, 1000u);
  EXPECT_EQ(i.snd_mss, 1000u);
  EXPECT_EQ(i.snd_cwnd, 10000u);  // IW = 10 x SMSS (RFC 6928)
  EXPECT_EQ(i.retransmits, 0u);
  std::string d(2500, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  h.expect(seg::data(101, 301, 1000));
  h.expect(seg::data(1101, 301, 1000));
  EXPECT_EQ(h.conn().info().bytes_in_flight, 2000u + 500u);
}

TEST(Options, RttMeasuredFromTimestampsAfterRetransmission_Rfc7323_4) {
  Config cfg;
  cfg.rto_min = Duration::millis(1);
  Harness h(cfg, 100);
  establish_with_options(h);
  std::string d(100, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  h.expect(seg::data(101, 301, 100).psh());
  h.advance(h.conn().rtt().rto() + Duration::millis(1));
  Sent again = h.expect(seg::data(101, 301, 100).psh().rexmit());
  h.advance(Duration::millis(30));
  // The ACK echoes the retransmission's TSval: 30 ms ago (Karn forbids the timer).
  int64_t before = h.conn().rtt().srtt().us();
  h.inject(seg::ack(301, 201).ts(5001, again.seg.options.timestamps->val));
  // RFC 6298 §2.3 with R = 30 ms (31 ms after rounding to the 1 ms TS clock).
  EXPECT_GE(h.conn().rtt().srtt().us(), (7 * before + 30000) / 8);
  EXPECT_LE(h.conn().rtt().srtt().us(), (7 * before + 31000) / 8);
}

TEST(Options, SackBlocksReportOutOfOrderDataMostRecentFirst_Rfc2018_4) {
  Harness h(Config{}, 100);
  establish_with_options(h);
  h.inject(seg::data(401, 101, 100).ts(5001, 1));
  Sent a = h.expect(seg::ack(101, 301));
  ASSERT_EQ(a.seg.options.sack_count, 1);
  EXPECT_EQ(a.seg.options.sack[0], (wire::SackBlock{401, 501}));
  h.inject(seg::data(601, 101, 100).ts(5002, 1));
  Sent b = h.expect(seg::ack(101, 301));
  ASSERT_EQ(b.seg.options.sack_count, 2);
  EXPECT_EQ(b.seg.options.sack[0], (wire::SackBlock{601, 701}));  // the latest arrival first
  EXPECT_EQ(b.seg.options.sack[1], (wire::SackBlock{401, 501}));
  h.inject(seg::data(301, 101, 100).ts(5003, 1));  // fills the first hole
  Sent c = h.expect(seg::ack(101, 501));
  ASSERT_EQ(c.seg.options.sack_count, 1);
  EXPECT_EQ(c.seg.options.sack[0], (wire::SackBlock{601, 701}));
}

TEST(Options, DuplicateDataIsReportedAsDsack_Rfc2883_4) {
  Harness h(Config{}, 100);
  establish_with_options(h);
  h.inject(seg::data(301, 101, 100).ts(5001, 1));
  h.inject(seg::data(401, 101, 100).ts(5002, 1));
  h.expect(seg::ack(101, 501));
  h.inject(seg::data(301, 101, 100).ts(5003, 1));  // a duplicate
  Sent d = h.expect(seg::ack(101, 501));
  ASSERT_EQ(d.seg.options.sack_count, 1);
  EXPECT_EQ(d.seg.options.sack[0], (wire::SackBlock{301, 401}));  // D-SACK: below the ACK
  h.inject(seg::data(501, 101, 10).ts(5004, 1));
  h.advance(Duration::millis(50));
  Sent e = h.expect(seg::ack(101, 511));
  EXPECT_EQ(e.seg.options.sack_count, 0);  // reported once
}

// No options at all (FreeBSD's TCP_NOOPT): the SYN carries none, not even
// MSS, so nothing is negotiated whatever the peer's SYN,ACK offers (RFC 7323
// §2.2, §3.2; RFC 2018 §2), and the peer, without an MSS option, sends at most
// 536 bytes per segment (RFC 9293 §3.7.1 MUST-15). Our own send MSS still
// follows the peer's option.
TEST(Options, NoOptionsSynOffersNothingAndNothingIsNegotiated_Rfc9293_3_7_1_MUST15) {
  Harness h(Config{}, 100);
  ASSERT_TRUE(h.conn().set_no_options(true));
  EXPECT_TRUE(h.conn().no_options());
  h.connect();
  Sent syn = h.expect(seg::syn(100));
  EXPECT_EQ(syn.seg.options.wire_size(), 0u);
  EXPECT_FALSE(syn.seg.options.mss.has_value());
  EXPECT_FALSE(h.conn().set_no_options(false));  // the SYN has gone: too late
  h.inject(seg::syn_ack(300, 101).mss(1400).wscale(7).ts(5000, 0).sack_ok());
  Sent ack = h.expect(seg::ack(101, 301));
  EXPECT_EQ(ack.seg.options.wire_size(), 0u);
  EXPECT_FALSE(h.conn().window_scaling_enabled());
  EXPECT_FALSE(h.conn().timestamps_enabled());
  EXPECT_FALSE(h.conn().sack_enabled());
  EXPECT_EQ(h.conn().info().snd_mss, 1400u);
  // Without window scaling the window field is the window itself (at most 65535).
  EXPECT_LE(ack.seg.wnd, 0xffffu);
}

// The passive side: a listener's connection set to send no options answers a
// SYN that offers everything with a bare SYN,ACK, and uses none of them.
TEST(Options, NoOptionsSynAckAnswersWithNothing_Rfc7323_2_2_Rfc2018_2) {
  Harness h(Config{}, 300);
  ASSERT_TRUE(h.conn().set_no_options(true));
  h.listen();
  h.inject(seg::syn(100).mss(1460).wscale(7).ts(77, 0).sack_ok());
  Sent sa = h.expect(seg::syn_ack(300, 101));
  EXPECT_EQ(sa.seg.options.wire_size(), 0u);
  h.inject(seg::ack(101, 301));
  h.expect_state(State::Established);
  EXPECT_FALSE(h.conn().window_scaling_enabled());
  EXPECT_FALSE(h.conn().timestamps_enabled());
  EXPECT_FALSE(h.conn().sack_enabled());
  // Segments without a timestamp are accepted (none was agreed, RFC 7323 §3.2).
  EXPECT_EQ(h.inject(seg::data(101, 301, 10)), DropReason::None);
  EXPECT_EQ(h.conn().recv_available(), 10u);
}

// Option negotiation table: an option is used only if both sides offer it.
struct Offer {
  bool local;
  bool peer;
};
class Negotiation : public ::testing::TestWithParam<std::tuple<int, Offer>> {};

TEST_P(Negotiation, OptionUsedOnlyIfBothOffer_Rfc7323_Rfc2018) {
  auto [which, offer] = GetParam();
  Config cfg;
  if (which == 0) cfg.window_scaling = offer.local;
  if (which == 1) cfg.timestamps = offer.local;
  if (which == 2) cfg.sack = offer.local;
  Harness h(cfg, 300);
  h.listen();
  SegSpec syn = seg::syn(100).mss(1460);
  if (offer.peer && which == 0) syn.wscale(7);
  if (offer.peer && which == 1) syn.ts(77, 0);
  if (offer.peer && which == 2) syn.sack_ok();
  h.inject(syn);
  Sent sa = h.expect(seg::syn_ack(300, 101));
  bool both = offer.local && offer.peer;
  const auto& o = sa.seg.options;
  if (which == 0) {
    EXPECT_EQ(o.window_scale.has_value(), both);
    EXPECT_EQ(h.conn().window_scaling_enabled(), both);
  }
  if (which == 1) {
    EXPECT_EQ(o.timestamps.has_value(), both);
    EXPECT_EQ(h.conn().timestamps_enabled(), both);
    if (both) {
      EXPECT_EQ(o.timestamps->ecr, 77u);
    }
  }
  if (which == 2) {
    EXPECT_EQ(o.sack_permitted, both);
    EXPECT_EQ(h.conn().sack_enabled(), both);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, Negotiation,
                         ::testing::Combine(::testing::Values(0, 1, 2),
                                            ::testing::Values(Offer{true, true}, Offer{true, false},
                                                              Offer{false, true}, Offer{false, false})));

}  // namespace
}  // namespace synack::tcp::testing

namespace synack::tcp::testing {
namespace {

TEST(Options, InOrderSegmentOverlappingHeldDataAdvancesPastIt_Rfc9293_3_10_7_4) {
  // Out-of-order bytes 10..29 are held; a retransmission with other
  // segmentation brings bytes 0..19. RCV.NXT must move to 30, and no SACK
  // block may claim data at or below RCV.NXT.
  Harness h(Config{}, 100);
  establish_with_options(h);
  h.inject(seg::data(311, 101, 20).ts(5001, 1));
  h.expect(seg::ack(101, 301));
  h.inject(seg::data(301, 101, 20).ts(5002, 1));
  Sent a = h.expect(seg::ack(101, 331));
  EXPECT_EQ(a.seg.options.sack_count, 0);
  EXPECT_EQ(h.read_all().size(), 30u);
}

TEST(Options, SackRecoveryRetransmitsEachHoleWithoutTimeout_Rfc6675_5) {
  Harness h(Config{}, 100);
  establish_with_options(h);
  std::string d(1448 * 8, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  auto sent = h.drain();
  ASSERT_EQ(sent.size(), 8u);
  auto seq = [](int i) { return 101u + 1448u * static_cast<uint32_t>(i); };
  // Segments 0 and 3 are lost; the receiver SACKs what arrived.
  h.inject(seg::ack(301, seq(0)).ts(5001, 1).sack(seq(1), seq(2)));
  h.inject(seg::ack(301, seq(0)).ts(5002, 1).sack(seq(1), seq(3)));
  h.expect_nothing();
  h.inject(seg::ack(301, seq(0)).ts(5003, 1).sack(seq(4), seq(5)).sack(seq(1), seq(3)));
  // Three SACKed segments above the first hole: it is lost (RFC 6675 IsLost).
  h.expect(seg::data(seq(0), 301, 1448).rexmit());
  h.inject(seg::ack(301, seq(0)).ts(5004, 1).sack(seq(4), seq(6)).sack(seq(1), seq(3)));
  h.inject(seg::ack(301, seq(0)).ts(5005, 1).sack(seq(4), seq(7)).sack(seq(1), seq(3)));
  h.expect(seg::data(seq(3), 301, 1448).rexmit());  // the second hole, from the scoreboard
  h.inject(seg::ack(301, seq(3)).ts(5006, 1).sack(seq(4), seq(8)));
  h.inject(seg::ack(301, seq(8)).ts(5007, 1));
  EXPECT_EQ(h.conn().snd().una, SeqNum(seq(8)));
  EXPECT_EQ(h.conn().counters().timeouts, 0u);
  EXPECT_EQ(h.conn().counters().fast_retransmits, 1u);  // one recovery episode
}

TEST(Options, LostRetransmissionOfTheHeadIsSentAgain_Rfc6675_Rfc8985_6_2) {
  Harness h(Config{}, 100);
  establish_with_options(h);
  auto seq = [](int i) { return 101u + 1448u * static_cast<uint32_t>(i); };
  std::string d(1448 * 8, 'a');
  h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));
  ASSERT_EQ(h.drain().size(), 8u);
  // Segment 0 is lost; three SACKed segments above it start recovery.
  h.inject(seg::ack(301, seq(0)).ts(5001, 1).sack(seq(1), seq(2)));
  h.inject(seg::ack(301, seq(0)).ts(5002, 1).sack(seq(1), seq(3)));
  h.inject(seg::ack(301, seq(0)).ts(5003, 1).sack(seq(1), seq(4)));
  h.expect(seg::data(seq(0), 301, 1448).rexmit());
  h.drain();
  // The rest arrives; the pipe lets new data go (RFC 6675 NextSeg rule 2).
  std::string more(1448 * 3, 'b');
  h.conn().send(h.now(), base::as_bytes(more.data(), more.size()));
  h.inject(seg::ack(301, seq(0)).ts(5004, 1).sack(seq(1), seq(8)));
  auto fresh = h.drain();
  ASSERT_FALSE(fresh.empty());
  EXPECT_EQ(fresh[0].seg.seq, SeqNum(seq(8)));
  EXPECT_EQ(h.conn().counters().lost_retransmits, 0u);
  // New data sent after the retransmission arrives, segment 0 still does not:
  // its retransmission was lost. It goes again, once.
  h.inject(seg::ack(301, seq(0)).ts(5005, 1).sack(seq(1), seq(9)));
  h.expect(seg::data(seq(0), 301, 1448).rexmit());
  EXPECT_EQ(h.conn().counters().lost_retransmits, 1u);
  h.drain();
  h.inject(seg::ack(301, seq(0)).ts(5006, 1).sack(seq(1), seq(10)));
  for (const auto& s : h.drain()) EXPECT_NE(s.seg.seq, SeqNum(seq(0))) << "sent a third time";
  EXPECT_EQ(h.conn().counters().lost_retransmits, 1u);
  h.inject(seg::ack(301, h.conn().snd().max.value()).ts(5007, 1));
  EXPECT_EQ(h.conn().snd().una, h.conn().snd().max);
  EXPECT_EQ(h.conn().counters().timeouts, 0u);
}

}  // namespace
}  // namespace synack::tcp::testing
