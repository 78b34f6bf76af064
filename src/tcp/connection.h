#pragma once
// tcp::Connection — one TCP connection as a pure state machine (RFC 9293).
//
// Sans-I/O: the connection reads no clock, makes no system call and draws no
// randomness. Its owner feeds it three kinds of input and pulls three outputs:
//
//   inputs                               outputs
//   on_segment(now, seg)   a segment     poll_transmit(now, buf)  next segment to send
//   on_timeout(now)        time passed   poll_event()             next event
//   user calls             connect,      next_deadline()          when to call on_timeout
//                          listen, send,
//                          recv, close,
//                          shutdown_send,
//                          abort
//
// After any input, call poll_transmit until it returns nothing, drain
// poll_event, and re-arm the timer for next_deadline(). Every state change goes
// through transition_to(), which emits Event::StateChanged (unless the Env
// says nobody listens).
#include <cstddef>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "base/expected.h"
#include "base/interval_set.h"
#include "base/ring_buffer.h"
#include "base/ring_queue.h"
#include "base/seq_num.h"
#include "base/time.h"
#include "tcp/buffer_cache.h"
#include "tcp/buffers.h"
#include "tcp/config.h"
#include "tcp/congestion.h"
#include "tcp/drop_reason.h"
#include "tcp/error.h"
#include "tcp/event.h"
#include "tcp/isn.h"
#include "tcp/rtt.h"
#include "tcp/segment.h"
#include "tcp/state.h"
#include "tcp/time_wait.h"
#include "tcp/timer_table.h"
#include "wire/checksum.h"
#include "wire/ipv4_addr.h"

namespace synack::tcp {

using base::Duration;
using base::Expected;
using base::Instant;
using base::SeqNum;
using wire::FourTuple;

class Connection;

// An ICMP error as TCP sees it (RFC 792, RFC 9293 §3.9.2.2).
struct IcmpReport {
  uint8_t type = 0;       // 3 destination unreachable, 11 time exceeded, 12 parameter problem
  uint8_t code = 0;
  SeqNum seq;             // SEG.SEQ of the quoted segment
  uint16_t next_hop_mtu = 0;  // type 3 code 4 (RFC 1191), 0 if absent
};

// What a connection shares with its siblings: configuration, the ISN source and
// the queue its events wait in until the owner drains them (one queue per
// stack keeps every control block small).
struct Env {
  Config config;
  IsnGenerator* isn = nullptr;
  struct TaggedEvent {
    const Connection* conn = nullptr;
    Event event;
  };
  base::RingQueue<TaggedEvent> events;
  // Emit Event::StateChanged. An owner that neither traces nor tells anyone
  // about state changes turns it off: most events of a lifecycle are those.
  bool state_events = true;
  BufferCache buffers;  // outlives the connections: they give their Buffers back
};

// The RFC's send sequence variables (§3.3.1, Figure 3) and their companions.
struct SendVars {
  SeqNum iss;
  SeqNum una;          // oldest unacknowledged sequence number
  SeqNum nxt;          // next sequence number to send
  SeqNum max;          // highest sequence number sent + 1 (nxt rewinds on RTO)
  SeqNum wl1;          // SEG.SEQ of the last window update
  SeqNum wl2;          // SEG.ACK of the last window update
  uint32_t wnd = 0;    // peer's window, scaled
  uint32_t max_wnd = 0;  // largest window the peer has offered (SWS, RFC 5961 §5)
  uint16_t mss = 536;  // effective send MSS, options excluded (§3.7.1)
  uint8_t wscale = 0;  // shift applied to the peer's window field
  uint8_t dup_acks = 0;  // duplicate ACKs in a row (RFC 5681 §3.2)
};

// The receive sequence variables (§3.3.1, Figure 4).
struct RecvVars {
  SeqNum irs;
  SeqNum nxt;          // next sequence number expected
  SeqNum adv;          // right edge advertised so far (never moved left, SHLD-14)
  uint8_t wscale = 0;  // shift applied to our window field
  uint8_t unacked_segs = 0;     // in-order data segments received since our last ACK
  uint8_t quick_acks_left = 0;  // data segments still to ACK at once (Config::quick_acks)
};

class Connection {
 public:
  Connection(Env& env, const FourTuple& tuple);
  ~Connection();
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  // ---- User calls (RFC 9293 §3.10.1-3.10.6) ----
  // Active OPEN: CLOSED -> SYN-SENT, SYN queued.
  Expected<void, Error> connect(Instant now);
  // Passive OPEN: CLOSED -> LISTEN. The connection then waits for a SYN from the
  // remote endpoint of its tuple (the stack creates one per arriving SYN).
  Expected<void, Error> listen();
  // Queue data; returns bytes accepted (fewer than offered when the send buffer
  // is full; an Event::Writable follows when space frees up).
  // `more` (Linux's MSG_MORE): more data follows at once, so a short segment
  // of this data waits for it (as set_cork, until the next send without
  // `more`, an ACK, or a push), and carries no PSH.
  Expected<size_t, Error> send(Instant now, base::Bytes data, bool more = false);
  // SEND with the URGENT flag (§3.8.5, §3.10.2): like send(), and the last
  // byte accepted ends the urgent data: SND.UP moves past it and segments
  // carry URG and the urgent pointer until the peer has acknowledged it.
  Expected<size_t, Error> send_urgent(Instant now, base::Bytes data);
  // Read in-order data. Returns bytes read, 0 if none is available yet, or
  // Error::ConnectionClosing once the peer's FIN has been reached (end of stream).
  Expected<size_t, Error> recv(Instant now, base::MutBytes out);
  // RECEIVE with the application's buffer queued (§3.10.3: "if insufficient
  // incoming segments are queued to satisfy the request, the request is
  // queued"). If data is queued or the stream has ended, this is recv(buf).
  // Otherwise it returns 0 and `buf` stays posted: in-order text then lands
  // straight in it, copied once from the segment instead of through the
  // receive buffer, and Readable is raised when the RECEIVE completes: the
  // buffer is full, a segment with PSH landed (every sender pushes the end of
  // what it has, MUST-61) or the stream ended. No separate event is needed:
  // while a buffer is posted, recv() cannot be called, so Readable always
  // means "take_posted(), then recv() for anything queued behind it" (text
  // that did not fit, or that arrived out of order and was held). The buffer
  // must stay valid until take_posted(), which ends the posting and says how
  // many bytes landed.
  // Text that finds the posted buffer full waits in the receive buffer as
  // usual. One RECEIVE can be queued: while a buffer is posted, recv() and
  // post_recv() return Error::InsufficientResources (nothing is lost or
  // reordered: take_posted() first).
  Expected<size_t, Error> post_recv(Instant now, base::MutBytes buf);
  size_t take_posted();
  bool recv_posted() const { return bufs_ && bufs_->posted; }
  size_t posted_landed() const { return bufs_ ? bufs_->posted_len : 0; }  // so far, in the posted buffer
  // RFC CLOSE: "I have no more data to send" — FIN after the queued data;
  // receiving continues (half-close).
  Expected<void, Error> shutdown_send(Instant now);
  // The application is done in both directions (a socket's close()): like
  // shutdown_send, but unread or later-arriving data makes it reset the
  // connection (RFC 9293 §3.6.1 SHLD-3), and FIN-WAIT-2 gives up after
  // Config::fin_wait_2_timeout.
  Expected<void, Error> close(Instant now);
  // ABORT (§3.10.5): RST if synchronized, then CLOSED.
  void abort(Instant now);
  // Nagle off (TCP_NODELAY) also pushes what is queued now past a cork, as
  // Linux does.
  void set_nagle(bool on) {
    nagle_ = on;
    if (!on) push_queued();
  }
  bool nagle() const { return nagle_; }
  // TCP_CORK (Linux): while on, data goes only in full segments; a short
  // one waits until more data fills it, the cork is taken out, Nagle is
  // switched off (a push), a FIN or urgent data must go, or the persist
  // timer's sender-SWS override fires (one RTO, at least 200 ms: Linux's
  // "200 ms ceiling"), so corked data is never held for ever. Off: the usual
  // Nagle and SWS rules apply to what waits.
  void set_cork(bool on);
  bool cork() const { return app().cork; }
  // TCP_DEFER_ACCEPT (Linux), for a listener's connections: the bare ACK that
  // would complete the handshake is set aside (DropReason::DeferredAccept)
  // and the connection stays in SYN-RECEIVED, where the application cannot
  // accept it, until the peer's first data, which completes it at once. The
  // wait is `d` rounded up to whole SYN,ACK retransmission periods (1 s, 2 s,
  // 4 s... from Config::rto_initial, as Linux counts it); at its last timeout
  // the SYN,ACK goes once more, and the peer's next ACK completes the
  // handshake even without data. Zero: off. Only in CLOSED or LISTEN (false,
  // and nothing changes, otherwise). Saves a server from waking for
  // connections that never send anything.
  bool set_defer_accept(Duration d);
  Duration defer_accept() const { return syn_ack_timeouts_span(app().defer_accept); }  // whole periods
  // Send no TCP options at all, not even MSS (FreeBSD's TCP_NOOPT): the SYN or
  // SYN,ACK offers nothing, so nothing is negotiated (RFC 7323 §2.2, §3.2; RFC
  // 2018 §2) and the peer sends segments of at most 536 bytes (RFC 9293
  // §3.7.1, MUST-15). For testing peers and paths. Only before the SYN: in
  // CLOSED or LISTEN; false (and nothing changes) in any other state.
  bool set_no_options(bool on);
  bool no_options() const { return app().no_options; }
  // Choose the congestion control algorithm for this connection (before data flows).
  void set_congestion_control(CcAlgorithm alg);
  CcAlgorithm congestion_control() const { return cubic_ ? CcAlgorithm::Cubic : CcAlgorithm::NewReno; }
  // Give buffer memory back while nothing is buffered. Buffers are kept across
  // bursts so steady traffic allocates nothing; the owner calls this for
  // connections that have gone idle.
  void release_idle_buffers();
  // R2 for this connection (MUST-21); zero means the configured default.
  void set_user_timeout(Duration d) { bufs().app.user_timeout_ms = static_cast<uint32_t>(d.ms()); }
  Duration user_timeout() const { return r2(); }  // the R2 in effect now
  // How long this connection, once the application has closed it, waits in
  // FIN-WAIT-2 for the peer's FIN before it is dropped (Linux's TCP_LINGER2;
  // RFC 9293 sets no limit, and an orphan would otherwise wait for ever):
  // whole seconds from 1 to kMaxFinWait2Secs, or zero for the Config's
  // fin_wait_2_timeout. Anything else changes nothing and returns false. A
  // timer already running keeps its deadline.
  static constexpr uint32_t kMaxFinWait2Secs = 120;  // Linux's TCP_FIN_TIMEOUT_MAX
  bool set_fin_wait_2_timeout(Duration d);
  Duration fin_wait_2_timeout() const;
  // Keep-alive (RFC 9293 §3.8.4): the application switches it per connection
  // (MUST-24; Config::keepalive, off by default, MUST-25) and may change the
  // idle time before the first probe (MUST-27), the probe interval and the
  // number of unanswered probes after which the connection times out. Times are
  // whole seconds from 1 to kMaxKeepAliveSecs, counts 1 to kMaxKeepAliveProbes
  // (Linux's limits); a setter given a value out of range changes nothing and
  // returns false. Zero-argument getters report the value in effect.
  static constexpr uint32_t kMaxKeepAliveSecs = 32767;
  // A whole number of seconds in [1, max] (max at most 65535), or 0 if `d` is
  // not one: the form of the per-connection times the application sets
  // (keep-alive, FIN-WAIT-2), for the setters here and the API's checks.
  static uint16_t whole_seconds(Duration d, uint32_t max) {
    if (d.us() % 1'000'000 != 0) return 0;
    const int64_t s = d.us() / 1'000'000;
    return s >= 1 && s <= max ? static_cast<uint16_t>(s) : 0;
  }
  static constexpr uint32_t kMaxKeepAliveProbes = 127;
  void set_keepalive(Instant now, bool on);
  bool set_keepalive_idle(Instant now, Duration idle);
  bool set_keepalive_interval(Instant now, Duration interval);
  bool set_keepalive_probes(uint32_t probes);
  bool keepalive() const { return keepalive_; }
  Duration keepalive_idle() const;
  Duration keepalive_interval() const;
  uint32_t keepalive_probes() const;
  // Buffer sizes for this connection (SO_SNDBUF / SO_RCVBUF); Config::send_buffer
  // and Config::recv_buffer are the defaults. 1 to kMaxBuffer bytes; a setter
  // given 0 or more changes nothing and returns false.
  //  - The receive buffer set before the SYN goes out (or, for a passive open,
  //    before the SYN arrives) chooses the window scale we offer (RFC 7323 §2.2:
  //    the shift that lets the 16-bit field carry the whole buffer). Later it
  //    may grow (the window opens; a window update follows when the BSD rule of
  //    maybe_window_update says so) or shrink (the window closes as data
  //    arrives: the advertised right edge never moves left, RFC 9293 §3.8.6
  //    SHLD-14); the scale stays. Once the MSS is known it is rounded up to
  //    whole segments, and recv_buffer() reports the rounded size.
  //  - A send buffer smaller than what is queued drops nothing: send() accepts
  //    nothing more until the peer's ACKs bring the queue below it.
  static constexpr uint32_t kMaxBuffer = uint32_t{0xffff} << 14;  // the largest window RFC 7323 carries
  static constexpr bool buffer_size_ok(uint64_t bytes) { return bytes >= 1 && bytes <= kMaxBuffer; }

  // A limit on the MSS (TCP_MAXSEG): the MSS option our SYN or SYN,ACK carries
  // (§3.7.1, MUST-14) and the send MSS both stay at or below it. Set before
  // the SYN is built; 0 removes it. 88..32767 as Linux accepts.
  static constexpr bool mss_limit_ok(uint32_t mss) { return mss == 0 || (mss >= 88 && mss <= 32767); }
  bool set_mss_limit(uint32_t mss);
  uint16_t mss_limit() const { return app().mss_limit; }
  // The MSS we announce: the interface's (Config::mss), under the limit.
  uint16_t advertised_mss() const;
  bool set_send_buffer(uint32_t bytes);
  bool set_recv_buffer(uint32_t bytes);
  uint32_t send_buffer() const;
  uint32_t recv_buffer() const { return rcv_buf_cap_; }

  // ---- Inputs ----
  // An ICMP error about a segment this connection sent (RFC 9293 §3.9.2.2),
  // with the sequence number it quoted. Returns false if it was ignored.
  bool on_icmp_error(Instant now, const IcmpReport& report);
  // A segment addressed to this connection. Returns DropReason::None if it was
  // (at least partly) accepted, otherwise why it was dropped.
  DropReason on_segment(Instant now, const Segment& seg);
  // Time has passed; handle every deadline <= now.
  void on_timeout(Instant now);

  // ---- Outputs ----
  // The next segment to send, or nothing. Payload bytes are copied into
  // `payload_buf` (which must hold at least send_mss() bytes) and the returned
  // segment's payload points there.
  std::optional<Segment> poll_transmit(Instant now, base::MutBytes payload_buf) {
    Segment s;
    if (!poll_transmit(now, payload_buf, s)) return std::nullopt;
    return s;
  }
  // The same, written into `out` (every field set) and true, or false and
  // `out` unspecified: the stack's send loop reuses one Segment rather than
  // building, copying and wrapping ~100 bytes per segment.
  bool poll_transmit(Instant now, base::MutBytes payload_buf, Segment& out);
  // False when the next poll_transmit would certainly send nothing (true may
  // still find nothing: the window, Nagle). A few flag tests, so the stack
  // asks after each segment and skips the poll that would end empty.
  bool may_send_more() const {
    return rst_pending_ || syn_pending_ || probe_now_ || keepalive_now_ || ack_now_ || data_to_send();
  }
  // Events are queued in the shared Env; drain them after every call (before
  // the connection is moved or destroyed).
  std::optional<Event> poll_event() {
    const Event* e = peek_event();
    if (!e) return std::nullopt;
    Event out = *e;
    drop_event();
    return out;
  }
  // The same without the std::optional: the next event of this connection
  // where it waits (nullptr if none), and its removal once read.
  const Event* peek_event() const {
    if (env_->events.empty() || env_->events.front().conn != this) return nullptr;
    return &env_->events.front().event;
  }
  void drop_event() { env_->events.drop_front(); }
  // The earliest deadline at which on_timeout must be called (Instant::never()).
  Instant next_deadline() const { return timers_.next(); }

  // ---- Inspection ----
  // A snapshot for applications and tools, in the spirit of Linux's TCP_INFO.
  struct Info {
    State state = State::Closed;
    uint32_t snd_mss = 0;         // payload bytes per full segment (options excluded)
    uint32_t adv_mss = 0;         // the MSS option we announced
    uint32_t rtt_us = 0;          // SRTT, 0 before the first sample (RFC 6298)
    uint32_t rttvar_us = 0;       // RTTVAR
    uint32_t rto_us = 0;          // RTO in effect, backoff included
    uint32_t snd_cwnd = 0;        // congestion window, in bytes (RFC 5681)
    uint32_t snd_ssthresh = 0;    // slow-start threshold, in bytes (0xffffffff: none yet)
    uint32_t bytes_in_flight = 0; // SND.MAX - SND.UNA (SYN and FIN included)
    uint32_t snd_wnd = 0;         // the peer's window, scaled
    uint32_t rcv_wnd = 0;         // RCV.WND
    uint8_t snd_wscale = 0, rcv_wscale = 0;
    uint8_t retransmits = 0;      // consecutive timeouts of the oldest unacknowledged segment
    uint8_t backoff = 0;          // zero-window probe backoff exponent
    uint8_t probes = 0;           // keep-alive probes unanswered
    bool timestamps = false, sack = false, window_scaling = false, ecn = false;
    uint32_t total_retrans = 0;   // segments retransmitted over the connection's life
  };
  Info info() const;
  // TCP_INFO's chronographs, as Linux's tcpi_busy_time, tcpi_rwnd_limited and
  // tcpi_sndbuf_limited, up to `now` (in microseconds): how long data
  // has been queued (unacknowledged or unsent), and within that how long the
  // next segment did not fit the peer's receive window, or the application
  // found the send buffer full. For troubleshooting a slow transfer: who was
  // holding it back, the peer or the application?
  struct Chronos {
    uint64_t busy_us = 0;  // all three (Linux's tcpi_busy_time)
    uint64_t rwnd_limited_us = 0;
    uint64_t sndbuf_limited_us = 0;
  };
  Chronos chronos(Instant now) const;
  State state() const { return state_; }
  FourTuple tuple() const { return tuple_.unpack(); }
  const SendVars& snd() const { return snd_; }
  const RecvVars& rcv() const { return rcv_; }
  uint32_t rcv_wnd() const {  // RCV.WND: free receive buffer space
    size_t used = rcv_size();
    return used >= rcv_buf_cap_ ? 0 : rcv_buf_cap_ - static_cast<uint32_t>(used);
  }
  const ConnCounters& counters() const;
  const RttEstimator& rtt() const { return rtt_; }
  const CongestionControl& congestion() const { return cc_; }
  size_t recv_available() const;  // bytes readable now
  size_t send_space() const;       // bytes send() would accept now
  size_t send_queued() const { return bufs_ ? bufs_->snd.size() : 0; }  // unacked + unsent
  bool peer_fin_received() const { return fin_received_; }
  bool timestamps_enabled() const { return ts_ok_; }
  bool sack_enabled() const { return sack_ok_; }
  bool window_scaling_enabled() const { return wscale_ok_; }
  bool ecn_enabled() const { return ecn_ok_; }
  // What a compact TIME-WAIT record must keep to answer as this connection would.
  TimeWaitVars time_wait_vars() const;
  bool from_listen() const { return from_listen_; }  // SYN-RECEIVED came from LISTEN (MUST-11)
  std::optional<Error> error() const { return has_error_ ? std::optional(error_) : std::nullopt; }
  // The last ICMP soft error, reported to the application (MUST-47).
  std::optional<Error> soft_error() const { return bufs_ ? bufs_->soft_error : std::nullopt; }
  // Bytes of urgent data the application has not yet read (MUST-33): from the
  // next byte recv() returns up to RCV.UP; 0 when not in urgent mode. An
  // EventKind::Urgent announces each advance of RCV.UP (MUST-32).
  uint32_t urgent_remaining() const;

 private:
  // -- state changes --
  void transition_to(State to, Cause cause);
  void enter_closed(Cause cause, std::optional<Error> err);
  void enter_time_wait(Instant now, Cause cause);
  void return_to_listen(Cause cause);
  // Inline: a push onto the Env's queue, cheaper than a call.
  void emit(const Event& e) {
    Env::TaggedEvent& t = env_->events.push_slot();
    t.conn = this;
    t.event.assign(e);
  }

  // -- segment arrival, one function per step of §3.10.7 --
  DropReason dispatch(Instant now, const Segment& seg);
  DropReason on_segment_closed(const Segment& seg);
  DropReason on_segment_listen(Instant now, const Segment& seg);
  DropReason on_segment_syn_sent(Instant now, const Segment& seg);
  DropReason on_segment_synchronized(Instant now, const Segment& seg);
  DropReason check_sequence(Instant now, const Segment& in, const Segment& arrived);
  DropReason process_accepted(Instant now, const Segment& seg, const Segment& arrived);
  DropReason on_segment_time_wait(Instant now, const Segment& seg);
  bool predicted(Instant now, const Segment& seg);  // header prediction (connection_predict.cc)
  bool acceptable(const Segment& seg) const;
  uint32_t acceptance_window() const;
  void trim_to_window(Segment& seg);
  DropReason check_rst(const Segment& seg);
  DropReason check_syn(Instant now, const Segment& seg);
  DropReason check_ack(Instant now, const Segment& seg);
  void process_new_ack(Instant now, const Segment& seg);
  void process_duplicate_ack(Instant now, const Segment& seg, bool new_sack);
  void update_send_window(const Segment& seg);
  void process_text(Instant now, const Segment& seg);
  void process_urg(SeqNum up);             // §3.10.7.4 sixth: the URG bit
  void mark_urgent(Segment& s);            // URG and the pointer on an outgoing segment
  SeqNum read_seq() const;                 // sequence number of the next byte recv() returns
  void process_fin(Instant now);
  bool deliver_held_text();
  // options (connection_options.cc)
  void negotiate_options(Instant now, const Segment& syn);
  static uint8_t window_shift_for(uint32_t buffer);
  // What this connection's SYN offers: the Config's options, none if
  // set_no_options.
  // (Only the SYNs ask: the flag lives in Buffers::AppOptions, not in the
  // control block.)
  bool offer_window_scaling() const { return env_->config.window_scaling && !no_options(); }
  bool offer_timestamps() const { return env_->config.timestamps && !no_options(); }
  bool offer_sack() const { return env_->config.sack && !no_options(); }
  uint32_t whole_segments(uint32_t bytes) const;
  uint16_t send_mss() const;
  uint32_t ts_now(Instant now) const;
  uint32_t ts_offset() const { return snd_.iss.value() * 0x9E3779B1u; }
  void syn_options(Instant now, wire::TcpOptions& o) const;  // both overwrite every option
  void segment_options(Instant now, bool with_sack, wire::TcpOptions& o);
  void fill_sack_blocks(wire::TcpOptions& o);
  void note_out_of_order(SeqNum seq);
  void note_duplicate(SeqNum begin, SeqNum end);
  bool paws_reject(Instant now, const Segment& seg) const;
  void update_ts_recent(Instant now, const Segment& seg);
  void rtt_from_timestamp(Instant now, const Segment& seg);

  // SACK sender side (connection_sack.cc)
  bool update_scoreboard(const Segment& seg);
  uint32_t sacked_bytes() const;
  SeqNum lost_boundary() const;
  uint32_t pipe() const;
  std::optional<base::SeqRange> next_lost_hole(uint32_t max_len) const;
  void enter_sack_recovery();
  void detect_lost_retransmission();
  void queue_rst(SeqNum seq, std::optional<SeqNum> ack);
  void send_challenge_ack();

  // -- output --
  // The header fields of `s` but its options; the segment is built in place.
  void make_segment(Segment& s, SeqNum seq, uint8_t flags) const;
  // ...an ACK carrying the queued bytes [from, from + len), copied into `buf`,
  // with PSH if they reach `end` (the end of the queue). Inline: once per
  // data segment.
  void make_data_segment(Segment& s, base::MutBytes buf, SeqNum from, uint32_t len, SeqNum end) {
    make_segment(s, from, flags::kAck);
    if (len == 0) return;
    auto out = buf.first(len);
    // Copy and checksum in one pass (wire::checksum_copy); the pieces meet at
    // the end of the ring's storage, where the second may start at an odd
    // offset of the payload.
    auto [first, second] = bufs().snd.pieces(static_cast<size_t>(from - bufs_->snd_seq), len);
    uint32_t sum = wire::checksum_copy(first, out.data());
    if (!second.empty()) {
      sum = wire::checksum_combine(sum, wire::checksum_copy(second, out.data() + first.size()), first.size() & 1);
    }
    s.payload = out;
    s.payload_summed = true;
    s.payload_sum = static_cast<uint16_t>(sum);
    // MUST-61: PSH when the queue drains, unless the application said more
    // follows (MSG_MORE: Linux marks no push then).
    if (from + len == end && !bufs_->more) s.flags |= flags::kPsh;
  }
  // The states in which data and FIN go out (and so may be probed).
  static constexpr StateSet kSendingStates{State::Established, State::FinWait1, State::CloseWait, State::Closing,
                                           State::LastAck};
  void bare_ack(Instant now, SeqNum seq, bool with_sack, Segment& s);  // probes and ACKs
  // ECN (RFC 3168 §6.1): the flags and codepoint of an outgoing segment, what
  // an incoming one's CE mark and CWR mean for our ECE, and the sender's
  // reaction to an ECE.
  void ecn_mark(Segment& s);
  void ecn_receive(Instant now, const Segment& seg);
  void ecn_echo_received();
  void push_queued();  // let the data queued now past a cork (set_nagle(false))
  // chronographs (connection_chrono.cc). Start and stop are inline: a bulk
  // sender asks after every write and every ACK, and most change nothing.
  void chrono_start(Instant now, Chrono c) {
    if (c > bufs().chrono) chrono_set(now, c);
  }
  void chrono_stop(Instant now, Chrono c) {
    if (bufs_ && bufs_->chrono != Chrono::None && (c == bufs_->chrono || bufs_->snd.empty())) chrono_end(now, c);
  }
  void chrono_end(Instant now, Chrono c);
  void chrono_set(Instant now, Chrono c);
  // build_data_segment's first test, made before the call: most calls end there.
  bool data_to_send() const {
    if (!kSendingStates.has(state_)) return false;
    if (snd_.nxt == snd_.iss) return false;  // our SYN goes (again) first
    // Something unsent, a FIN to (re)send or a retransmission asked for; if
    // not (the common case after every ACK), no work at all.
    const SeqNum end = data_end();
    return snd_.nxt.before(end) || (fin_queued_ && snd_.nxt.before_eq(end)) || retransmit_head_ || in_recovery_ ||
           (bufs_ && bufs_->loss_probe_now);
  }
  bool build_data_segment(Instant now, base::MutBytes payload_buf, Segment& s);
  // build_data_segment holds data back: start the receive-window chronograph
  // if the peer's window is what holds it (out of line: a hold is rare next
  // to a segment sent, and build_data_segment stays small enough to inline).
  [[gnu::cold, gnu::noinline]] void note_held_back(Instant now, int64_t past_una, uint32_t unsent, uint32_t limit,
                                                     uint32_t cwnd);
  bool fin_queued() const { return fin_queued_; }
  SeqNum data_end() const {  // sequence number after the last queued byte
    // Without Buffers nothing was ever queued: the data would start after the SYN.
    return bufs_ ? bufs_->snd_seq + static_cast<uint32_t>(bufs_->snd.size()) : snd_.iss + 1;
  }
  SeqNum fin_seq() const { return data_end(); }
  uint16_t window_field();
  // The largest window the 16-bit field can carry with our scale (RFC 7323 §2.2).
  uint32_t max_advertisable() const { return uint32_t{0xffff} << rcv_.wscale; }
  // Bookkeeping for a segment handed out; `advance` moves SND.NXT/SND.MAX (not
  // for a single retransmission).
  void on_segment_sent(Instant now, const Segment& seg, bool advance = true);

  // -- timers --
  void arm_retransmit(Instant now);
  void on_retransmit_timeout(Instant now);
  void on_persist_timeout(Instant now);
  // tail loss probe, RFC 8985 §7 (connection_tlp.cc)
  bool loss_probe_allowed() const;
  Duration probe_timeout() const;
  // After new data is sent or new data is ACKed: the PTO when a probe may
  // follow, else the RTO (RFC 8985 §7.2). `restart_rto`: the RTO runs from now
  // (RFC 6298 §5.3), else it keeps the deadline it had (§5.1).
  void arm_loss_probe_or_retransmit(Instant now, bool restart_rto);
  void on_loss_probe_timeout(Instant now);
  bool build_loss_probe(Instant now, base::MutBytes payload_buf, Segment& s);
  void process_loss_probe_ack(const Segment& seg);
  void end_loss_probe_episode() {
    if (bufs_) bufs_->tlp_episode = false;
  }
  // keep-alive (connection_keepalive.cc)
  bool keepalive_applies() const;
  Duration idle_time(Instant now) const;
  void resume_keepalive(Instant now);
  void on_keepalive_timeout(Instant now);
  void schedule_ack(Instant now, bool immediate);
  void maybe_window_update();
  Duration r2() const;

  Buffers& bufs() {
    if (!bufs_) [[unlikely]] take_buffers();
    return *bufs_;
  }
  void take_buffers();
  void reset_send_sequence();  // Buffers' sequence numbers from a new ISS
  ConnCounters& stats() { return bufs().counters; }
  // What the application set for this connection (all 0 without Buffers).
  const Buffers::AppOptions& app() const;
  // How long the first `n` SYN,ACK timeouts take: Config::rto_initial, each
  // next twice the last, capped at rto_max (RFC 6298 §2.1, §5.5).
  Duration syn_ack_timeouts_span(uint32_t n) const;
  // cwnd back to the initial window for the send MSS in effect (RFC 6928),
  // CUBIC's state cleared.
  void restart_congestion_control();
  // The congestion controller's per-algorithm state: none for NewReno.
  CubicState* cubic_state() { return cubic_ ? &bufs().cubic : nullptr; }
  // Congestion window validation: after each segment of new data, what it
  // says about the use of cwnd; and whether an ACK may grow cwnd now.
  void note_cwnd_usage(Instant now);
  bool cwnd_limited() const;
  size_t snd_size() const { return bufs_ ? bufs_->snd.size() : 0; }
  size_t rcv_size() const { return bufs_ ? bufs_->rcv.size() : 0; }
  bool ooo_empty() const { return !bufs_ || bufs_->ooo.empty(); }

  // The layout packs the control block into 160 bytes (a static_assert in
  // connection.cc keeps it there): fields are ordered so that the small ones
  // fill what would be padding. Send-side state that matters only while data
  // is queued lives in Buffers.
  Env* env_;
  // The 4-tuple in 12 bytes (wire::FourTuple pads each endpoint to 8).
  struct PackedTuple {
    uint32_t local_addr, remote_addr;
    uint16_t local_port, remote_port;
    explicit PackedTuple(const FourTuple& t)
        : local_addr(t.local.addr.value()), remote_addr(t.remote.addr.value()),
          local_port(t.local.port), remote_port(t.remote.port) {}
    FourTuple unpack() const {
      return {{wire::Ipv4Addr(local_addr), local_port}, {wire::Ipv4Addr(remote_addr), remote_port}};
    }
  } tuple_;
  State state_ = State::Closed;
  uint8_t ka_probes_out_ = 0;  // keep-alive probes sent since the last segment arrived
  uint8_t rexmit_count_ = 0;   // consecutive timeouts of the current head
  // Zero-window probe backoff exponent (saturates at 15; only up to 10 is
  // used), sharing its byte with the ECN state.
  uint8_t probe_backoff_ : 4 = 0;
  bool ecn_ok_ : 1 = false;    // ECN negotiated (RFC 3168 §6.1.1)
  bool ecn_echo_ : 1 = false;  // a CE mark arrived: set ECE until the peer's CWR
  bool ecn_cwr_ : 1 = false;   // the window was cut for ECE: CWR on the next new data
  bool ecn_syn_sent_ : 1 = false;  // our latest SYN offered ECN (ECE and CWR)
  SendVars snd_;
  RecvVars rcv_;
  RttEstimator rtt_;
  // When the last segment arrived (milliseconds, modulo 2^32; see ms32): a
  // store per segment, read only when the keep-alive timer fires (BSD's t_rcvtime).
  uint32_t last_rcv_ms_ = 0;
  CongestionControl cc_;
  Error error_ = Error::ConnectionDoesNotExist;  // valid while has_error_
  bool from_listen_ : 1 = false;      // SYN-RECEIVED entered from LISTEN (MUST-11)
  bool syn_pending_ : 1 = false;      // SYN or SYN,ACK must be (re)sent
  bool syn_again_ : 1 = false;        // ...and it repeats one sent before
  bool fin_queued_ : 1 = false;       // the user has closed the send side
  bool fin_received_ : 1 = false;     // the peer's FIN has been processed
  bool app_closed_ : 1 = false;       // close() called: no more reading (SHLD-3)
  bool ack_now_ : 1 = false;          // send an ACK at the next poll_transmit
  bool probe_now_ : 1 = false;        // send a zero-window probe (or SWS override)
  bool nagle_ : 1 = true;
  bool readable_signaled_ : 1 = false;
  bool want_writable_ : 1 = false;
  bool wscale_ok_ : 1 = false;        // both sides sent window scale (RFC 7323 §2.2)
  bool in_recovery_ : 1 = false;      // NewReno fast recovery
  bool retransmit_head_ : 1 = false;  // send one segment at SND.UNA next
  bool rst_pending_ : 1 = false;
  bool rst_with_ack_ : 1 = false;
  bool rtt_timing_ : 1 = false;
  bool rexmit_started_ : 1 = false;
  bool ts_ok_ : 1 = false;            // timestamps negotiated (RFC 7323 §3.2)
  bool sack_ok_ : 1 = false;          // SACK negotiated (RFC 2018 §2)
  bool keepalive_ : 1 = false;        // keep-alive switched on (§3.8.4, MUST-24)
  bool keepalive_now_ : 1 = false;    // send a keep-alive probe
  bool cubic_ : 1 = false;            // CUBIC (RFC 9438) rather than NewReno
  bool has_error_ : 1 = false;
  // Receive buffer size: the configured or per-connection one, rounded up to
  // whole segments once the MSS is known. (The per-connection send buffer size
  // lives in Buffers, see Buffers::AppOptions.)
  uint32_t rcv_buf_cap_;
  TimerTable timers_;
  std::unique_ptr<Buffers> bufs_;  // see tcp/buffers.h; recycled through env_->buffers

  // Compact clocks for the control block: microseconds or milliseconds in 32
  // bits, compared modulo 2^32 (valid for intervals up to 71 minutes / 49 days).
  static uint32_t us32(Instant t) { return static_cast<uint32_t>(t.us()); }
  static uint32_t ms32(Instant t) { return static_cast<uint32_t>(t.us() / 1000); }

  // RTT timing of one segment at a time (Karn: never a retransmitted one).
  SeqNum rtt_seq_;
  uint32_t rtt_start_us_ = 0;     // valid while rtt_timing_
  uint32_t first_rexmit_ms_ = 0;  // first retransmission of the head, valid if rexmit_started_
  // Timestamps (RFC 7323): TS.Recent, when it was set, and Last.ACK.sent.
  uint32_t ts_recent_ = 0;
  uint32_t ts_recent_ms_ = 0;
  SeqNum last_ack_sent_;
};

// RFC 9293 §3.10.7.1: the reply to a segment that reaches no connection (no TCB),
// or nothing if the segment itself carries RST. Shared by Connection (CLOSED)
// and the stack.
std::optional<Segment> reset_for(const Segment& seg);

// RFC 9293 §3.10.7.2: what LISTEN does with a segment. Either it is a SYN that
// opens a connection (accept_syn), or it is dropped for `reason`, perhaps with
// a RST in reply. Shared by Connection (LISTEN) and the stack's listeners.
struct ListenVerdict {
  bool accept_syn = false;
  DropReason reason = DropReason::None;
  std::optional<Segment> reply;
};
ListenVerdict listen_verdict(const Segment& seg, const Config& cfg);

}  // namespace synack::tcp
