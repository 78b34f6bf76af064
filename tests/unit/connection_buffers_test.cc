// Per-connection buffer sizes (SO_SNDBUF / SO_RCVBUF): the window scale a
// receive buffer chooses (RFC 7323 §2.2), windows that grow and shrink after
// the handshake without moving the right edge left (RFC 9293 §3.8.6
// SHLD-14), and a send buffer that limits SEND (RFC 9293 §3.10.2) without
// losing what is queued.
#include "unit/connection_harness.h"

namespace synack::tcp::testing {
namespace {

// The default Config's receive buffer (256 KiB) needs shift 3.
constexpr uint8_t kDefaultShift = 3;

Sent only_segment(Harness& h) {
  std::vector<Sent> out = h.drain();
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? Sent{} : out.front();
}

size_t send_text(Harness& h, size_t n) {
  std::string d(n, 'a');
  return h.conn().send(h.now(), base::as_bytes(d.data(), d.size())).value();
}

// The right edge an ACK advertises: SEG.ACK + SEG.WND << scale.
uint32_t right_edge(const Sent& s, uint8_t shift) { return s.seg.ack.value() + (uint32_t{s.seg.wnd} << shift); }

TEST(Buffers, SmallReceiveBufferBeforeConnectGivesSmallerWindowAndScaleInSyn_Rfc7323_2_2) {
  Harness dflt;
  dflt.connect();
  Sent d = only_segment(dflt);
  ASSERT_TRUE(d.seg.options.window_scale.has_value());
  EXPECT_EQ(*d.seg.options.window_scale, kDefaultShift);
  EXPECT_EQ(d.seg.wnd, 65535);

  // 16 KiB fits the 16-bit field: shift 0, and the SYN offers 16 KiB.
  Harness h;
  ASSERT_TRUE(h.conn().set_recv_buffer(16384));
  h.connect();
  Sent s = only_segment(h);
  ASSERT_TRUE(s.seg.options.window_scale.has_value());
  EXPECT_EQ(*s.seg.options.window_scale, 0);
  EXPECT_EQ(s.seg.wnd, 16384);
  // The peer's SYN,ACK with a scale: our shift stays the one offered.
  h.inject(seg::syn_ack(300, 101).win(65535).mss(1460).wscale(7));
  h.expect(seg::ack(101, 301).win(17520));  // rounded up to whole segments
  EXPECT_EQ(h.conn().rcv().wscale, 0);
  EXPECT_EQ(h.conn().recv_buffer(), 17520u);  // 12 segments of 1460
}

TEST(Buffers, LargeReceiveBufferBeforeConnectGivesLargerScale_Rfc7323_2_2) {
  Harness h;
  ASSERT_TRUE(h.conn().set_recv_buffer(4u << 20));  // 4 MiB: 4 MiB >> 6 = 65536 > 65535, so 7
  h.connect();
  Sent s = only_segment(h);
  ASSERT_TRUE(s.seg.options.window_scale.has_value());
  EXPECT_EQ(*s.seg.options.window_scale, 7);
  EXPECT_EQ(s.seg.wnd, 65535);  // a SYN's window is never scaled
}

TEST(Buffers, ReceiveBufferBeforeThePeersSynChoosesTheSynAckScale_Rfc7323_2_2) {
  Harness h;
  h.listen();
  ASSERT_TRUE(h.conn().set_recv_buffer(8000));
  h.inject(seg::syn(300).win(65535).mss(1460).wscale(2));
  Sent s = only_segment(h);
  ASSERT_TRUE(s.seg.options.window_scale.has_value());
  EXPECT_EQ(*s.seg.options.window_scale, 0);
  EXPECT_EQ(s.seg.wnd, 8760);  // 8000 rounded up to 6 segments of 1460
}

TEST(Buffers, ScaleIsFixedOnceTheSynHasGoneOut_Rfc7323_2_2) {
  Harness h;
  h.connect();
  Sent syn = only_segment(h);
  ASSERT_EQ(*syn.seg.options.window_scale, kDefaultShift);
  ASSERT_TRUE(h.conn().set_recv_buffer(8192));  // after the SYN: the scale stays
  h.inject(seg::syn_ack(300, 101).win(65535).mss(1460).wscale(0));
  EXPECT_EQ(h.conn().rcv().wscale, kDefaultShift);
  Sent ack = only_segment(h);
  // 8192 rounded to 6 segments, 8760 bytes, carried with shift 3.
  EXPECT_EQ(uint32_t{ack.seg.wnd} << kDefaultShift, 8760u);
}

TEST(Buffers, GrowingTheReceiveBufferOpensTheWindowWithAnUpdate_Rfc9293_3_8_6_2_2) {
  Harness h;
  ASSERT_TRUE(h.conn().set_recv_buffer(4 * 1460));
  h.establish_active(300);  // no window scale: shift 0
  // Fill the buffer: the window closes.
  for (uint32_t i = 0; i < 4; ++i) h.inject(seg::data(301 + i * 1460, 101, 1460));
  Sent full = h.drain().back();
  EXPECT_EQ(full.seg.ack.value(), 301u + 4 * 1460);
  EXPECT_EQ(full.seg.wnd, 0);
  // A buffer 10 segments larger opens the window by more than two segments:
  // a window update goes out at once (BSD's rule).
  ASSERT_TRUE(h.conn().set_recv_buffer(14 * 1460));
  h.expect(seg::ack(101, 301 + 4 * 1460).win(10 * 1460));
  // A growth of less than two segments (and of less than half the buffer)
  // waits for the next ACK.
  ASSERT_TRUE(h.conn().set_recv_buffer(15 * 1460));
  h.expect_nothing();
  EXPECT_EQ(h.conn().rcv_wnd(), 11u * 1460);
}

TEST(Buffers, ShrinkingTheReceiveBufferNeverMovesTheRightEdgeLeft_Rfc9293_3_8_6_SHLD14) {
  Harness h;
  ASSERT_TRUE(h.conn().set_recv_buffer(10 * 1460));
  h.establish_active(300);
  const uint32_t edge = 301 + 10 * 1460;  // advertised by the ACK of the SYN,ACK
  ASSERT_EQ(h.conn().rcv().adv.value(), edge);
  ASSERT_TRUE(h.conn().set_recv_buffer(2 * 1460));
  EXPECT_EQ(h.conn().recv_buffer(), 2u * 1460);
  h.expect_nothing();  // shrinking announces nothing
  // The peer fills the window it was given, segment by segment, nobody
  // reading: every segment is accepted and no ACK pulls the edge in.
  for (uint32_t i = 0; i < 10; ++i) {
    EXPECT_EQ(h.inject(seg::data(301 + i * 1460, 101, 1460)), DropReason::None) << "segment " << i;
    for (const Sent& s : h.drain()) EXPECT_GE(right_edge(s, 0), edge) << describe(s.seg);
  }
  h.advance(Duration::millis(200));
  for (const Sent& s : h.drain()) EXPECT_GE(right_edge(s, 0), edge) << describe(s.seg);
  EXPECT_EQ(h.conn().rcv().nxt.value(), edge);
  EXPECT_EQ(h.conn().recv_available(), 10u * 1460);
  // Once read, the window reopens to the new, smaller buffer.
  EXPECT_EQ(h.read_all().size(), 10u * 1460);
  h.expect(seg::ack(101, edge).win(2 * 1460));
}

TEST(Buffers, SmallSendBufferLimitsWhatSendAccepts_Rfc9293_3_10_2) {
  Harness h;
  EXPECT_EQ(h.conn().send_buffer(), Config{}.send_buffer);
  ASSERT_TRUE(h.conn().set_send_buffer(4000));
  h.establish_active(300, 1000);  // a small peer window keeps data queued
  EXPECT_EQ(h.conn().send_buffer(), 4000u);
  EXPECT_EQ(send_text(h, 10000), 4000u);
  EXPECT_EQ(h.conn().send_space(), 0u);
  EXPECT_EQ(send_text(h, 1), 0u);
}

TEST(Buffers, ZeroOrTooLargeSizesAreRejectedAndChangeNothing) {
  Harness h;
  EXPECT_FALSE(h.conn().set_send_buffer(0));
  EXPECT_FALSE(h.conn().set_recv_buffer(0));
  EXPECT_FALSE(h.conn().set_send_buffer(Connection::kMaxBuffer + 1));
  EXPECT_FALSE(h.conn().set_recv_buffer(0xffffffffu));
  EXPECT_EQ(h.conn().send_buffer(), Config{}.send_buffer);
  EXPECT_EQ(h.conn().recv_buffer(), Config{}.recv_buffer);
  // The largest accepted size needs the largest shift (RFC 7323 §2.3: 14).
  ASSERT_TRUE(h.conn().set_recv_buffer(Connection::kMaxBuffer));
  h.connect();
  EXPECT_EQ(*only_segment(h).seg.options.window_scale, 14);
}

TEST(Buffers, ShrinkingTheSendBufferBelowQueuedDataLosesNothing_Rfc9293_3_10_2) {
  Harness h;
  h.establish_active(300, 2000);
  ASSERT_EQ(send_text(h, 10000), 10000u);
  ASSERT_TRUE(h.conn().set_send_buffer(3000));
  EXPECT_EQ(h.conn().send_queued(), 10000u);  // nothing dropped
  EXPECT_EQ(send_text(h, 100), 0u);
  h.events();
  // The peer acknowledges what arrives, 2000 bytes of window at a time, until
  // every queued byte has been delivered once, in order.
  uint32_t delivered = 0;
  for (int round = 0; round < 20 && delivered < 10000; ++round) {
    for (const Sent& s : h.drain()) {
      if (s.payload.empty()) continue;
      EXPECT_EQ(s.seg.seq.value(), 101 + delivered);
      delivered += static_cast<uint32_t>(s.payload.size());
    }
    h.inject(seg::ack(301, 101 + delivered).win(2000));
    if (h.conn().send_queued() < 3000 && h.conn().send_queued() > 0) {
      EXPECT_EQ(h.conn().send_space(), 3000 - h.conn().send_queued());
    }
  }
  EXPECT_EQ(delivered, 10000u);
  EXPECT_EQ(h.conn().send_queued(), 0u);
  // The application was told it may write again, and the new size holds.
  bool writable = false;
  for (const Event& e : h.events()) writable |= e.kind == EventKind::Writable;
  EXPECT_TRUE(writable);
  EXPECT_EQ(send_text(h, 5000), 3000u);
}

}  // namespace
}  // namespace synack::tcp::testing
