// Keep-alive (RFC 9293 §3.8.4): optional (MAY-5), off unless the application
// asks (MUST-24, MUST-25). A probe goes out only after nothing has been
// received for the idle time and while nothing is outstanding or queued
// (MUST-26); it is <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK> with no data
// (SHLD-12), which the peer must answer with an ACK (§3.10.7.4, first check).
// The connection times out only after several unanswered probes (MUST-29).
//
// Receiving a segment only records the time (last_rcv_ms_) and clears the
// probe count; the timer is not moved. When it fires it looks at how long the
// connection has really been idle and re-arms itself for the rest (as BSD's
// t_rcvtime), so busy connections never touch the stack's timer wheel for it.
#include <algorithm>

#include "tcp/connection.h"

namespace synack::tcp {

Duration Connection::keepalive_idle() const {
  return app().ka_idle_s ? Duration::seconds(app().ka_idle_s) : env_->config.keepalive_idle;
}

Duration Connection::keepalive_interval() const {
  return app().ka_intvl_s ? Duration::seconds(app().ka_intvl_s) : env_->config.keepalive_interval;
}

uint32_t Connection::keepalive_probes() const {
  return app().ka_probes ? app().ka_probes : std::max<uint32_t>(env_->config.keepalive_probes, 1);
}

void Connection::set_keepalive(Instant now, bool on) {
  if (on == keepalive_) return;
  keepalive_ = on;
  if (!on) {
    timers_.clear(Timer::KeepAlive);
    keepalive_now_ = false;
    return;
  }
  // As Linux: the first look comes one idle time from now; it then measures
  // the idle time from the last segment received.
  ka_probes_out_ = 0;
  if (keepalive_applies() && timers_.main_free()) timers_.set(Timer::KeepAlive, now + keepalive_idle());
}

bool Connection::set_keepalive_idle(Instant now, Duration idle) {
  uint16_t s = whole_seconds(idle, kMaxKeepAliveSecs);
  if (s == 0) return false;
  bufs().app.ka_idle_s = s;
  // A waiting timer may now be late (or early: it then re-arms itself).
  if (timers_.armed(Timer::KeepAlive) && ka_probes_out_ == 0) {
    timers_.clear(Timer::KeepAlive);
    resume_keepalive(now);
  }
  return true;
}

bool Connection::set_keepalive_interval(Instant now, Duration interval) {
  uint16_t s = whole_seconds(interval, kMaxKeepAliveSecs);
  if (s == 0) return false;
  bufs().app.ka_intvl_s = s;
  if (timers_.armed(Timer::KeepAlive) && ka_probes_out_ > 0) {
    timers_.set(Timer::KeepAlive, std::min(timers_.at(Timer::KeepAlive), now + interval));
  }
  return true;
}

bool Connection::set_keepalive_probes(uint32_t probes) {
  if (probes < 1 || probes > kMaxKeepAliveProbes) return false;
  bufs().app.ka_probes = static_cast<uint8_t>(probes);
  return true;
}

// Keep-alive watches ESTABLISHED and CLOSE-WAIT, and FIN-WAIT-2 as BSD does
// (our FIN is acknowledged, the peer's may never come).
bool Connection::keepalive_applies() const {
  return StateSet{State::Established, State::CloseWait, State::FinWait2}.has(state_);
}

// How long since the last segment arrived (last_rcv_ms_ is 32-bit milliseconds).
Duration Connection::idle_time(Instant now) const {
  return Duration::millis(static_cast<uint32_t>(ms32(now) - last_rcv_ms_));
}

// Put the keep-alive timer (back) in the shared slot when nothing else uses it:
// due one idle time after the last segment received.
void Connection::resume_keepalive(Instant now) {
  if (!keepalive_ || !timers_.main_free() || !keepalive_applies()) return;
  Duration left = keepalive_idle() - idle_time(now);
  timers_.set(Timer::KeepAlive, now + std::max(left, Duration::zero()));
}

void Connection::on_keepalive_timeout(Instant now) {
  timers_.clear(Timer::KeepAlive);
  if (!keepalive_ || !keepalive_applies()) return;
  Duration idle = keepalive_idle();
  if (Duration since = idle_time(now); ka_probes_out_ == 0 && since < idle) {
    // Something arrived since the timer was set: not idle yet (MUST-26).
    timers_.set(Timer::KeepAlive, now + (idle - since));
    return;
  }
  if (ka_probes_out_ >= keepalive_probes()) {
    // Every probe went unanswered: the peer is gone (MUST-29: never after just
    // one, unless the application asked for one). As R2 expiry (§3.8.3), and
    // with a RST as Linux and BSD send one: a peer that is alive but could
    // not answer learns that the connection is over.
    queue_rst(snd_.nxt, rcv_.nxt);
    enter_closed(Cause::KeepAliveTimeout, Error::ConnectionTimedOut);
    return;
  }
  // MUST-26: only with nothing outstanding and nothing waiting to be sent.
  if (snd_.una == snd_.max && snd_size() == 0) {
    keepalive_now_ = true;
    ++ka_probes_out_;
  }
  timers_.set(Timer::KeepAlive, now + keepalive_interval());
}

}  // namespace synack::tcp
