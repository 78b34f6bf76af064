// Explicit Congestion Notification (RFC 3168 §6.1): the ECN-setup handshake,
// which segments are ECN-capable, the receiver's ECE echo of a CE mark until
// CWR, and the sender's window cut, once per round trip.
#include "unit/connection_harness.h"

namespace synack::tcp::testing {
namespace {

Config ecn_config(bool ecn = true) {
  Config c;
  c.mss = 1000;
  c.timestamps = false;  // plain 1000-byte segments
  c.sack = false;
  c.ecn = ecn;
  return c;
}

void send_bytes(Harness& h, size_t n) {
  std::string data(n, 'e');
  auto r = h.conn().send(h.now(), base::Bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(*r, n);
}

// Active open; the SYN,ACK carries `synack_ecn` (ECE, CWR or both).
void open_active(Harness& h, uint8_t synack_ecn) {
  h.connect();
  h.drain();
  SegSpec synack = seg::syn_ack(300, 101).mss(1000);
  if (synack_ecn & flags::kEce) synack.ece();
  if (synack_ecn & flags::kCwr) synack.cwr();
  h.inject(synack);
  h.expect(seg::ack(101, 301));
  ASSERT_EQ(h.conn().state(), State::Established);
}

// RFC 3168 §6.1.1: the SYN offers ECN with ECE and CWR; only a SYN,ACK with ECE
// alone accepts; one with both, or with neither, leaves ECN off.
TEST(Ecn, ActiveOpenOffersAndAcceptsOnlyAnEcnSetupSynAck_Rfc3168_6_1_1) {
  {
    Harness h(ecn_config(), 100);
    h.connect();
    h.expect(seg::syn(100).ece().cwr().ip_ecn(ecn::kNotEct));  // a SYN is never ECT
  }
  struct Case {
    uint8_t synack_flags;
    bool enabled;
  } cases[] = {{flags::kEce, true}, {0, false}, {flags::kEce | flags::kCwr, false}, {flags::kCwr, false}};
  for (const Case& c : cases) {
    Harness h(ecn_config(), 100);
    open_active(h, c.synack_flags);
    EXPECT_EQ(h.conn().ecn_enabled(), c.enabled) << "SYN,ACK flags " << int{c.synack_flags};
  }
  // Switched off: no offer, and a SYN,ACK with ECE does not turn it on.
  Harness off(ecn_config(false), 100);
  off.connect();
  off.expect(seg::syn(100));
  off.inject(seg::syn_ack(300, 101).mss(1000).ece());
  EXPECT_FALSE(off.conn().ecn_enabled());
}

// RFC 3168 §6.1.1.1: in case the path drops ECN-setup SYNs, the offer goes
// with the first ecn_syn_retries retransmissions only; an answer to a plain
// SYN does not turn ECN on.
TEST(Ecn, UnansweredSynDropsTheOfferAfterItsRetries_Rfc3168_6_1_1_1) {
  for (uint8_t retries : {uint8_t{0}, uint8_t{1}}) {
    Config cfg = ecn_config();
    cfg.ecn_syn_retries = retries;
    Harness h(cfg, 100);
    h.connect();
    h.expect(seg::syn(100).ece().cwr());
    h.advance(cfg.rto_initial);
    if (retries == 1) {
      h.expect(seg::syn(100).ece().cwr());
      h.advance(cfg.rto_initial * 2);
    }
    h.expect(seg::syn(100));  // ECE and CWR dropped
    h.inject(seg::syn_ack(300, 101).mss(1000).ece());
    ASSERT_EQ(h.conn().state(), State::Established);
    EXPECT_FALSE(h.conn().ecn_enabled()) << "retries " << int{retries};
  }
}

TEST(Ecn, PassiveOpenAcceptsOnlyAnEcnSetupSyn_Rfc3168_6_1_1) {
  struct Case {
    bool configured;
    uint8_t syn_flags;
    bool enabled;
  } cases[] = {{true, flags::kEce | flags::kCwr, true},
               {true, flags::kEce, false},
               {true, 0, false},
               {false, flags::kEce | flags::kCwr, false}};
  for (const Case& c : cases) {
    Harness h(ecn_config(c.configured), 100);
    h.listen();
    SegSpec syn = seg::syn(300).mss(1000);
    if (c.syn_flags & flags::kEce) syn.ece();
    if (c.syn_flags & flags::kCwr) syn.cwr();
    h.inject(syn);
    SegSpec want = seg::syn_ack(100, 301).ip_ecn(ecn::kNotEct);
    if (c.enabled) want.ece();  // the ECN-setup SYN,ACK: ECE alone
    h.expect(want);
    h.inject(seg::ack(301, 101));
    ASSERT_EQ(h.conn().state(), State::Established);
    EXPECT_EQ(h.conn().ecn_enabled(), c.enabled);
  }
}

// RFC 3168 §6.1.4-6.1.5: new data is ECT(0); pure ACKs and retransmissions are not.
TEST(Ecn, OnlyNewDataIsEcnCapable_Rfc3168_6_1_4_and_6_1_5) {
  Harness h(ecn_config(), 100);
  open_active(h, flags::kEce);
  send_bytes(h, 1000);
  h.expect(seg::data(101, 301, 1000).psh().ip_ecn(ecn::kEct0));
  h.advance(Duration::seconds(1));  // the RTO fires (perhaps more than once): the same data again
  auto again = h.drain();
  ASSERT_FALSE(again.empty());
  for (const Sent& s : again) {
    EXPECT_TRUE(s.seg.retransmission);
    EXPECT_EQ(s.seg.ecn, ecn::kNotEct);
  }
  EXPECT_EQ(h.inject(seg::data(301, 1101, 1)), DropReason::None);
  h.advance(Duration::millis(500));  // the delayed ACK
  h.expect(seg::ack(1101, 302).ip_ecn(ecn::kNotEct));
}

// RFC 3168 §6.1.3: a CE mark is echoed with ECE, at once and on every ACK,
// until a segment with CWR arrives; a CE on that segment starts it again.
TEST(Ecn, ReceiverEchoesCeUntilCwr_Rfc3168_6_1_3) {
  Harness h(ecn_config(), 100);
  open_active(h, flags::kEce);
  h.inject(seg::data(301, 101, 100).ip_ecn(ecn::kCe));
  h.expect(seg::ack(101, 401).ece());  // no delayed ACK for the first mark
  h.inject(seg::data(401, 101, 100).ip_ecn(ecn::kEct0));
  h.inject(seg::data(501, 101, 100).ip_ecn(ecn::kEct0));
  h.expect(seg::ack(101, 601).ece());  // still echoing: no CWR yet
  h.inject(seg::data(601, 101, 100).cwr().ip_ecn(ecn::kEct0));
  h.inject(seg::data(701, 101, 100).ip_ecn(ecn::kEct0));
  h.expect(seg::ack(101, 801));  // CWR ended the echo
  h.inject(seg::data(801, 101, 100).cwr().ip_ecn(ecn::kCe));
  h.expect(seg::ack(101, 901).ece());  // CWR and CE together: the mark wins
  EXPECT_EQ(h.conn().counters().ecn_ce_received, 2u);
  // Without ECN negotiated a CE mark means nothing to TCP.
  Harness plain(ecn_config(false), 100);
  plain.establish_active(300);
  plain.inject(seg::data(301, 101, 100).ip_ecn(ecn::kCe));
  plain.advance(Duration::millis(500));
  plain.expect(seg::ack(101, 401));
}

// RFC 3168 §6.1.2: an ECE halves the window as a loss would, at most once per
// round trip, and the next new data carries CWR.
TEST(Ecn, SenderCutsTheWindowOncePerRoundTripAndSendsCwr_Rfc3168_6_1_2) {
  Harness h(ecn_config(), 100);
  open_active(h, flags::kEce);
  send_bytes(h, 10000);
  auto first = h.drain();
  ASSERT_EQ(first.size(), 10u);  // IW = 10 segments (RFC 6928)
  const uint32_t cwnd0 = h.conn().congestion().cwnd();
  h.inject(seg::ack(301, 1101).ece());  // 9000 bytes still in flight
  EXPECT_EQ(h.conn().congestion().ssthresh(), 4500u);  // FlightSize / 2
  EXPECT_LE(h.conn().congestion().cwnd(), 4500u);
  EXPECT_LT(h.conn().congestion().cwnd(), cwnd0);
  EXPECT_EQ(h.conn().counters().ecn_reductions, 1u);
  const uint32_t cut = h.conn().congestion().cwnd();
  // More ECEs for data sent before the cut: no second cut.
  h.inject(seg::ack(301, 2101).ece());
  h.inject(seg::ack(301, 5101).ece());
  EXPECT_EQ(h.conn().counters().ecn_reductions, 1u);
  EXPECT_GE(h.conn().congestion().cwnd(), cut);
  // New data: the first segment after the cut carries CWR, the next does not.
  send_bytes(h, 2000);
  h.inject(seg::ack(301, 10101));  // everything acknowledged, no ECE
  auto sent = h.drain();
  ASSERT_GE(sent.size(), 2u);
  EXPECT_TRUE(sent[0].seg.cwr());
  EXPECT_EQ(sent[0].seg.ecn, ecn::kEct0);
  EXPECT_FALSE(sent[1].seg.cwr());
  // An ECE for data sent after the cut is a new round trip: cut again.
  h.inject(seg::ack(301, 11101).ece());
  EXPECT_EQ(h.conn().counters().ecn_reductions, 2u);
}

}  // namespace
}  // namespace synack::tcp::testing
