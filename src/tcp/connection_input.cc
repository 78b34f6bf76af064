// Segment arrival: RFC 9293 §3.10.7, one function per state group, and within
// the synchronized states one function per "check" of §3.10.7.4.
#include <algorithm>
#include <cstring>

#include "tcp/connection.h"
#include "tcp/time_wait.h"

namespace synack::tcp {


DropReason Connection::on_segment(Instant now, const Segment& seg) {
  // Any segment from the peer shows it is alive: keep-alive measures idle time
  // from here (§3.8.4); the timer itself is not touched.
  last_rcv_ms_ = ms32(now);
  ka_probes_out_ = 0;
  DropReason r = DropReason::None;
  if (seg.syn() && seg.fin() && env_->config.drop_synfin) {
    r = DropReason::SynFinDropped;  // by policy, before any state looks at it
  } else {
    r = dispatch(now, seg);
  }
  if (r != DropReason::None) {
    ++stats().drops;
    stats().last_drop = r;
  }
  if (keepalive_) resume_keepalive(now);  // e.g. the ACK that ended a retransmission timer
  return r;
}

DropReason Connection::dispatch(Instant now, const Segment& seg) {
  DropReason r = DropReason::None;
  switch (state_) {
    case State::Closed: r = on_segment_closed(seg); break;
    case State::Listen: r = on_segment_listen(now, seg); break;
    case State::SynSent: r = on_segment_syn_sent(now, seg); break;
    case State::TimeWait: r = on_segment_time_wait(now, seg); break;
    case State::Established:
      if (predicted(now, seg)) break;
      [[fallthrough]];
    case State::SynReceived:
    case State::FinWait1:
    case State::FinWait2:
    case State::CloseWait:
    case State::Closing:
    case State::LastAck: r = on_segment_synchronized(now, seg); break;
  }
  return r;
}

// §3.10.7.1 CLOSED: no TCB; answer with RST unless the segment is a RST.
DropReason Connection::on_segment_closed(const Segment& seg) {
  if (auto r = reset_for(seg)) queue_rst(r->seq, r->has_ack() ? std::optional(r->ack) : std::nullopt);
  return DropReason::NoConnection;
}

ListenVerdict listen_verdict(const Segment& seg, const Config& cfg) {
  ListenVerdict v;
  if (seg.rst()) {  // first: an incoming RST is ignored
    v.reason = DropReason::RstIgnored;
  } else if (seg.has_ack()) {  // second: any ACK is bad here: <SEQ=SEG.ACK><CTL=RST>
    v.reason = DropReason::BadAck;
    Segment r;
    r.seq = seg.ack;
    r.flags = flags::kRst;
    v.reply = r;
  } else if (!seg.syn()) {  // fourth: drop anything else
    v.reason = DropReason::ListenNonSyn;
  } else if (seg.fin() && cfg.drop_synfin) {
    v.reason = DropReason::SynFinDropped;
  } else {
    v.accept_syn = true;  // third: a SYN
  }
  return v;
}

// §3.10.7.2 LISTEN.
DropReason Connection::on_segment_listen(Instant now, const Segment& seg) {
  ListenVerdict v = listen_verdict(seg, env_->config);
  if (!v.accept_syn) {
    if (v.reply) queue_rst(v.reply->seq, std::nullopt);
    return v.reason;
  }
  // third: a SYN. RCV.NXT = SEG.SEQ+1, IRS = SEG.SEQ, choose ISS, send
  // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, SND.NXT = ISS+1, SND.UNA = ISS.
  // Data on the SYN is not accepted (as Linux and FreeBSD): the SYN,ACK
  // acknowledges only the SYN, so the peer sends it again after the handshake.
  rcv_.irs = seg.seq;
  rcv_.nxt = seg.seq + 1;
  rcv_.adv = rcv_.nxt;
  negotiate_options(now, seg);
  snd_.iss = env_->isn->generate(now, tuple());
  snd_.una = snd_.nxt = snd_.max = snd_.iss;
  reset_send_sequence();
  snd_.wnd = seg.wnd;  // a SYN's window is never scaled (RFC 7323 §2.2)
  snd_.max_wnd = snd_.wnd;
  snd_.wl1 = seg.seq;
  snd_.wl2 = snd_.iss;
  syn_pending_ = true;
  from_listen_ = true;
  transition_to(State::SynReceived, Cause::RecvSyn);
  return DropReason::None;
}

// §3.10.7.3 SYN-SENT.
DropReason Connection::on_segment_syn_sent(Instant now, const Segment& seg) {
  bool ack_acceptable = false;
  if (seg.has_ack()) {
    // first: SEG.ACK =< ISS or SEG.ACK > SND.NXT: send a reset (unless RST), drop.
    // The RFC's SND.NXT is our SND.MAX: a retransmission timeout rewinds
    // snd_.nxt to ISS until the SYN is sent again, and the SYN,ACK answering
    // the first SYN may arrive in between.
    if (seg.ack.before_eq(snd_.iss) || seg.ack.after(snd_.max)) {
      if (!seg.rst()) queue_rst(seg.ack, std::nullopt);
      return DropReason::BadAck;
    }
    ack_acceptable = snd_.una.before(seg.ack) && seg.ack.before_eq(snd_.max);
  }
  if (seg.rst()) {
    // second: a RST with an acceptable ACK means "connection reset" (refused);
    // without an ACK it is dropped (RFC 5961 §3 keeps this rule).
    if (!ack_acceptable) return DropReason::RstIgnored;
    enter_closed(Cause::RecvRst, Error::ConnectionRefused);
    return DropReason::None;
  }
  if (!seg.syn()) return DropReason::NoSynOrRst;  // fifth
  // fourth: the SYN.
  rcv_.irs = seg.seq;
  rcv_.nxt = seg.seq + 1;
  rcv_.adv = rcv_.nxt;
  negotiate_options(now, seg);
  snd_.wnd = seg.wnd;
  snd_.max_wnd = snd_.wnd;
  snd_.wl1 = seg.seq;
  if (seg.has_ack()) {
    snd_.una = seg.ack;
    snd_.wl2 = seg.ack;
  }
  if (snd_.una.after(snd_.iss)) {
    // Our SYN has been ACKed: ESTABLISHED, send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
    // A SYN still due after a timeout is no longer needed.
    syn_pending_ = false;
    if (snd_.nxt.before(snd_.una)) snd_.nxt = snd_.una;
    if (rtt_timing_ && rexmit_count_ == 0) {
      rtt_.sample(Duration::micros(us32(now) - rtt_start_us_), env_->config.rto_min, env_->config.rto_max);
    }
    rtt_timing_ = false;
    timers_.clear(Timer::Retransmit);
    rexmit_count_ = 0;
    rexmit_started_ = false;
    transition_to(State::Established, Cause::RecvSynAck);
    ack_now_ = true;
    // Text or a FIN riding on the SYN,ACK: continue at the sixth step.
    Segment rest = seg;
    rest.flags = static_cast<uint8_t>(rest.flags & ~flags::kSyn);
    rest.seq = seg.seq + 1;
    if (rest.flags & flags::kUrg) process_urg(seg.seq + seg.urg);
    process_text(now, rest);
    if (rest.fin() && rest.seq + rest.len() == rcv_.nxt) process_fin(now);
    return DropReason::None;
  }
  // Simultaneous open (§3.5 Figure 8): SYN-RECEIVED, send
  // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. Text on the SYN is "queued for
  // processing after the ESTABLISHED state has been reached": held (not yet
  // acknowledged) and delivered when the handshake completes. A FIN on the
  // SYN is ignored, as BSD does; the peer sends it again.
  if (seg.len() > 0 && seg.len() <= rcv_buf_cap_) {
    env_->buffers.reserve(bufs().rcv, rcv_buf_cap_);
    bufs().rcv.write_at(0, seg.payload);
    bufs().ooo.insert(rcv_.nxt, rcv_.nxt + seg.len());
  }
  snd_.nxt = snd_.iss;
  syn_pending_ = true;
  from_listen_ = false;
  timers_.clear(Timer::Retransmit);
  transition_to(State::SynReceived, Cause::RecvSyn);
  return DropReason::None;
}

DropReason Connection::on_segment_time_wait(Instant now, const Segment& seg) {
  TimeWaitVars tw{snd_.nxt, rcv_.nxt, static_cast<uint32_t>(rcv_.adv - rcv_.nxt)};
  auto v = time_wait_on_segment(tw, seg, env_->config);
  switch (v.action) {
    case TimeWaitAction::Ignore:
      break;
    case TimeWaitAction::Reopen:  // a standalone connection cannot reopen: challenge it
    case TimeWaitAction::Ack:
      ack_now_ = true;
      break;
    case TimeWaitAction::AckAndRestart:
      ack_now_ = true;
      timers_.set(Timer::TimeWait, now + env_->config.msl * 2);
      break;
    case TimeWaitAction::Close:
      enter_closed(Cause::RecvRst, std::nullopt);
      break;
  }
  return v.reason;
}

// RCV.WND for the acceptability test. Once established it is the receive
// buffer's free space (never less than what was advertised); the 16-bit field
// may only show part of it. In SYN-RECEIVED, before buffers are sized, it is
// exactly the window the SYN,ACK offered.
uint32_t Connection::acceptance_window() const {
  uint32_t advertised = static_cast<uint32_t>(std::max(0, rcv_.adv - rcv_.nxt));
  // A passive open's SYN-RECEIVED has promised only what its SYN,ACK
  // advertised; an active open (simultaneous) has its buffer already.
  if (state_ == State::SynReceived && from_listen_) return advertised;
  return std::max(rcv_wnd(), advertised);
}

// Table 6 of §3.10.7.4: is any part of the segment inside the receive window?
bool Connection::acceptable(const Segment& seg) const {
  uint32_t wnd = acceptance_window();
  uint32_t len = seg.seq_len();
  if (seg.rst()) len = 0;  // a RST is judged by its sequence number alone
  if (len == 0) {
    if (wnd == 0) return seg.seq == rcv_.nxt;
    return SeqNum::in_window(seg.seq, rcv_.nxt, wnd);
  }
  if (wnd == 0) return false;
  return SeqNum::in_window(seg.seq, rcv_.nxt, wnd) ||
         SeqNum::in_window(seg.seq + (len - 1), rcv_.nxt, wnd);
}

// Keep only the part of an acceptable segment inside the window: new data from
// RCV.NXT (EP-SEQ-3), nothing past the right edge.
void Connection::trim_to_window(Segment& seg) {
  if (seg.seq.before(rcv_.nxt) && !seg.rst()) {
    uint32_t excess = static_cast<uint32_t>(rcv_.nxt - seg.seq);
    if (seg.syn()) {
      seg.flags = static_cast<uint8_t>(seg.flags & ~flags::kSyn);
      --excess;
    }
    uint32_t cut = std::min<uint32_t>(excess, seg.len());
    if (cut > 0) {
      // The old part is reported as a D-SACK (RFC 2883) and ACKed at once: a
      // repeat means the peer is retransmitting, perhaps for a lost ACK.
      SeqNum data_start = rcv_.nxt - excess;
      note_duplicate(data_start, data_start + cut);
      ack_now_ = true;
    }
    seg.payload = seg.payload.subspan(cut);
    seg.seq = rcv_.nxt - (excess - cut);
    if (excess > cut) seg.flags = static_cast<uint8_t>(seg.flags & ~flags::kFin);  // old FIN
    if (seg.seq.before(rcv_.nxt)) seg.seq = rcv_.nxt;
  }
  SeqNum right = rcv_.nxt + acceptance_window();
  if ((seg.seq + seg.len()).after(right)) {
    uint32_t keep = seg.seq.before(right) ? static_cast<uint32_t>(right - seg.seq) : 0;
    seg.payload = seg.payload.first(keep);
    seg.flags = static_cast<uint8_t>(seg.flags & ~flags::kFin);
  }
}

// §3.10.7.4, for SYN-RECEIVED and the synchronized states except TIME-WAIT.
DropReason Connection::on_segment_synchronized(Instant now, const Segment& arrived) {
  if (state_ == State::SynReceived && arrived.syn() && !arrived.rst() && arrived.seq == rcv_.irs) {
    if (!arrived.has_ack()) {
      // The peer's SYN again: our SYN,ACK was lost; send it again.
      syn_pending_ = syn_again_ = true;
      snd_.nxt = snd_.iss;
      return DropReason::None;
    }
    // Simultaneous open (§3.5 Figure 8, line 5): the peer's SYN,ACK repeats the
    // SYN we already hold; what is new is its ACK of our SYN. Process it as an
    // ACK, and acknowledge (line 6).
    Segment in = arrived;
    in.flags = static_cast<uint8_t>(in.flags & ~flags::kSyn);
    in.seq = in.seq + 1;
    ack_now_ = true;
    return check_sequence(now, in, arrived);
  }
  // Most segments are used as they arrived: copied only when changed.
  return check_sequence(now, arrived, arrived);
}

// §3.10.7.4 first: the sequence number, after the timestamp checks of RFC 7323.
DropReason Connection::check_sequence(Instant now, const Segment& in, const Segment& arrived) {
  if (ts_ok_ && !in.rst()) {
    // RFC 7323 §3.2: once timestamps are in use, a non-RST segment without one
    // is dropped. §5.3 R1 (PAWS): an old timestamp marks an old duplicate; it
    // is acknowledged and dropped. (A RST is judged by its sequence number.)
    if (!in.options.timestamps) return DropReason::MissingTimestamp;
    if (paws_reject(now, in)) {
      ack_now_ = true;
      return DropReason::PawsRejected;
    }
  }
  if (!acceptable(in)) {
    if (in.rst()) return DropReason::RstOutOfWindow;
    ack_now_ = true;  // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
    if (in.len() > 0 && (in.seq + in.len()).before_eq(rcv_.nxt)) note_duplicate(in.seq, in.seq + in.len());
    return DropReason::Unacceptable;
  }
  // Trim to the window: keep only new data, starting at RCV.NXT (EP-SEQ-3).
  if ((in.seq.before(rcv_.nxt) && !in.rst()) || (in.seq + in.len()).after(rcv_.nxt + acceptance_window())) {
    Segment seg = in;
    trim_to_window(seg);
    return process_accepted(now, seg, arrived);
  }
  return process_accepted(now, in, arrived);
}

// §3.10.7.4 second to eighth, for a segment trimmed to the window; `arrived`
// is the segment as it came (the urgent pointer is relative to it).
DropReason Connection::process_accepted(Instant now, const Segment& seg, const Segment& arrived) {
  // second: the RST bit.
  if (seg.rst()) return check_rst(seg);
  // fourth: the SYN bit (the third, security, does not apply).
  if (seg.syn()) return check_syn(now, seg);
  // fifth: the ACK field.
  if (!seg.has_ack()) return DropReason::NoAck;
  if (DropReason r = check_ack(now, seg); r != DropReason::None) return r;
  if (state_ == State::Closed || state_ == State::TimeWait) return DropReason::None;
  update_ts_recent(now, seg);

  // sixth: the URG bit, in the states where data is still received. The
  // pointer is an offset from the segment's own sequence number, before any
  // trimming.
  if ((seg.flags & flags::kUrg) &&
      StateSet{State::Established, State::FinWait1, State::FinWait2}.has(state_)) {
    process_urg(arrived.seq + arrived.urg);
  }
  // seventh: the segment text.
  if (seg.len() > 0) {
    if (StateSet{State::Established, State::FinWait1, State::FinWait2}.has(state_)) {
      if (app_closed_) {
        // SHLD-3: nobody will read this data; tell the peer with a RST. Its
        // sequence number is SEG.ACK, the peer's RCV.NXT, as for a segment
        // that finds no connection (§3.10.7.1; BSD and Linux do the same):
        // SND.NXT would be off by what the peer has not received (our FIN, when
        // it was lost), and RFC 5961 §3.2 would answer it with a challenge ACK
        // instead of closing.
        queue_rst(seg.ack, std::nullopt);
        enter_closed(Cause::DataAfterClose, Error::ConnectionReset);
        return DropReason::AfterClose;
      }
      process_text(now, seg);
    }
    // CLOSE-WAIT, CLOSING, LAST-ACK: a FIN has been received; ignore the text.
  }
  // eighth: the FIN bit, processed only once everything before it has arrived.
  if (seg.fin()) {
    SeqNum fin_at = seg.seq + seg.len();
    if (fin_at == rcv_.nxt) {
      if (!fin_received_) process_fin(now);
      else ack_now_ = true;  // a retransmitted FIN: ACK it again
    } else if (fin_at.after(rcv_.nxt)) {
      bufs().ooo_fin = fin_at;  // remember it; processed when the hole is filled
      ack_now_ = true;
    }
  }
  return DropReason::None;
}

DropReason Connection::check_rst(const Segment& seg) {
  // RFC 5961 §3.2: only a RST at exactly RCV.NXT resets; another in-window RST
  // gets a challenge ACK. With the check switched off, RFC 793's rule applies.
  if (env_->config.rfc5961_rst && seg.seq != rcv_.nxt) {
    send_challenge_ack();
    return DropReason::RstChallenged;
  }
  switch (state_) {
    case State::SynReceived:
      if (from_listen_) {
        return_to_listen(Cause::RecvRst);  // passive OPEN: the user is not told (MUST-11)
      } else {
        enter_closed(Cause::RecvRst, Error::ConnectionRefused);
      }
      break;
    case State::Established:
    case State::FinWait1:
    case State::FinWait2:
    case State::CloseWait:
    case State::Closing:
    case State::LastAck:
      enter_closed(Cause::RecvRst, Error::ConnectionReset);
      break;
    default:
      break;
  }
  return DropReason::None;
}

DropReason Connection::check_syn(Instant, const Segment&) {
  if (state_ == State::SynReceived && from_listen_) {
    // "If the connection was initiated with a passive OPEN, then return this
    // connection to the LISTEN state and return."
    return_to_listen(Cause::RecvSyn);
    return DropReason::None;
  }
  if (env_->config.rfc5961_syn) {
    send_challenge_ack();  // RFC 5961 §4.2
    return DropReason::SynChallenged;
  }
  // RFC 793: an in-window SYN is an error: reset the connection, with
  // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK> (as BSD does).
  queue_rst(snd_.nxt, rcv_.nxt);
  enter_closed(Cause::RecvSyn, Error::ConnectionReset);
  return DropReason::None;
}

DropReason Connection::check_ack(Instant now, const Segment& seg) {
  if (state_ == State::SynReceived) {
    // SND.UNA < SEG.ACK =< SND.NXT: enter ESTABLISHED; otherwise <SEQ=SEG.ACK><CTL=RST>.
    if (!(snd_.una.before(seg.ack) && seg.ack.before_eq(snd_.max))) {
      queue_rst(seg.ack, std::nullopt);
      return DropReason::BadAck;
    }
    // TCP_DEFER_ACCEPT: a bare ACK (no data, no FIN) within the deferral is set
    // aside, as Linux's tcp_check_req does; the peer's data will complete the
    // handshake, or its ACK of the SYN,ACK sent at the deferral's end.
    if (seg.seq_len() == 0 && from_listen_ && bufs_ && rexmit_count_ < bufs_->app.defer_accept) [[unlikely]] {
      bufs_->defer_acked = true;
      return DropReason::DeferredAccept;
    }
    snd_.wnd = static_cast<uint32_t>(seg.wnd) << snd_.wscale;
    snd_.max_wnd = std::max(snd_.max_wnd, snd_.wnd);
    snd_.wl1 = seg.seq;
    snd_.wl2 = seg.ack;
    transition_to(State::Established, Cause::RecvAck);
    // Text that came on a SYN (simultaneous open) is processed now.
    if (!ooo_empty() && deliver_held_text()) schedule_ack(now, false);
    // A CLOSE while in SYN-RECEIVED was queued for this moment.
    if (fin_queued_) transition_to(State::FinWait1, Cause::UserClose);
  }
  // RFC 5961 §5.2: acceptable ACKs lie in [SND.UNA - MAX.SND.WND, SND.NXT].
  if (seg.ack.after(snd_.max)) {
    ack_now_ = true;  // an ACK for data never sent: ACK and drop
    return DropReason::AckTooNew;
  }
  if (env_->config.rfc5961_ack && seg.ack.before(snd_.una - std::max(snd_.max_wnd, 1u))) {
    send_challenge_ack();
    return DropReason::AckTooOld;
  }
  bool new_sack = update_scoreboard(seg);
  if (snd_.una.before(seg.ack)) {
    process_new_ack(now, seg);
  } else {
    process_duplicate_ack(now, seg, new_sack);
  }
  if (in_recovery_ && sack_ok_ && new_sack) detect_lost_retransmission();
  if (seg.ece() && ecn_ok_) [[unlikely]] ecn_echo_received();
  update_send_window(seg);

  bool fin_acked = fin_queued_ && snd_.una == fin_seq() + 1;
  switch (state_) {
    case State::FinWait1:
      if (fin_acked) {
        transition_to(State::FinWait2, Cause::RecvAck);
        if (app_closed_) timers_.set(Timer::FinWait2, now + fin_wait_2_timeout());
      }
      break;
    case State::Closing:
      if (fin_acked) enter_time_wait(now, Cause::RecvAck);
      break;
    case State::LastAck:
      if (fin_acked) enter_closed(Cause::RecvAck, std::nullopt);
      break;
    default:
      break;
  }
  return DropReason::None;
}

void Connection::process_new_ack(Instant now, const Segment& seg) {
  const Config& cfg = env_->config;
  if (bufs_ && bufs_->tlp_episode) [[unlikely]] process_loss_probe_ack(seg);
  uint32_t acked = static_cast<uint32_t>(seg.ack - snd_.una);
  // Drop acknowledged data from the send buffer. Only data counts for
  // congestion control, not the SYN or FIN.
  uint32_t data_acked = 0;
  if (bufs_ && seg.ack.after(bufs_->snd_seq)) {
    data_acked = std::min<uint32_t>(static_cast<uint32_t>(seg.ack - bufs_->snd_seq),
                                    static_cast<uint32_t>(snd_size()));
    if (data_acked > 0) {
      bufs().snd.consume(data_acked);
      if (bufs_->snd.empty()) chrono_stop(now, Chrono::Busy);  // nothing queued: no clock runs
    }
    bufs_->snd_seq += data_acked;
  }
  // RTT sample (Karn: timing stops whenever we retransmit).
  if (rtt_timing_ && seg.ack.after(rtt_seq_)) {
    rtt_.sample(Duration::micros(us32(now) - rtt_start_us_), cfg.rto_min, cfg.rto_max);
    rtt_timing_ = false;
  } else if (!rtt_timing_ && (rexmit_count_ > 0 || in_recovery_)) {
    // Karn's rule stopped the timer; timestamps still measure (RFC 7323 §4).
    rtt_from_timestamp(now, seg);
  }
  if (bufs_) bufs_->rexmit_ts_set = false;
  snd_.una = seg.ack;
  if (snd_.nxt.before(snd_.una)) snd_.nxt = snd_.una;
  if (bufs_) {
    // Linux sends what MSG_MORE held once an ACK arrives (the socket's own
    // Nagle setting then decides); a push already sent is spent.
    if (bufs_->more_hold || bufs_->push_set) [[unlikely]] {
      bufs_->more_hold = false;
      if (bufs_->push_set && !snd_.una.before(bufs_->push_end)) bufs_->push_set = false;
    }
    bufs_->sacked.remove_before(snd_.una);
    if (bufs_->probe_lost && !bufs_->probe_lost_below.after(snd_.una)) bufs_->probe_lost = false;
  }

  // Congestion control (RFC 5681, RFC 6582, RFC 6675).
  uint32_t flight = static_cast<uint32_t>(snd_.max - snd_.una);
  if (in_recovery_) {
    if (seg.ack.after_eq(bufs().recover)) {
      in_recovery_ = false;  // full acknowledgment: recovery ends
      bufs_->rxt_marker_set = false;
      cc_.on_exit_recovery(flight, send_mss());
    } else if (!sack_ok_) {
      cc_.on_partial_ack(acked, send_mss());  // NewReno partial ACK: retransmit the next hole
      retransmit_head_ = true;
    }  // with SACK, the scoreboard and pipe choose what goes next
  } else if (data_acked > 0 && cwnd_limited()) {
    cc_.on_ack(now, data_acked, snd_.mss, rtt_.srtt(), cubic_state());
  }
  snd_.dup_acks = 0;
  rexmit_count_ = 0;
  rexmit_started_ = false;

  // RFC 6298 §5.2-5.3: stop the timer when all is acknowledged, else restart
  // it (or the loss probe's in its place, RFC 8985 §7.2).
  if (snd_.una == snd_.max) {
    timers_.clear(Timer::Retransmit);
    timers_.clear(Timer::LossProbe);
  } else {
    arm_loss_probe_or_retransmit(now, /*restart_rto=*/true);
  }
  if (want_writable_ && send_space() > 0) {
    want_writable_ = false;
    chrono_stop(now, Chrono::SndbufLimited);
    emit(Event::simple(EventKind::Writable));
  }
}

void Connection::process_duplicate_ack(Instant, const Segment& seg, bool new_sack) {
  if (bufs_ && bufs_->tlp_episode) process_loss_probe_ack(seg);
  // RFC 5681 §2 "DUPLICATE ACKNOWLEDGMENT": outstanding data, no data and no
  // SYN/FIN in the segment, SEG.ACK == SND.UNA, and the window unchanged. With
  // SACK, an ACK that SACKs new data counts too (RFC 6675 §2).
  bool classic = snd_.una != snd_.max && seg.len() == 0 && !seg.syn() && !seg.fin() &&
                 seg.ack == snd_.una && (static_cast<uint32_t>(seg.wnd) << snd_.wscale) == snd_.wnd;
  bool sacked_new = new_sack && seg.ack == snd_.una;
  if (!classic && !sacked_new) return;
  ++stats().dup_acks_in;
  if (snd_.dup_acks < 255) ++snd_.dup_acks;
  if (in_recovery_) {
    if (!sack_ok_) cc_.on_recovery_dupack(send_mss());  // inflate (RFC 5681 §3.2 step 4)
    return;
  }
  // Enter recovery on the third duplicate (RFC 5681 §3.2), or as soon as the
  // scoreboard says the first segment is lost (RFC 6675 §5 (B)) — unless this
  // loss episode was already handled (RFC 6582 §3.2: SEG.ACK must pass `recover`).
  bool lost = sack_ok_ && lost_boundary().after(snd_.una);
  if ((snd_.dup_acks >= 3 || lost) && seg.ack.after(bufs().recover - 1)) {
    if (sack_ok_) {
      enter_sack_recovery();
      return;
    }
    in_recovery_ = true;
    bufs().recover = snd_.max;
    cc_.on_enter_recovery(static_cast<uint32_t>(snd_.max - snd_.una), send_mss(), cubic_state());
    retransmit_head_ = true;
    rtt_timing_ = false;
    ++stats().fast_retransmits;
  }
}

void Connection::update_send_window(const Segment& seg) {
  // §3.10.7.4: update the window only from a newer segment (SND.WL1/WL2 rule).
  if (snd_.wl1.before(seg.seq) || (snd_.wl1 == seg.seq && snd_.wl2.before_eq(seg.ack))) {
    snd_.wnd = static_cast<uint32_t>(seg.wnd) << snd_.wscale;
    snd_.max_wnd = std::max(snd_.max_wnd, snd_.wnd);
    snd_.wl1 = seg.seq;
    snd_.wl2 = seg.ack;
    if (snd_.wnd > 0 && timers_.armed(Timer::Persist)) {
      timers_.clear(Timer::Persist);
      probe_backoff_ = 0;
    }
  }
}

void Connection::process_urg(SeqNum up) {
  // §3.10.7.4 sixth: RCV.UP <- max(RCV.UP, SEG.UP), and tell the user if it
  // lies beyond the data consumed: when urgent data first appears and
  // whenever the pointer advances (MUST-32). A pointer at or before what the
  // user has read repeats urgent data already seen and read.
  if (!up.after(read_seq())) return;
  if (bufs().rcv_urgent && !up.after(bufs().rcv_up)) return;
  bufs().rcv_up = up;
  bufs().rcv_urgent = true;
  emit(Event::simple(EventKind::Urgent));
}

void Connection::process_text(Instant now, const Segment& seg) {
  uint32_t len = seg.len();
  if (len == 0) return;
  if (ecn_ok_) [[unlikely]] ecn_receive(now, seg);
  size_t unread = rcv_size();
  if (seg.seq == rcv_.nxt) {
    base::Bytes text = seg.payload;
    bool landed_only = false;  // all of the text went into a posted buffer with room to spare
    // A posted RECEIVE takes the text first when nothing waits ahead of it in
    // the receive buffer (so the stream keeps its order) and no urgent data is
    // pending (its pointer counts bytes in the buffer).
    if (unread == 0 && ooo_empty() && recv_posted() && !bufs_->rcv_urgent) {
      Buffers& b = *bufs_;
      size_t k = std::min<size_t>(text.size(), b.posted_cap - b.posted_len);
      if (k > 0) std::memcpy(b.posted + b.posted_len, text.data(), k);
      b.posted_len += static_cast<uint32_t>(k);
      text = text.subspan(k);
      landed_only = text.empty() && b.posted_len < b.posted_cap;
    }
    if (!text.empty()) {
      env_->buffers.reserve(bufs().rcv, unread + (ooo_empty() ? text.size() : rcv_buf_cap_));
      bufs().rcv.append(text);
    }
    rcv_.nxt += len;
    // Data was held out of order: this segment filled (part of) the hole, even
    // if it also covered all the held data (RFC 5681 §4.2: ACK at once).
    bool filled_hole = !ooo_empty();
    if (filled_hole) deliver_held_text();  // nothing held: nothing to deliver
    // A posted RECEIVE completes when its buffer is full or a PUSH arrives
    // (§3.10.3; every sender pushes the last segment of what it has, MUST-61),
    // so the application is not woken for every segment that lands.
    bool completes = !landed_only || seg.psh();
    if (completes && !readable_signaled_) {
      readable_signaled_ = true;
      emit(Event::simple(EventKind::Readable));
    }
    // ACK at least every second segment (SHLD-19), at once when a hole
    // closes (RFC 5681 §4.2), when one segment carried more than a full
    // segment's worth (a coalesced burst), and during the quick-ACK start;
    // otherwise delay (§3.8.6.3).
    bool quick = rcv_.quick_acks_left > 0;
    if (quick) --rcv_.quick_acks_left;
    if (++rcv_.unacked_segs >= 2 || filled_hole || !ooo_empty() || quick || len > env_->config.mss) {
      schedule_ack(now, true);
    } else {
      schedule_ack(now, false);
    }
    if (bufs_->ooo_fin && *bufs_->ooo_fin == rcv_.nxt && !fin_received_) {
      bufs_->ooo_fin.reset();
      process_fin(now);
    }
    return;
  }
  // Out of order (SHLD-31): keep it in place ahead of RCV.NXT and ACK at once so
  // the sender sees a duplicate ACK (RFC 5681 §4.2).
  uint32_t ahead = static_cast<uint32_t>(seg.seq - rcv_.nxt);
  if (bufs().ooo.contains(seg.seq, seg.seq + len)) {
    note_duplicate(seg.seq, seg.seq + len);
  } else if (bufs().ooo.insert(seg.seq, seg.seq + len)) {
    note_out_of_order(seg.seq);
    env_->buffers.reserve(bufs().rcv, std::max<size_t>(unread + ahead + len, rcv_buf_cap_));
    bufs().rcv.write_at(unread + ahead, seg.payload);
  } else {
    ++stats().drops;
    stats().last_drop = DropReason::ReassemblyFull;
  }
  schedule_ack(now, true);
}

bool Connection::deliver_held_text() {
  // Held out-of-order data now at RCV.NXT becomes in-order. Trim first: the
  // segment just appended may have overlapped the start of a held range.
  bool delivered = false;
  for (;;) {
    bufs().ooo.remove_before(rcv_.nxt);
    uint32_t n = bufs().ooo.pop_front_at(rcv_.nxt);
    if (n == 0) break;
    bufs().rcv.commit(n);
    rcv_.nxt += n;
    delivered = true;
  }
  if (delivered && !readable_signaled_) {
    readable_signaled_ = true;
    emit(Event::simple(EventKind::Readable));
  }
  return delivered;
}

void Connection::process_fin(Instant now) {
  // §3.10.7.4 eighth: signal "connection closing", advance RCV.NXT over the FIN
  // and acknowledge it.
  rcv_.nxt += 1;
  fin_received_ = true;
  ack_now_ = true;
  emit(Event::simple(EventKind::PeerClosed));
  if (!readable_signaled_) {
    readable_signaled_ = true;
    emit(Event::simple(EventKind::Readable));
  }
  bool our_fin_acked = fin_queued_ && snd_.una == fin_seq() + 1;
  switch (state_) {
    case State::SynReceived:
    case State::Established:
      transition_to(State::CloseWait, Cause::RecvFin);
      break;
    case State::FinWait1:
      if (our_fin_acked) {
        enter_time_wait(now, Cause::RecvFin);
      } else {
        transition_to(State::Closing, Cause::RecvFin);  // simultaneous close (§3.6 Figure 13)
      }
      break;
    case State::FinWait2:
      enter_time_wait(now, Cause::RecvFin);
      break;
    default:
      break;  // CLOSE-WAIT, CLOSING, LAST-ACK: remain
  }
}

void Connection::send_challenge_ack() {
  ack_now_ = true;
  ++stats().challenge_acks;
}

}  // namespace synack::tcp
