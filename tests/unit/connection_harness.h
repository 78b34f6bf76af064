#pragma once
// A harness that drives one tcp::Connection the way the protocol exchange reads:
//
//   h.connect();
//   h.expect(seg::syn(100).mss(1460));
//   h.inject(seg::syn_ack(300, 101).win(8192).mss(1460));
//   h.expect(seg::ack(101, 301));
//   h.expect_state(State::Established);
//
// Time is virtual: advance() moves the clock and fires due timers.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "tcp/connection.h"

namespace synack::tcp::testing {

// A segment description for injecting and for expecting. Fields left unset are
// not compared by expect().
class SegSpec {
 public:
  SegSpec(uint8_t flags, uint32_t seq) { s_.flags = flags; s_.seq = SeqNum(seq); }
  SegSpec& ack(uint32_t a) { s_.flags |= flags::kAck; s_.ack = SeqNum(a); return *this; }
  SegSpec& win(uint16_t w) { s_.wnd = w; win_set_ = true; return *this; }
  SegSpec& mss(uint16_t m) { s_.options.mss = m; opts_set_ = true; return *this; }
  SegSpec& wscale(uint8_t w) { s_.options.window_scale = w; opts_set_ = true; return *this; }
  SegSpec& no_options() { opts_set_ = true; return *this; }
  SegSpec& ts(uint32_t val, uint32_t ecr) {
    s_.options.timestamps = wire::Timestamps{val, ecr};
    return *this;
  }
  SegSpec& sack_ok() { s_.options.sack_permitted = true; return *this; }
  SegSpec& sack(uint32_t left, uint32_t right) {
    s_.options.sack[s_.options.sack_count++] = {left, right};
    return *this;
  }
  SegSpec& psh() { s_.flags |= flags::kPsh; return *this; }
  SegSpec& urg(uint16_t up) { s_.flags |= flags::kUrg; s_.urg = up; return *this; }
  SegSpec& fin() { s_.flags |= flags::kFin; return *this; }
  SegSpec& len(size_t n, uint8_t fill = 'x') { data_.assign(n, fill); len_set_ = true; return *this; }
  SegSpec& data(std::string_view d) { data_.assign(d.begin(), d.end()); len_set_ = true; return *this; }
  SegSpec& rexmit() { rexmit_ = true; return *this; }
  // ECN (RFC 3168): the TCP flags, and the IP codepoint (compared when set).
  SegSpec& ece() { s_.flags |= flags::kEce; return *this; }
  SegSpec& cwr() { s_.flags |= flags::kCwr; return *this; }
  SegSpec& ip_ecn(uint8_t codepoint) { s_.ecn = codepoint; ecn_set_ = true; return *this; }

  // The segment (payload points into this spec).
  Segment segment() const {
    Segment s = s_;
    if (!win_set_) s.wnd = 65535;
    s.payload = base::Bytes(data_.data(), data_.size());
    return s;
  }
  // Empty string if `got` matches, else a description of the mismatch.
  std::string mismatch(const Segment& got, size_t got_len) const;
  std::string describe() const { return tcp::describe(segment()); }

 private:
  Segment s_;
  std::vector<uint8_t> data_;
  bool win_set_ = false;
  bool opts_set_ = false;
  bool len_set_ = false;
  bool rexmit_ = false;
  bool ecn_set_ = false;
};

namespace seg {
inline SegSpec syn(uint32_t seq) { return SegSpec(flags::kSyn, seq); }
inline SegSpec syn_ack(uint32_t seq, uint32_t ack) { return SegSpec(flags::kSyn, seq).ack(ack); }
inline SegSpec ack(uint32_t seq, uint32_t ack) { return SegSpec(0, seq).ack(ack); }
inline SegSpec fin_ack(uint32_t seq, uint32_t ack) { return SegSpec(flags::kFin, seq).ack(ack); }
inline SegSpec rst(uint32_t seq) { return SegSpec(flags::kRst, seq); }
inline SegSpec rst_ack(uint32_t seq, uint32_t ack) { return SegSpec(flags::kRst, seq).ack(ack); }
inline SegSpec data(uint32_t seq, uint32_t ack, size_t n) { return SegSpec(0, seq).ack(ack).len(n); }
inline SegSpec bare(uint8_t flags, uint32_t seq) { return SegSpec(flags, seq); }
}  // namespace seg

// A captured outbound segment with its own copy of the payload.
struct Sent {
  Segment seg;
  std::vector<uint8_t> payload;
};

class Harness {
 public:
  explicit Harness(Config cfg = Config{}, uint32_t isn = 100);

  Connection& conn() { return conn_; }
  Instant now() const { return now_; }
  Env& env() { return env_; }

  void connect();
  void listen();
  DropReason inject(const SegSpec& s);
  // Collect every segment the connection wants to send now.
  std::vector<Sent> drain();
  // The next outbound segment must match; nothing may precede it.
  Sent expect(const SegSpec& s);
  void expect_nothing();
  // Move the clock forward in steps, firing timers as they come due.
  void advance(Duration d);
  // Move the clock to the next deadline and fire it without polling, as a
  // stack that produces segments lazily may leave it before the next input.
  void fire_next_timer_unpolled();
  void expect_state(State s) { EXPECT_EQ(conn_.state(), s); }
  std::vector<Event> events();
  // Read everything available into a string.
  std::string read_all();

  // Active open to ESTABLISHED (client ISS = isn, server IRS = peer_isn).
  void establish_active(uint32_t peer_isn = 300, uint16_t peer_win = 65535);
  // Passive open to ESTABLISHED (client IRS = peer_isn).
  void establish_passive(uint32_t peer_isn = 300, uint16_t peer_win = 65535);

 private:
  Env env_;
  FixedIsn isn_;
  Connection conn_;
  Instant now_ = Instant::from_micros(1'000'000);
  std::vector<Sent> pending_;
  std::vector<uint8_t> buf_;
};

}  // namespace synack::tcp::testing
