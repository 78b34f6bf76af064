// What to send next: RST, SYN, SYN,ACK, data (segmentation, Nagle, sender
// silly-window avoidance, congestion window), FIN, zero-window probes, ACKs.
#include <algorithm>

#include "tcp/connection.h"

namespace synack::tcp {

void Connection::make_segment(Segment& s, SeqNum seq, uint8_t f) const {
  s.seq = seq;
  s.ack = (f & flags::kAck) ? rcv_.nxt : SeqNum();
  s.flags = f;
  s.wnd = 0;
  s.urg = 0;
  s.payload = {};
  s.retransmission = false;
  s.loss_probe = false;
  s.payload_summed = false;
  s.ecn = ecn::kNotEct;
}

void Connection::bare_ack(Instant now, SeqNum seq, bool with_sack, Segment& s) {
  // <SEQ=seq><ACK=RCV.NXT><CTL=ACK>, no data: our window and options.
  make_segment(s, seq, flags::kAck);
  segment_options(now, with_sack, s.options);
  s.wnd = window_field();
  if (ecn_ok_) [[unlikely]] ecn_mark(s);
}

uint16_t Connection::window_field() {
  uint32_t free = rcv_wnd();
  if (state_ == State::SynSent || state_ == State::SynReceived || state_ == State::Listen) {
    // A SYN's window is never scaled (RFC 7323 §2.2).
    uint32_t w = std::min<uint32_t>(free, 0xffff);
    if ((rcv_.nxt + w).after(rcv_.adv)) rcv_.adv = rcv_.nxt + w;
    return static_cast<uint16_t>(w);
  }
  // Receiver silly-window avoidance (§3.8.6.2.2, MUST-39): move the right edge
  // only by at least min(RCV.BUFF/2, MSS); never move it left (SHLD-14).
  int32_t cur = std::max(0, rcv_.adv - rcv_.nxt);
  uint32_t threshold = std::min<uint32_t>(rcv_buf_cap_ / 2, env_->config.mss);
  uint32_t wnd = static_cast<uint32_t>(cur);
  free = std::min(free, max_advertisable());
  if (free >= static_cast<uint32_t>(cur) + threshold || free == rcv_buf_cap_) wnd = std::max(wnd, free);
  uint32_t field = std::min<uint32_t>(wnd >> rcv_.wscale, 0xffff);
  // Round the scaled field up so the advertised edge never moves left.
  if ((field << rcv_.wscale) < static_cast<uint32_t>(cur) && field < 0xffff) ++field;
  SeqNum edge = rcv_.nxt + (field << rcv_.wscale);
  if (edge.after(rcv_.adv)) rcv_.adv = edge;
  return static_cast<uint16_t>(field);
}

bool Connection::poll_transmit(Instant now, base::MutBytes payload_buf, Segment& s) {
  if (rst_pending_) {
    make_segment(s, bufs_->rst_seq, flags::kRst);
    segment_options(now, false, s.options);  // the RST carries a fresh TSval
    if (rst_with_ack_) {
      s.flags |= flags::kAck;
      s.ack = bufs_->rst_ack;
    }
    rst_pending_ = false;
    return true;
  }
  switch (state_) {
    case State::Closed:
    case State::Listen:
      return false;
    default:
      break;
  }
  if (syn_pending_) {
    // <SEQ=ISS><CTL=SYN>, or <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> (also from
    // FIN-WAIT-1 when a CLOSE in SYN-RECEIVED went ahead of the handshake).
    bool synack = state_ != State::SynSent;
    make_segment(s, snd_.iss, synack ? (flags::kSyn | flags::kAck) : flags::kSyn);
    // ECN-setup SYN (ECE and CWR) or SYN,ACK (ECE), never ECT (RFC 3168 §6.1.1).
    // After ecn_syn_retries unanswered offers the SYN goes without (§6.1.1.1).
    if (!synack) {
      ecn_syn_sent_ = env_->config.ecn && rexmit_count_ <= env_->config.ecn_syn_retries;
      if (ecn_syn_sent_) s.flags |= flags::kEce | flags::kCwr;
    }
    if (ecn_ok_ && synack) s.flags |= flags::kEce;
    syn_options(now, s.options);
    s.wnd = window_field();
    // It repeats sequence number ISS if a SYN went out before (a timeout, or
    // the SYN,ACK of a simultaneous open): Karn's rule then applies.
    s.retransmission = syn_again_ || snd_.max.after(snd_.iss);
    syn_pending_ = syn_again_ = false;
    on_segment_sent(now, s);
    return true;
  }
  if (state_ == State::SynSent) return false;
  if (state_ != State::SynReceived && data_to_send() && build_data_segment(now, payload_buf, s)) return true;
  if (probe_now_) {
    // Zero-window probe: an ACK with an old sequence number, which the peer
    // must answer with its current window (§3.8.6.1; the form Linux uses).
    probe_now_ = false;
    bare_ack(now, snd_.una - 1, /*with_sack=*/false, s);
    ++stats().probes;
    on_segment_sent(now, s);
    return true;
  }
  if (keepalive_now_) {
    // Keep-alive probe (§3.8.4): <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK>, no
    // data (SHLD-12). Its sequence number is old, so the peer answers with an ACK.
    keepalive_now_ = false;
    if (snd_.una == snd_.max) {  // still nothing outstanding (MUST-26)
      bare_ack(now, snd_.nxt - 1, /*with_sack=*/false, s);
      ++stats().keepalive_probes;
      on_segment_sent(now, s);
      return true;
    }
  }
  if (ack_now_) {
    // A bare ACK carries SND.MAX rather than SND.NXT: after a timeout rewinds
    // SND.NXT, the peer may already hold data up to SND.MAX, and an ACK below
    // its RCV.NXT would be unacceptable to it (§3.10.7.4 first check) — both
    // ends could then ignore each other's ACKs for ever. (BSD does the same.)
    bare_ack(now, snd_.max, /*with_sack=*/true, s);
    mark_urgent(s);
    on_segment_sent(now, s);
    return true;
  }
  return false;
}

bool Connection::build_data_segment(Instant now, base::MutBytes buf, Segment& s) {
  // Called when data_to_send().
  if (bufs_ && bufs_->loss_probe_now) [[unlikely]] {
    if (build_loss_probe(now, buf, s)) return true;
  }
  const SeqNum end = data_end();
  // Options first: the payload must leave room for them (MUST-16).
  segment_options(now, true, s.options);
  const uint32_t mss = snd_.mss - static_cast<uint32_t>(s.options.wire_size());
  // Restart after idle (RFC 5681 §4.1): nothing in flight for more than an RTO.
  if (bufs_ && bufs_->sent && snd_.una == snd_.max && int64_t{ms32(now) - bufs_->last_send_ms} > rtt_.rto().ms()) {
    cc_.on_idle_restart(mss, cubic_state());
    bufs_->last_send_ms = ms32(now);
  }

  // Choose what to send: a single retransmission that leaves SND.NXT alone
  // (NewReno's head, or the next lost hole of SACK recovery), or the data at
  // SND.NXT (new, or again after a timeout rewound SND.NXT).
  SeqNum from = snd_.nxt;
  uint32_t limit = mss;  // most this segment may carry
  bool single = false;
  const bool sack_recovery = in_recovery_ && sack_ok_;
  uint32_t in_flight_cap = 0;  // SACK recovery: cwnd - pipe (RFC 6675 §5)
  if (sack_recovery && retransmit_head_) {
    // RFC 6675 §5 (4.3): on entering recovery the first segment goes at once,
    // whatever the pipe says.
    from = snd_.una;
    single = true;
  } else if (sack_recovery) {
    uint32_t p = pipe();
    in_flight_cap = cc_.cwnd() > p ? cc_.cwnd() - p : 0;
    if (in_flight_cap < mss) return false;  // the network is full
    if (auto hole = next_lost_hole(mss)) {
      from = hole->begin;
      limit = hole->len();
      single = true;
    }
  } else if (retransmit_head_ && snd_.una.before(snd_.max)) {
    from = snd_.una;  // fast retransmit / NewReno partial ACK
    single = true;
  }
  retransmit_head_ = false;
  if (!single && from.before(snd_.max) && bufs_ && !bufs_->sacked.empty()) {
    // Going back after a timeout: skip what the peer has SACKed (never the
    // segment at SND.UNA itself, which the peer evidently lacks).
    if (const base::SeqRange* r = bufs_->sacked.find(from); r && from.after(snd_.una)) from = snd_.nxt = r->end;
    for (const auto& r : bufs_->sacked)
      if (from.before(r.begin)) {
        limit = std::min<uint32_t>(limit, static_cast<uint32_t>(r.begin - from));
        break;
      }
  }
  uint32_t unsent = from.before(end) ? static_cast<uint32_t>(end - from) : 0;
  bool fin_to_send = fin_queued_ && from.before_eq(end);  // FIN not yet sent (or rewound)
  if (unsent == 0 && !fin_to_send) return false;

  // The usable window (§3.8.6.2.1, RFC 5681): min(SND.WND, cwnd) past SND.UNA,
  // plus one segment per duplicate ACK for limited transmit (RFC 3042). In SACK
  // recovery the congestion window is measured against the pipe instead.
  uint32_t cwnd = cc_.cwnd();
  if (!in_recovery_ && snd_.dup_acks > 0 && snd_.dup_acks < 3) cwnd += snd_.dup_acks * mss;
  int64_t past_una = from - snd_.una;
  int64_t usable = sack_recovery
                       ? std::min<int64_t>(int64_t{snd_.wnd} - past_una, in_flight_cap)
                       : int64_t{std::min(snd_.wnd, cwnd)} - past_una;
  if (single) usable = std::max<int64_t>(usable, std::min<int64_t>(snd_.wnd, limit));
  // A bare FIN is not held back by the congestion window (as Linux's
  // tcp_cwnd_test): it puts no bytes into the network, and holding it would
  // delay the close by a round trip. The peer's window still applies.
  if (unsent == 0 && fin_to_send && !single && !sack_recovery) {
    usable = std::max<int64_t>(usable, int64_t{snd_.wnd} - past_una);
  }
  bool sws_override = probe_now_ && snd_.wnd > 0;
  uint32_t len = static_cast<uint32_t>(
      std::clamp<int64_t>(std::min<int64_t>(unsent, limit), 0, std::max<int64_t>(usable, 0)));
  // A single retransmission repeats only what was sent before: it does not
  // move SND.NXT/SND.MAX, so it must not carry new data.
  if (single) len = std::min<uint32_t>(len, static_cast<uint32_t>(snd_.max - from));
  const bool retransmission = from.before(snd_.max);
  const bool nothing_in_flight = snd_.una == snd_.max;

  if (len == 0 && (unsent > 0 || usable <= 0)) {
    if (unsent > 0) note_held_back(now, past_una, unsent, limit, cwnd);
    // Window closed (or too small): the persist timer probes it (§3.8.6.1).
    if (nothing_in_flight && !timers_.armed(Timer::Persist)) {
      timers_.set(Timer::Persist, now + std::min(rtt_.rto() * (int64_t{1} << std::min<int>(probe_backoff_, 10)),
                                                 env_->config.rto_max));
    }
    return false;
  }
  if (!retransmission && len > 0 && len < mss && !sws_override) {
    // Sender SWS avoidance and Nagle (§3.8.6.2.1, §3.7.4): a short segment goes
    // only if it empties the queue or is at least half the largest window the
    // peer has offered, and Nagle allows it. Nagle in Minshall's variant (as
    // Linux): hold a short segment only while an earlier short one is unacked,
    // so the tail of a large write is not delayed by full segments in flight.
    bool empties_queue = len == unsent;
    bool small_unacked = bufs_->snd_sml.after(snd_.una);
    // Urgent data is never held back (§3.8.5: the receiver should learn of it
    // as soon as possible).
    bool urgent = bufs_->snd_urgent && bufs_->snd_up.after(from);
    bool nagle_ok = !nagle_ || !small_unacked || fin_queued_ || urgent;
    bool big_enough = len >= snd_.max_wnd / 2;
    // Corked (TCP_CORK, or MSG_MORE on the last send): the segment waits to be
    // filled, unless a push covers it or a FIN or urgent data must go. The
    // persist timer below (the SWS override, sws_override) bounds the wait.
    Buffers& b = *bufs_;
    bool corked = false;
    if (b.app.cork || b.more_hold || b.push_set) [[unlikely]] {
      bool pushed = b.push_set && (from + len).before_eq(b.push_end);
      if (b.push_set && !pushed) b.push_set = false;  // data after the push: it is spent
      corked = (b.app.cork || b.more_hold) && !pushed && !fin_queued_ && !urgent;
    }
    if (corked || !((empties_queue || big_enough) && nagle_ok)) {
      note_held_back(now, past_una, unsent, limit, cwnd);  // perhaps by a window too small to fill
      if (nothing_in_flight && !timers_.armed(Timer::Persist)) {
        timers_.set(Timer::Persist, now + rtt_.rto());  // the SWS override timeout
      }
      return false;
    }
  }
  if (sws_override) probe_now_ = false;
  if (bufs_ && bufs_->chrono == Chrono::RwndLimited) [[unlikely]] chrono_stop(now, Chrono::RwndLimited);

  make_data_segment(s, buf, from, len, end);
  SeqNum after = from + len;
  if (after == end) {
    // The FIN goes with the last byte; a single retransmission repeats it only
    // if it had been sent before.
    bool fin_ok = !single || snd_.max.after(end);
    if (fin_queued_ && fin_ok && usable > static_cast<int64_t>(len)) s.flags |= flags::kFin;
  }
  if (s.seq_len() == 0) return false;
  s.wnd = window_field();
  mark_urgent(s);
  s.retransmission = retransmission;
  if (ecn_ok_) [[unlikely]] ecn_mark(s);
  if (len > 0 && len < mss) bufs().snd_sml = after;  // remember the last short segment (Nagle)
  if (single && sack_recovery) {
    bufs().high_rxt = seq_max(bufs().high_rxt, after);  // HighRxt
    bufs_->rxt_marker = snd_.max;
    bufs_->rxt_marker_set = true;
  }
  on_segment_sent(now, s, /*advance=*/!single);
  return true;
}

void Connection::mark_urgent(Segment& s) {
  // Urgent mode lasts until the peer has acknowledged the urgent data.
  if (!bufs_ || !bufs_->snd_urgent) return;
  const SeqNum up = bufs_->snd_up;
  if (!up.after(snd_.una)) {
    bufs_->snd_urgent = false;
    return;
  }
  // Every segment below SND.UP carries URG and the offset of SND.UP from its
  // sequence number (§3.1; RFC 6093 §4: just past the last urgent byte). The
  // 16-bit field cannot reach further than 65535 octets: point as far as it
  // can, and later segments move the pointer on (MUST-31: any length).
  if (up.after(s.seq)) {
    s.flags |= flags::kUrg;
    s.urg = static_cast<uint16_t>(std::min<uint32_t>(static_cast<uint32_t>(up - s.seq), 0xffff));
  }
}

void Connection::on_segment_sent(Instant now, const Segment& s, bool advance) {
  if (bufs_) {
    // Only data needs the idle time (RFC 5681 §4.1), and data comes with Buffers.
    bufs_->last_send_ms = ms32(now);
    bufs_->sent = true;
  }
  uint32_t sl = s.seq_len();
  bool probe = s.seq.before(snd_.una);  // zero-window probe with an old sequence number
  if (sl > 0 && !probe) {
    if (s.retransmission) {
      ++stats().retransmits;
      rtt_timing_ = false;  // Karn's algorithm
      if (s.options.timestamps && !bufs().rexmit_ts_set) {
        bufs().rexmit_tsval = s.options.timestamps->val;
        bufs().rexmit_ts_set = true;
      }
    } else if (!rtt_timing_) {
      rtt_seq_ = s.seq;
      rtt_start_us_ = us32(now);
      rtt_timing_ = true;
    }
    if (advance) {
      if (bufs_ && !s.retransmission) bufs_->last_seg_seq = s.seq;  // RFC 8985 §7.3
      snd_.nxt = s.seq + sl;
      if (snd_.nxt.after(snd_.max)) snd_.max = snd_.nxt;
      if (bufs_) note_cwnd_usage(now);
    }
    if (advance && !s.retransmission && !(bufs_ && bufs_->loss_probe_now)) {
      arm_loss_probe_or_retransmit(now, /*restart_rto=*/false);  // RFC 8985 §7.2: PTO after new data
    } else if (!timers_.armed(Timer::Retransmit) && !timers_.armed(Timer::LossProbe)) {
      arm_retransmit(now);  // RFC 6298 §5.1
    }
    timers_.clear(Timer::Persist);
  }
  if (s.has_ack()) {
    last_ack_sent_ = s.ack;  // Last.ACK.sent (RFC 7323 §4.3)
    if (bufs_ && s.options.sack_count > 0) bufs_->dsack.reset();  // a D-SACK is reported once
    // Every ACK-bearing segment acknowledges RCV.NXT: nothing more is owed.
    ack_now_ = false;
    rcv_.unacked_segs = 0;
    timers_.clear(Timer::DelayedAck);
  }
}

void Connection::note_cwnd_usage(Instant now) {
  // As Linux's tcp_cwnd_validate: cwnd held sending back if it could not take
  // another full segment. A new window starts once SND.UNA passes the end of
  // the last one; the largest flight and the limit are then measured anew.
  Buffers& b = *bufs_;
  const uint32_t flight = static_cast<uint32_t>(snd_.max - snd_.una);
  const bool limited = flight + snd_.mss > cc_.cwnd();
  if (!snd_.una.before(b.cwnd_usage_seq) || limited || flight > b.flight_max) {
    b.cwnd_limited = limited;
    b.flight_max = flight;
    b.cwnd_usage_seq = snd_.max;
  }
  // An unused cwnd decays once per RTO (RFC 2861 §3): to halfway between it
  // and the largest flight of that RTO, never below the initial window. As
  // Linux, only outside loss recovery (whose rules own cwnd then) and while
  // the application is not waiting for send buffer space (then it is the
  // buffer, not the application, that keeps the flight small).
  // (Microseconds modulo 2^32: a stamp older than 71 minutes may look recent
  // and delay one decay, while restart after idle has cut cwnd anyway. Never
  // 0, which marks fresh Buffers: the first data only starts the clock.)
  const uint32_t now_us = us32(now) | 1;
  if (limited || b.cwnd_stamp_us == 0) {
    b.cwnd_used = limited ? 0 : flight;
    b.cwnd_stamp_us = now_us;
    return;
  }
  if (flight > b.cwnd_used) b.cwnd_used = flight;
  if (now_us - b.cwnd_stamp_us < static_cast<uint32_t>(rtt_.rto().us())) return;
  if (!in_recovery_ && !want_writable_) {
    cc_.on_application_limited(std::max(b.cwnd_used, initial_window(send_mss())), cubic_state());
  }
  b.cwnd_used = 0;
  b.cwnd_stamp_us = now_us;
}

bool Connection::cwnd_limited() const {
  // As Linux's tcp_is_cwnd_limited: cwnd grows while the sender uses it. An
  // application or a receive window that keeps the flight small would
  // otherwise let cwnd grow without bound, and the first large write would
  // then burst it all into the path (RFC 7661 §1). In slow start cwnd may
  // still grow to twice the largest flight, as the ACKs of a full window do.
  if (!bufs_ || bufs_->cwnd_limited) return true;
  return cc_.in_slow_start() && cc_.cwnd() < 2 * bufs_->flight_max;
}

}  // namespace synack::tcp
