// Data transfer: RFC 9293 §3.7-3.8 and §3.10.7.4 (first and seventh checks).
#include "unit/connection_harness.h"

#include <algorithm>

#include "base/rng.h"
#include "wire/checksum.h"

namespace synack::tcp::testing {
namespace {

using base::Duration;

size_t send_str(Harness& h, const std::string& s) {
  auto r = h.conn().send(h.now(), base::as_bytes(s.data(), s.size()));
  EXPECT_TRUE(r.has_value());
  return r.value_or(0);
}

Config mss1000() {
  Config c;
  c.mss = 1000;
  return c;
}

TEST(Data, SegmentsAtTheSendMssWithPshOnTheLast_Rfc9293_3_7_1_MUST61) {
  Harness h(mss1000(), 100);
  h.establish_active(300);
  send_str(h, std::string(3500, 'a'));
  h.expect(seg::data(101, 301, 1000));
  h.expect(seg::data(1101, 301, 1000));
  h.expect(seg::data(2101, 301, 1000));
  h.expect(seg::data(3101, 301, 500).psh());
  h.expect_nothing();
}

TEST(Data, InitialWindowLimitsTheFirstFlight_Rfc6928) {
  Harness h(mss1000(), 100);
  h.establish_active(300);
  send_str(h, std::string(20000, 'a'));
  auto sent = h.drain();
  size_t bytes = 0;
  for (auto& s : sent) bytes += s.payload.size();
  EXPECT_EQ(bytes, 10000u);  // IW = min(10*MSS, max(2*MSS, 14600)) with MSS 1000
  h.inject(seg::ack(301, 2101));  // two segments acknowledged: slow start grows cwnd
  sent = h.drain();
  bytes = 0;
  for (auto& s : sent) bytes += s.payload.size();
  EXPECT_EQ(bytes, 4000u);  // 2000 freed + 2000 growth (RFC 3465 §2.2: up to 2*SMSS per ACK)
}

// Congestion window validation (RFC 7661 §1 on why; the rule of Linux's
// tcp_is_cwnd_limited): ACKs of a flight far below cwnd do not grow it, or an
// application that writes a segment at a time would build a window the path
// never carried, and its first large write would burst it all at once. A
// flight that fills cwnd grows it as before (RFC 5681 §3.1, RFC 3465 §2.2).
TEST(Congestion, CwndGrowsOnlyWhileTheFlightUsesIt_Rfc7661) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  const uint32_t iw = h.conn().info().snd_cwnd;
  const uint32_t mss = h.conn().info().snd_mss;
  ASSERT_EQ(iw, 10 * mss);  // RFC 6928
  uint32_t next = 101;
  for (int i = 0; i < 30; ++i) {  // one segment in flight at a time, each acknowledged
    send_str(h, std::string(mss, 'a'));
    ASSERT_EQ(h.drain().size(), 1u);
    next += mss;
    h.inject(seg::ack(301, next));
  }
  EXPECT_EQ(h.conn().info().snd_cwnd, iw);  // slow start would have added 30 segments
  send_str(h, std::string(iw, 'a'));
  EXPECT_EQ(h.drain().size(), 10u);  // the whole window at once
  next += iw;
  h.inject(seg::ack(301, next));
  EXPECT_EQ(h.conn().info().snd_cwnd, iw + 2 * mss);  // used: it grows, by at most 2 SMSS per ACK
}

// RFC 2861 §3 (Linux's tcp_cwnd_application_limited): a cwnd the sender
// leaves unused for a whole RTO decays halfway to the largest flight it did
// use (the initial window at least), and ssthresh keeps 3/4 of the old cwnd.
// The window is first grown to 40 segments by full flights; the application
// then sends two segments per 100 ms round trip. Within the first RTO nothing
// changes; after 2 s (several RTOs) cwnd is close to the initial window.
// Without the decay it would stay at 40 segments.
TEST(Congestion, UnusedCwndDecaysEachRto_Rfc2861_3) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  const uint32_t mss = h.conn().info().snd_mss;
  const uint32_t iw = h.conn().info().snd_cwnd;
  uint32_t next = 101;
  for (int round = 0; round < 2; ++round) {  // slow start: each ACK of a full flight adds 1 SMSS
    const uint32_t cwnd = h.conn().info().snd_cwnd;
    send_str(h, std::string(cwnd, 'a'));
    ASSERT_EQ(h.drain().size(), cwnd / mss);
    for (uint32_t k = 0; k < cwnd / mss; ++k) h.inject(seg::ack(301, next += mss));
  }
  const uint32_t grown = h.conn().info().snd_cwnd;
  ASSERT_EQ(grown, 4 * iw);
  auto app_limited_round = [&] {
    send_str(h, std::string(2 * mss, 'a'));
    ASSERT_EQ(h.drain().size(), 2u);
    h.advance(Duration::millis(100));
    h.inject(seg::ack(301, next += 2 * mss));
  };
  app_limited_round();
  EXPECT_EQ(h.conn().info().snd_cwnd, grown);  // less than an RTO (at least 200 ms) so far
  for (int i = 0; i < 20; ++i) app_limited_round();
  const Connection::Info i = h.conn().info();
  EXPECT_LT(i.snd_cwnd, iw + 4 * mss);  // 40 -> 25 -> 17.5 -> ... toward 10 segments
  EXPECT_GE(i.snd_cwnd, iw);            // never below what was used or the IW
  EXPECT_GE(i.snd_ssthresh, grown / 2 + grown / 4);
  EXPECT_EQ(i.retransmits, 0u);
}

// TCP_CORK (Linux; RFC 9293 §3.7.4 leaves the coalescing of writes to the
// implementation, SHLD-7): while corked, short writes wait and only full
// segments go, even with nothing in flight and Nagle off; taking the cork out
// sends what waits, with PSH as the queue drains (MUST-61).
TEST(Cork, ShortWritesWaitUntilUncorked_Rfc9293_3_7_4) {
  Harness h(mss1000(), 100);
  h.establish_active(300);
  h.conn().set_nagle(false);  // the cork wins over TCP_NODELAY set before it
  h.conn().set_cork(true);
  EXPECT_TRUE(h.conn().cork());
  send_str(h, std::string(300, 'a'));
  h.advance(Duration::millis(50));
  send_str(h, std::string(300, 'b'));
  h.expect_nothing();
  send_str(h, std::string(900, 'c'));  // 1500 queued: one full segment goes
  h.expect(seg::data(101, 301, 1000));
  h.expect_nothing();
  h.conn().set_cork(false);
  h.expect(seg::data(1101, 301, 500).psh());
}

// The cork never holds data for ever: with nothing in flight the persist
// timer's sender-SWS override (§3.8.6.2.1) sends a corked short segment
// after one RTO (200 ms at least here: Linux documents a 200 ms ceiling),
// and a FIN (close) sends it at once.
TEST(Cork, CorkedDataGoesAfterOneRtoOrWithTheFin_Rfc9293_3_8_6_2_1) {
  Harness h(mss1000(), 100);
  h.establish_active(300);
  h.conn().set_cork(true);
  send_str(h, std::string(100, 'a'));
  h.expect_nothing();
  const Duration rto = Duration::micros(h.conn().info().rto_us);
  ASSERT_GE(rto, Duration::millis(200));
  h.advance(rto - Duration::millis(1));
  h.expect_nothing();
  h.advance(Duration::millis(1));
  h.expect(seg::data(101, 301, 100).psh());
  h.inject(seg::ack(301, 201));
  send_str(h, std::string(100, 'b'));
  h.expect_nothing();
  ASSERT_TRUE(h.conn().close(h.now()).has_value());
  h.expect(seg::data(201, 301, 100).psh().fin());
}

// MSG_MORE (Linux): a send that says more follows waits like a corked one and
// carries no PSH; a later send without it lets everything go. An ACK also
// ends the wait (Linux then sends by the socket's own rules), and so does
// switching Nagle off, which pushes what is queued past the cork.
TEST(Cork, MsgMoreHoldsOneSendAndSetsNoPsh_Rfc9293_3_7_4_MUST61) {
  Harness h(mss1000(), 100);
  h.establish_active(300);
  ASSERT_TRUE(h.conn().send(h.now(), base::as_bytes("hello", 5), /*more=*/true).has_value());
  h.expect_nothing();
  ASSERT_TRUE(h.conn().send(h.now(), base::as_bytes("world", 5)).has_value());
  h.expect(seg::data(101, 301, 10).psh());
  h.inject(seg::ack(301, 111));
  ASSERT_TRUE(h.conn().send(h.now(), base::as_bytes("more", 4), /*more=*/true).has_value());
  h.expect_nothing();
  h.conn().set_nagle(false);  // a push: the queued bytes go, still without PSH
  Sent s = h.expect(seg::data(111, 301, 4));
  EXPECT_FALSE(s.seg.psh());
  h.conn().set_nagle(true);
  h.conn().set_cork(true);
  send_str(h, "x");  // corked and behind an unacknowledged segment
  h.expect_nothing();
  h.inject(seg::ack(301, 115));  // an ACK does not take a TCP_CORK out
  h.expect_nothing();
}

// TCP_INFO's chronographs (Linux's tcpi_busy_time and tcpi_sndbuf_limited):
// busy while data is queued, and within that "send-buffer limited" from the
// write that found the buffer full until an ACK makes room; no clock runs
// once everything is acknowledged.
TEST(Chrono, SndbufLimitedRunsFromAFullBufferUntilAnAckMakesRoom) {
  Harness h(mss1000(), 100);
  h.establish_active(300);
  ASSERT_TRUE(h.conn().set_send_buffer(2000));
  EXPECT_EQ(h.conn().chronos(h.now()).busy_us, 0u);
  EXPECT_EQ(send_str(h, std::string(3000, 'a')), 2000u);  // the buffer is full
  ASSERT_EQ(h.drain().size(), 2u);
  h.advance(Duration::millis(50));
  Connection::Chronos c = h.conn().chronos(h.now());
  EXPECT_EQ(c.sndbuf_limited_us, 50'000u);
  EXPECT_EQ(c.busy_us, 50'000u);
  EXPECT_EQ(c.rwnd_limited_us, 0u);
  h.inject(seg::ack(301, 1101));  // room again: busy, no longer limited
  h.advance(Duration::millis(20));
  c = h.conn().chronos(h.now());
  EXPECT_EQ(c.sndbuf_limited_us, 50'000u);
  EXPECT_EQ(c.busy_us, 70'000u);
  h.inject(seg::ack(301, 2101));  // all acknowledged
  h.advance(Duration::millis(100));
  c = h.conn().chronos(h.now());
  EXPECT_EQ(c.busy_us, 70'000u);
  EXPECT_EQ(c.sndbuf_limited_us, 50'000u);
}

TEST(Data, NagleHoldsSmallSegmentsWhileDataIsUnacked_Rfc9293_3_7_4) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  send_str(h, "hello");
  h.expect(seg::data(101, 301, 5).psh());
  send_str(h, "world");
  h.expect_nothing();  // Nagle: one small segment outstanding at a time
  h.inject(seg::ack(301, 106));
  h.expect(seg::data(106, 301, 5).psh());
}

TEST(Data, NagleCanBeSwitchedOff_Rfc9293_3_7_4_MUST17) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.conn().set_nagle(false);
  send_str(h, "hello");
  h.expect(seg::data(101, 301, 5).psh());
  send_str(h, "world");
  h.expect(seg::data(106, 301, 5).psh());
}

Config no_quick_acks() {
  Config c;
  c.quick_acks = 0;
  return c;
}

TEST(Data, QuickAcksAtTheStartThenDelayed_Rfc9293_3_8_6_3) {
  Config cfg;
  cfg.quick_acks = 2;
  Harness h(cfg, 100);
  h.establish_active(300);
  h.inject(seg::data(301, 101, 100));
  h.expect(seg::ack(101, 401));  // quick ACK 1
  h.inject(seg::data(401, 101, 100));
  h.expect(seg::ack(101, 501));  // quick ACK 2
  h.inject(seg::data(501, 101, 100));
  h.expect_nothing();            // now delayed
  h.advance(Duration::millis(41));
  h.expect(seg::ack(101, 601));
}

TEST(Data, DelayedAckFiresWithinHalfASecond_Rfc9293_3_8_6_3_MUST40) {
  Harness h(no_quick_acks(), 100);
  h.establish_active(300);
  h.inject(seg::data(301, 101, 100));
  h.expect_nothing();
  h.advance(Duration::millis(39));
  h.expect_nothing();
  h.advance(Duration::millis(2));
  h.expect(seg::ack(101, 401));
}

TEST(Data, AckAtLeastEverySecondFullSegment_Rfc9293_3_8_6_3_SHLD19) {
  Harness h(no_quick_acks(), 100);
  h.establish_active(300);
  h.inject(seg::data(301, 101, 1460));
  h.expect_nothing();
  h.inject(seg::data(1761, 101, 1460));
  h.expect(seg::ack(101, 3221));
}

TEST(Data, OutOfOrderIsReassembledAndAckedAtOnce_Rfc9293_3_10_7_4_SHLD31) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.inject(seg::data(311, 101, 0).data("0123456789"));  // bytes 10..19 first
  h.expect(seg::ack(101, 301));                          // duplicate ACK at once
  EXPECT_EQ(h.read_all(), "");
  h.inject(seg::data(301, 101, 0).data("abcdefghij"));  // fills the hole
  h.expect(seg::ack(101, 321));                          // immediate ACK after the hole closes
  EXPECT_EQ(h.read_all(), "abcdefghij0123456789");
}

TEST(Data, OverlappingRetransmissionDeliversOnlyNewData_Rfc9293_3_10_7_4) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.inject(seg::data(301, 101, 0).data("abcde"));
  h.inject(seg::data(303, 101, 0).data("cdefgh"));  // "cde" old, "fgh" new
  EXPECT_EQ(h.read_all(), "abcdefgh");
  EXPECT_EQ(h.conn().rcv().nxt, SeqNum(309));
}

// The four cases of Table 6 (§3.10.7.4).
TEST(Data, AcceptabilityZeroLengthOpenWindow_Rfc9293_3_10_7_4_Table6) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  EXPECT_EQ(h.inject(seg::ack(301 + 100, 101)), DropReason::None);   // inside the window
  EXPECT_EQ(h.inject(seg::ack(250, 101)), DropReason::Unacceptable);  // left of it
  h.expect(seg::ack(101, 301));  // unacceptable segments get an ACK
}

// Receive buffers are rounded up to whole segments (MSS 1460 here), so these
// tests use multiples of 1460.
TEST(Data, AcceptabilityWithZeroWindow_Rfc9293_3_10_7_4_Table6) {
  Config cfg;
  cfg.recv_buffer = 2920;
  Harness h(cfg, 100);
  h.establish_active(300);
  h.inject(seg::data(301, 101, 2920));
  h.advance(Duration::millis(50));
  Sent a = h.expect(seg::ack(101, 3221));
  EXPECT_EQ(a.seg.wnd, 0);
  EXPECT_EQ(h.conn().rcv_wnd(), 0u);
  EXPECT_EQ(h.inject(seg::ack(3221, 101)), DropReason::None);                // len 0, SEQ = RCV.NXT
  EXPECT_EQ(h.inject(seg::data(3221, 101, 1)), DropReason::Unacceptable);    // len > 0, window 0
  h.expect(seg::ack(101, 3221));
  EXPECT_EQ(h.inject(seg::ack(3222, 101)), DropReason::Unacceptable);        // len 0, SEQ != RCV.NXT
}

TEST(Data, DataBeyondTheWindowIsTrimmed_Rfc9293_3_10_7_4) {
  Config cfg;
  cfg.recv_buffer = 1460;
  Harness h(cfg, 100);
  h.establish_active(300);
  h.inject(seg::data(301, 101, 2000));
  EXPECT_EQ(h.conn().recv_available(), 1460u);
  EXPECT_EQ(h.conn().rcv().nxt, SeqNum(1761));
}

TEST(Data, ReceiveBufferIsRoundedUpToWholeSegments) {
  Config cfg;
  cfg.recv_buffer = 65536;
  Harness h(cfg, 100);
  h.establish_active(300);
  EXPECT_EQ(h.conn().rcv_wnd(), 65700u);  // 45 * 1460, as BSD sizes it
}

TEST(Data, WindowUpdateAfterTheApplicationReads_Rfc9293_3_8_6_2_2) {
  Config cfg;
  cfg.recv_buffer = 4380;
  Harness h(cfg, 100);
  h.establish_active(300);
  h.inject(seg::data(301, 101, 1460));
  h.inject(seg::data(1761, 101, 1460));
  Sent a = h.expect(seg::ack(101, 3221));
  EXPECT_EQ(a.seg.wnd, 4380 - 2920);
  std::vector<uint8_t> buf(10);
  h.conn().recv(h.now(), buf);  // 10 bytes freed: not worth a window update (SWS)
  h.expect_nothing();
  h.read_all();
  Sent u = h.expect(seg::ack(101, 3221));  // now the window opened by >= min(RCV.BUFF/2, MSS)
  EXPECT_EQ(u.seg.wnd, 4380);
}

TEST(Data, ZeroWindowIsProbed_Rfc9293_3_8_6_1_MUST36) {
  Harness h(Config{}, 100);
  h.establish_active(300, /*peer_win=*/0);
  send_str(h, "data");
  h.expect_nothing();  // the window is closed
  Duration rto = h.conn().rtt().rto();
  h.advance(rto + Duration::millis(1));
  h.expect(seg::ack(100, 301));  // probe: an old sequence number asks for the window
  h.advance(rto);
  h.expect_nothing();            // exponential backoff (SHLD-30): next one after 2*RTO
  h.advance(rto + Duration::millis(1));
  h.expect(seg::ack(100, 301));
  h.inject(seg::ack(301, 101).win(1000));
  h.expect(seg::data(101, 301, 4).psh());
  EXPECT_GE(h.conn().counters().probes, 2u);
}

TEST(Data, ZeroWindowKeepsConnectionOpenWhileProbesAreAnswered_Rfc9293_MUST37) {
  Harness h(Config{}, 100);
  h.establish_active(300, 0);
  send_str(h, "data");
  for (int i = 0; i < 40; ++i) {
    h.advance(Duration::seconds(60));
    h.drain();
    h.inject(seg::ack(301, 101).win(0));
  }
  h.expect_state(State::Established);
}

TEST(Data, WindowUpdateUsesWl1Wl2Rule_Rfc9293_3_10_7_4) {
  Harness h(Config{}, 100);
  h.establish_active(300, 5000);
  h.inject(seg::data(301, 101, 10).win(7000));
  EXPECT_EQ(h.conn().snd().wnd, 7000u);
  h.inject(seg::data(321, 101, 10).win(8000));  // newer segment (out of order): updates
  EXPECT_EQ(h.conn().snd().wnd, 8000u);
  h.inject(seg::data(311, 101, 10).win(100));   // older segment (SND.WL1 > SEG.SEQ): ignored
  EXPECT_EQ(h.conn().snd().wnd, 8000u);
  EXPECT_EQ(h.read_all().size(), 30u);
}

TEST(Data, AckOfUnsentDataIsAckedAndDropped_Rfc9293_3_10_7_4) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  EXPECT_EQ(h.inject(seg::ack(301, 5000)), DropReason::AckTooNew);
  h.expect(seg::ack(101, 301));
}

TEST(Data, AncientAckIsChallenged_Rfc5961_5) {
  Harness h(Config{}, 100);
  h.establish_active(300, 1000);
  send_str(h, std::string(1000, 'a'));
  h.drain();
  h.inject(seg::ack(301, 1101).win(1000));
  EXPECT_EQ(h.inject(seg::ack(301, 50)), DropReason::AckTooOld);  // below SND.UNA - MAX.SND.WND
  h.expect(seg::ack(1101, 301));
  EXPECT_EQ(h.conn().counters().challenge_acks, 1u);
}

TEST(Data, OneSegmentCarryingTwoFullSegmentsIsAckedAtOnce_Rfc9293_3_8_6_3) {
  Harness h(no_quick_acks(), 100);
  h.establish_active(300);
  h.inject(seg::data(301, 101, 2920));  // a coalesced burst (LRO/TSO on the path)
  h.expect(seg::ack(101, 3221));
}

TEST(Data, SegmentWithoutAckIsDropped_Rfc9293_3_10_7_4_Fifth) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  EXPECT_EQ(h.inject(seg::bare(0, 301).len(10)), DropReason::NoAck);
  EXPECT_EQ(h.conn().recv_available(), 0u);
}

TEST(Data, SendBufferFullThenWritable) {
  Config cfg;
  cfg.send_buffer = 3000;
  Harness h(cfg, 100);
  h.establish_active(300);
  EXPECT_EQ(send_str(h, std::string(5000, 'a')), 3000u);
  h.events();
  h.drain();
  h.inject(seg::ack(301, 1561));
  bool writable = false;
  for (auto& e : h.events()) writable |= e.kind == EventKind::Writable;
  EXPECT_TRUE(writable);
  EXPECT_EQ(h.conn().send_space(), 1460u);
}

TEST(Data, SenderSwsAvoidanceWaitsForAUsefulWindow_Rfc9293_3_8_6_2_1) {
  Harness h(Config{}, 100);
  h.establish_active(300, 10000);
  send_str(h, std::string(10000, 'a'));
  h.drain();  // fills the 10000-byte window
  h.inject(seg::ack(301, 10101).win(100));  // all acked, tiny window offered
  send_str(h, std::string(5000, 'b'));
  h.expect_nothing();  // 100 bytes < half the max window, and more is queued
  h.advance(Duration::millis(1100));  // the override timeout lets it go
  h.expect(seg::data(10101, 301, 100));
}

// The payload's checksum is summed as the payload is copied out of the send
// ring (wire::checksum_copy), and where the copy wraps around the end of the
// ring the second piece may start at an odd offset (RFC 1071 §2(B)). With
// writes and partial ACKs of random sizes in a 4 KiB ring, every data segment
// carries the sum of exactly its bytes.
TEST(Data, EverySegmentCarriesTheChecksumOfItsPayload_Rfc1071) {
  Config c = mss1000();
  c.send_buffer = 4096;
  Harness h(c, 100);
  h.establish_active(300);
  base::Rng rng(1071);
  uint32_t una = 101, nxt = 101;
  size_t checked = 0;
  for (int round = 0; round < 400; ++round) {
    std::string d(1 + rng.below(1500), '\0');
    for (auto& ch : d) ch = static_cast<char>(rng.next_u32());
    (void)h.conn().send(h.now(), base::as_bytes(d.data(), d.size()));  // short when the ring is full
    for (const Sent& s : h.drain()) {
      if (s.payload.empty()) continue;
      ASSERT_TRUE(s.seg.payload_summed) << describe(s.seg);
      // 0 and 0xffff both stand for zero: compare modulo 0xffff.
      ASSERT_EQ(s.seg.payload_sum % 0xffff, wire::checksum_partial(s.payload) % 0xffff) << describe(s.seg);
      ++checked;
      nxt = std::max(nxt, s.seg.seq.value() + static_cast<uint32_t>(s.payload.size()));
    }
    // Acknowledge part of what is in flight, so the ring keeps data and wraps.
    una += (nxt - una) * static_cast<uint32_t>(1 + rng.below(3)) / 4;
    h.inject(seg::ack(301, una));
  }
  EXPECT_GT(checked, 300u);
}

}  // namespace
}  // namespace synack::tcp::testing

namespace synack::tcp::testing {
namespace {

TEST(Data, SegmentCoveringAllHeldDataIsAckedAtOnce_Rfc5681_4_2) {
  Config cfg;
  cfg.quick_acks = 0;
  Harness h(cfg, 100);
  h.establish_active(300);
  h.inject(seg::data(311, 101, 10));  // out of order: held, duplicate ACK
  h.expect(seg::ack(101, 301));
  h.inject(seg::data(301, 101, 30));  // covers the hole and everything held
  h.expect(seg::ack(101, 331));       // at once, not after the delayed-ACK timer
}

// ---------------------------------------------------------------------------
// A posted RECEIVE (§3.10.3: the request is queued until text arrives).

bool has_readable(Harness& h) {
  auto ev = h.events();
  return std::any_of(ev.begin(), ev.end(), [](const Event& e) { return e.kind == EventKind::Readable; });
}

std::string text_of(const std::vector<uint8_t>& b, size_t n) { return std::string(b.begin(), b.begin() + static_cast<long>(n)); }

TEST(PostedRecv, InOrderTextLandsInThePostedBuffer_Rfc9293_3_10_3) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  h.events();
  std::vector<uint8_t> buf(100, 0);
  ASSERT_EQ(*h.conn().post_recv(h.now(), buf), 0u);  // nothing queued: the request waits
  EXPECT_TRUE(h.conn().recv_posted());
  h.inject(seg::data(301, 101, 0).data("abcdefghij"));
  EXPECT_FALSE(has_readable(h));  // the RECEIVE completes on PUSH or a full buffer
  EXPECT_EQ(h.conn().recv_available(), 0u);  // not through the receive buffer
  EXPECT_EQ(h.conn().posted_landed(), 10u);
  h.inject(seg::data(311, 101, 0).data("klm").psh());
  EXPECT_TRUE(has_readable(h));
  // The right edge stays where it was announced (receiver SWS avoidance,
  // §3.8.6.2.2), exactly as if the 13 bytes had been queued and read.
  h.expect(seg::ack(101, 314).win(65535 - 13));
  EXPECT_EQ(h.conn().take_posted(), 13u);
  EXPECT_EQ(text_of(buf, 13), "abcdefghijklm");
  EXPECT_FALSE(h.conn().recv_posted());
  EXPECT_EQ(h.conn().take_posted(), 0u);
}

TEST(PostedRecv, TextBeyondThePostedBufferWaitsInOrder_Rfc9293_3_10_3) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  std::vector<uint8_t> buf(4, 0);
  ASSERT_EQ(*h.conn().post_recv(h.now(), buf), 0u);
  h.events();
  h.inject(seg::data(301, 101, 0).data("abcdefghij"));
  EXPECT_TRUE(has_readable(h));  // the buffer filled: the RECEIVE completes without PUSH
  // One RECEIVE at a time: the later bytes are not handed out before the posted ones.
  std::vector<uint8_t> other(100);
  EXPECT_EQ(h.conn().recv(h.now(), other).error(), Error::InsufficientResources);
  EXPECT_EQ(h.conn().post_recv(h.now(), other).error(), Error::InsufficientResources);
  EXPECT_EQ(h.conn().take_posted(), 4u);
  EXPECT_EQ(text_of(buf, 4), "abcd");
  // Queued text completes a RECEIVE at once, posted or not.
  auto r = h.conn().post_recv(h.now(), other);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(text_of(other, *r), "efghij");
  EXPECT_FALSE(h.conn().recv_posted());
}

TEST(PostedRecv, OutOfOrderTextIsHeldAndDeliveredInOrder_Rfc9293_3_10_7_4) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  std::vector<uint8_t> buf(100, 0);
  ASSERT_EQ(*h.conn().post_recv(h.now(), buf), 0u);
  h.inject(seg::data(306, 101, 0).data("fghij"));  // ahead of RCV.NXT: held
  EXPECT_EQ(h.conn().take_posted(), 0u);
  ASSERT_EQ(*h.conn().post_recv(h.now(), buf), 0u);
  h.inject(seg::data(301, 101, 0).data("abcde"));  // fills the hole
  size_t landed = h.conn().take_posted();
  std::string got = text_of(buf, landed) + h.read_all();
  EXPECT_EQ(got, "abcdefghij");
}

TEST(PostedRecv, EndOfStreamCompletesAtOnce_Rfc9293_3_10_3) {
  Harness h(Config{}, 100);
  h.establish_active(300);
  std::vector<uint8_t> buf(100, 0);
  ASSERT_EQ(*h.conn().post_recv(h.now(), buf), 0u);
  h.inject(seg::data(301, 101, 0).data("xy").fin());
  EXPECT_EQ(h.conn().take_posted(), 2u);
  EXPECT_EQ(text_of(buf, 2), "xy");
  EXPECT_EQ(h.conn().post_recv(h.now(), buf).error(), Error::ConnectionClosing);
  EXPECT_FALSE(h.conn().recv_posted());
}

TEST(PostedRecv, CloseAndAbortGiveThePostedBufferBack_Rfc9293_3_10_4) {
  for (bool use_abort : {false, true}) {
    SCOPED_TRACE(use_abort ? "abort" : "close");
    Harness h(Config{}, 100);
    h.establish_active(300);
    std::vector<uint8_t> buf(100, '.');
    ASSERT_EQ(*h.conn().post_recv(h.now(), buf), 0u);
    if (use_abort) {
      h.conn().abort(h.now());
    } else {
      ASSERT_TRUE(h.conn().close(h.now()).has_value());
    }
    EXPECT_FALSE(h.conn().recv_posted());
    // Text the peer still sends (FIN-WAIT-1 receives) never reaches the buffer.
    h.inject(seg::data(301, 101, 0).data("late"));
    EXPECT_EQ(std::count(buf.begin(), buf.end(), '.'), 100);
  }
}

}  // namespace
}  // namespace synack::tcp::testing
