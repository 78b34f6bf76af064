// The urgent mechanism: RFC 9293 §3.8.5 (MUST-30..33), §3.10.2 (SEND with the
// URGENT flag), §3.10.7.4 sixth check; pointer semantics of RFC 6093 §4 (the
// urgent pointer points just past the last urgent byte). Urgent data stays
// inline in the byte stream.
#include <algorithm>

#include "unit/connection_harness.h"

namespace synack::tcp::testing {
namespace {

size_t send_urgent(Harness& h, const std::string& s) {
  auto r = h.conn().send_urgent(h.now(), base::as_bytes(s.data(), s.size()));
  EXPECT_TRUE(r.has_value());
  return r.value_or(0);
}

size_t count_urgent_events(Harness& h) {
  auto ev = h.events();
  return static_cast<size_t>(
      std::count_if(ev.begin(), ev.end(), [](const Event& e) { return e.kind == EventKind::Urgent; }));
}

TEST(Urgent, SendSetsUrgAndThePointerPastTheLastUrgentByte_Rfc9293_3_10_2_MUST30) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  ASSERT_EQ(send_urgent(h, "abc"), 3u);
  Sent s = h.expect(seg::data(101, 301, 3).psh().urg(3));
  EXPECT_TRUE(s.seg.flags & flags::kUrg);
  EXPECT_EQ(s.seg.urg, 3u);  // SEG.SEQ + 3 = 104, just past the last urgent byte
  // Acknowledged: urgent mode ends; the next segment carries no URG.
  h.inject(seg::ack(301, 104));
  h.conn().set_nagle(false);
  auto r = h.conn().send(h.now(), base::as_bytes("d", 1));
  ASSERT_TRUE(r.has_value());
  Sent t = h.expect(seg::data(104, 301, 1).psh());
  EXPECT_FALSE(t.seg.flags & flags::kUrg);
  EXPECT_EQ(t.seg.urg, 0u);
}

TEST(Urgent, EverySegmentBeforeTheUrgentPointerCarriesIt_Rfc9293_3_8_5_MUST31) {
  // Urgent data of any length: 3 segments, each pointing at the same SND.UP.
  Config c;
  c.mss = 1000;
  Harness h(c, 100);
  h.establish_active(300);
  ASSERT_EQ(send_urgent(h, std::string(2500, 'u')), 2500u);
  auto sent = h.drain();
  ASSERT_EQ(sent.size(), 3u);
  for (const Sent& s : sent) {
    EXPECT_TRUE(s.seg.flags & flags::kUrg);
    EXPECT_EQ(s.seg.seq + s.seg.urg, SeqNum(2601));
  }
}

TEST(Urgent, PointerBeyond16BitsIsClampedAndMovesOn_Rfc9293_3_8_5_MUST31) {
  Config c;
  c.mss = 1000;
  c.send_buffer = 1 << 20;
  Harness h(c, 100);
  h.establish_active(300);
  ASSERT_EQ(send_urgent(h, std::string(100000, 'u')), 100000u);
  Sent first = h.drain().front();
  EXPECT_TRUE(first.seg.flags & flags::kUrg);
  EXPECT_EQ(first.seg.urg, 0xffffu);  // SND.UP is 100000 ahead: as far as 16 bits reach
}

TEST(Urgent, UrgentDataIsNotHeldByNagle_Rfc9293_3_8_5) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  auto r = h.conn().send(h.now(), base::as_bytes("hello", 5));
  ASSERT_TRUE(r.has_value());
  h.expect(seg::data(101, 301, 5).psh());
  send_urgent(h, "!");
  Sent s = h.expect(seg::data(106, 301, 1).psh().urg(1));  // Nagle would hold it (a small segment is unacked)
  EXPECT_TRUE(s.seg.flags & flags::kUrg);
  EXPECT_EQ(s.seg.urg, 1u);
}

TEST(Urgent, ReceiverSignalsAndCountsUrgentData_Rfc9293_3_10_7_4_MUST32_MUST33) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.events();
  EXPECT_EQ(h.conn().urgent_remaining(), 0u);
  h.inject(seg::data(301, 101, 10).urg(4));  // bytes 301..304 are urgent
  EXPECT_EQ(count_urgent_events(h), 1u);
  EXPECT_EQ(h.conn().urgent_remaining(), 4u);
  // The data stays inline: reading 2 bytes leaves 2 urgent ones.
  std::vector<uint8_t> buf(2);
  ASSERT_EQ(h.conn().recv(h.now(), buf).value_or(0), 2u);
  EXPECT_EQ(h.conn().urgent_remaining(), 2u);
  // A retransmission of the same pointer is not signalled again.
  h.inject(seg::data(301, 101, 10).urg(4));
  EXPECT_EQ(count_urgent_events(h), 0u);
  // Reading past RCV.UP ends urgent mode.
  std::vector<uint8_t> rest(8);
  ASSERT_EQ(h.conn().recv(h.now(), rest).value_or(0), 8u);
  EXPECT_EQ(h.conn().urgent_remaining(), 0u);
}

TEST(Urgent, AdvancingPointerIsSignalledAgain_Rfc9293_3_8_5_MUST32) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.events();
  h.inject(seg::data(301, 101, 10).urg(5));
  EXPECT_EQ(count_urgent_events(h), 1u);
  h.inject(seg::data(311, 101, 10).urg(10));  // RCV.UP moves from 306 to 321
  EXPECT_EQ(count_urgent_events(h), 1u);
  EXPECT_EQ(h.conn().urgent_remaining(), 20u);
  // An older, smaller pointer never moves RCV.UP back: max(RCV.UP, SEG.UP).
  h.inject(seg::data(321, 101, 10).urg(0));
  EXPECT_EQ(count_urgent_events(h), 0u);
  EXPECT_EQ(h.conn().urgent_remaining(), 20u);
}

TEST(Urgent, PointerMayLeadTheDataReceived_Rfc6093_4) {
  // The pointer can point past the data that has arrived: the application
  // learns that urgent data is coming before all of it is there.
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.events();
  h.inject(seg::data(301, 101, 10).urg(1000));
  EXPECT_EQ(count_urgent_events(h), 1u);
  EXPECT_EQ(h.conn().urgent_remaining(), 1000u);
}

TEST(Urgent, UrgIsIgnoredAfterThePeersFin_Rfc9293_3_10_7_4) {
  // CLOSE-WAIT: "This should not occur since a FIN has been received from the
  // remote side. Ignore the URG."
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.inject(seg::fin_ack(301, 101));
  h.expect_state(State::CloseWait);
  h.events();
  h.inject(seg::ack(302, 101).urg(5));
  EXPECT_EQ(count_urgent_events(h), 0u);
  EXPECT_EQ(h.conn().urgent_remaining(), 0u);
}

}  // namespace
}  // namespace synack::tcp::testing
