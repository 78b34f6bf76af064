// Timers: retransmission (RFC 6298), persist (§3.8.6.1), delayed ACK
// (§3.8.6.3), TIME-WAIT (§3.6.1) and the orphaned FIN-WAIT-2 timeout.
// Keep-alive (§3.8.4) is in connection_keepalive.cc.
#include <algorithm>

#include "tcp/connection.h"

namespace synack::tcp {

void Connection::arm_retransmit(Instant now) { timers_.set(Timer::Retransmit, now + rtt_.rto()); }

Duration Connection::r2() const {
  if (app().user_timeout_ms > 0) return Duration::millis(app().user_timeout_ms);  // MUST-21
  bool handshake = state_ == State::SynSent || state_ == State::SynReceived;
  return handshake ? env_->config.r2_syn : env_->config.r2;  // MUST-23, SHLD-11
}

bool Connection::set_fin_wait_2_timeout(Duration d) {
  const uint16_t s = whole_seconds(d, kMaxFinWait2Secs);
  if (s == 0 && d != Duration::zero()) return false;  // zero: back to the Config's
  bufs().app.fin_wait_2_s = static_cast<uint8_t>(s);
  return true;
}

Duration Connection::fin_wait_2_timeout() const {
  const uint8_t s = app().fin_wait_2_s;
  return s ? Duration::seconds(s) : env_->config.fin_wait_2_timeout;
}

void Connection::on_timeout(Instant now) {
  if (timers_.expired(Timer::TimeWait, now)) {
    enter_closed(Cause::TimeWaitExpired, std::nullopt);  // §3.10.8 time-wait timeout
    return;
  }
  if (timers_.expired(Timer::FinWait2, now)) {
    enter_closed(Cause::FinWait2Timeout, std::nullopt);
    return;
  }
  if (timers_.expired(Timer::DelayedAck, now)) {
    timers_.clear(Timer::DelayedAck);
    ack_now_ = true;
  }
  if (timers_.expired(Timer::LossProbe, now)) on_loss_probe_timeout(now);  // may hand over to the RTO
  if (timers_.expired(Timer::Retransmit, now)) on_retransmit_timeout(now);
  if (state_ != State::Closed && timers_.expired(Timer::Persist, now)) on_persist_timeout(now);
  if (timers_.expired(Timer::KeepAlive, now)) on_keepalive_timeout(now);
  if (keepalive_) resume_keepalive(now);
}

void Connection::on_retransmit_timeout(Instant now) {
  timers_.clear(Timer::Retransmit);
  if (!rexmit_started_) {
    first_rexmit_ms_ = ms32(now);
    rexmit_started_ = true;
  }
  // R2 (§3.8.3, MUST-20): give up once retransmissions of one segment have gone
  // on for R2, measured from its first retransmission (and, unless the user
  // set the timeout, after a minimum number of them).
  bool time_up = int64_t{ms32(now) - first_rexmit_ms_} >= r2().ms();
  bool enough = app().user_timeout_ms > 0 || rexmit_count_ >= env_->config.r2_min_retransmissions;
  if (time_up && enough) {
    enter_closed(Cause::RetransmitLimit, Error::ConnectionTimedOut);
    return;
  }
  if (rexmit_count_ < 255) ++rexmit_count_;
  ++stats().timeouts;
  if (rexmit_count_ == env_->config.r1_retransmissions) emit(Event::simple(EventKind::DeliveryTrouble));
  rtt_.back_off(env_->config.rto_max);  // RFC 6298 §5.5
  arm_retransmit(now);                   // RFC 6298 §5.6: restart the timer at once
  rtt_timing_ = false;                   // Karn
  if (state_ == State::SynSent || snd_.una == snd_.iss) {
    // TCP_DEFER_ACCEPT, the peer's ACK set aside: no SYN,ACK until the
    // deferral's last timeout (Linux's syn_ack_recalc), which gives the peer a
    // last chance to answer.
    if (bufs_ && bufs_->defer_acked && rexmit_count_ < bufs_->app.defer_accept) return;
    // Our SYN (or SYN,ACK) is unacknowledged: send it again (MUST-22).
    syn_pending_ = syn_again_ = true;
    snd_.nxt = snd_.iss;
    return;
  }
  // Data or FIN: go back to SND.UNA with a loss window (RFC 5681 §3.1, RFC 6298
  // §5.4). ssthresh is reduced only for the first timeout of this segment.
  uint32_t flight = static_cast<uint32_t>(snd_.max - snd_.una);
  cc_.on_rto(flight, send_mss(), /*first_timeout=*/rexmit_count_ == 1, cubic_state());
  end_loss_probe_episode();  // the timeout's reduction covers whatever the probe found
  if (bufs_) bufs_->probe_lost = bufs_->rxt_marker_set = false;  // going back resends every hole anyway
  snd_.nxt = snd_.una;
  in_recovery_ = false;
  snd_.dup_acks = 0;
  if (bufs_) bufs_->recover = snd_.max;  // RFC 6582 §3.2 step 4 (without Buffers no data was ever sent)
  retransmit_head_ = false;
}

void Connection::on_persist_timeout(Instant now) {
  timers_.clear(Timer::Persist);
  // Zero window: probe, backing off exponentially (SHLD-29, SHLD-30); the
  // connection stays open while probes are answered (MUST-37). A non-zero but
  // small window: the SWS override lets a short segment go (§3.8.6.2.1).
  probe_now_ = true;
  if (snd_.wnd == 0) {
    if (probe_backoff_ < 15) ++probe_backoff_;
    Duration next = std::min(rtt_.rto() * (int64_t{1} << std::min<int>(probe_backoff_, 10)),
                             env_->config.rto_max);
    timers_.set(Timer::Persist, now + next);
  }
}

void Connection::schedule_ack(Instant now, bool immediate) {
  if (immediate) {
    ack_now_ = true;
  } else if (!timers_.armed(Timer::DelayedAck)) {
    timers_.set(Timer::DelayedAck, now + env_->config.delayed_ack);  // MUST-40: < 500 ms
  }
}

void Connection::maybe_window_update() {
  // After the application reads, tell the peer the window opened only when it
  // matters (§3.8.6.2.2 lets the right edge move; when to *announce* it is
  // ours to choose). As BSD: when the window grows by two segments or by half
  // the buffer; a read that frees less waits for the next ACK.
  if (!StateSet{State::Established, State::FinWait1, State::FinWait2}.has(state_)) return;
  uint32_t cur = static_cast<uint32_t>(std::max(0, rcv_.adv - rcv_.nxt));
  uint32_t now_free = std::min(rcv_wnd(), max_advertisable());
  if (now_free <= cur) return;
  uint32_t growth = now_free - cur;
  if (growth >= 2u * env_->config.mss || 2 * growth >= rcv_buf_cap_) ack_now_ = true;
}

}  // namespace synack::tcp
