// Connection: construction, state changes and the user calls of RFC 9293
// §3.10.1-3.10.6. Segment arrival is in connection_input.cc, output in
// connection_output.cc, timers in connection_timers.cc.
#include "tcp/connection.h"

#include <algorithm>
#include <sstream>

namespace synack::tcp {

// Issue 6: an idle ESTABLISHED control block in at most 160 bytes (buffers
// and the state only data needs are allocated on demand, see tcp/buffers.h).
static_assert(sizeof(void*) != 8 || sizeof(Connection) <= 160, "tcp::Connection outgrew 160 bytes");

Connection::Connection(Env& env, const FourTuple& tuple)
    : env_(&env), tuple_(tuple), rtt_(env.config.rto_initial), nagle_(env.config.nagle),
      keepalive_(env.config.keepalive), rcv_buf_cap_(env.config.recv_buffer) {
  set_congestion_control(env.config.congestion_control);
}

void Connection::set_congestion_control(CcAlgorithm alg) {
  cubic_ = alg == CcAlgorithm::Cubic;
  restart_congestion_control();
}

void Connection::restart_congestion_control() {
  cc_.init(send_mss());
  if (bufs_) bufs_->cubic = {};
}

Connection::~Connection() {
  if (bufs_) env_->buffers.give(std::move(bufs_));
}

// ---------------------------------------------------------------------------
// State changes: the one place the state variable is written.

void Connection::transition_to(State to, Cause cause) {
  if (to == state_) return;
  State from = state_;
  state_ = to;
  if (env_->state_events) emit(Event::state_changed(from, to, cause));
  if (to == State::Established) {
    rcv_.quick_acks_left = env_->config.quick_acks;
    emit(Event::simple(EventKind::Connected));
  }
}

void Connection::enter_closed(Cause cause, std::optional<Error> err) {
  timers_.clear_all();
  if (bufs_) {
    env_->buffers.release(bufs_->snd);
    if (err) {
      // A reset or abort flushes everything (§3.10.7.4 second check); a normal
      // close leaves unread data readable.
      env_->buffers.release(bufs_->rcv);
      bufs_->ooo.clear();
    }
  }
  syn_pending_ = ack_now_ = probe_now_ = retransmit_head_ = keepalive_now_ = false;
  has_error_ = err.has_value();
  if (err) error_ = *err;
  transition_to(State::Closed, cause);
  emit(Event::closed(err));
}

void Connection::return_to_listen(Cause cause) {
  // Forget everything learned from the peer; keep identity, events, counters
  // and what the application chose for this connection (buffer sizes, Nagle,
  // keep-alive, user timeout, congestion control).
  Connection fresh(*env_, tuple());
  if (bufs_) {
    fresh.bufs().counters = bufs_->counters;
    fresh.bufs().app = bufs_->app;
  }
  fresh.rcv_buf_cap_ = rcv_buf_cap_;
  fresh.nagle_ = nagle_;
  fresh.keepalive_ = keepalive_;
  fresh.cubic_ = cubic_;
  fresh.from_listen_ = true;
  fresh.state_ = state_;
  *this = std::move(fresh);
  transition_to(State::Listen, cause);
}

void Connection::enter_time_wait(Instant now, Cause cause) {
  timers_.clear_all();
  if (bufs_) env_->buffers.release(bufs_->snd);
  transition_to(State::TimeWait, cause);
  timers_.set(Timer::TimeWait, now + env_->config.msl * 2);  // MUST-13
}

// ---------------------------------------------------------------------------
// User calls.

Expected<void, Error> Connection::connect(Instant now) {
  // §3.10.1 OPEN call.
  if (state_ != State::Closed || has_error_) return base::Unexpected(Error::ConnectionExists);
  if (const FourTuple t = tuple(); t.remote.addr.is_unspecified() || t.remote.port == 0)
    return base::Unexpected(Error::ForeignSocketUnspecified);
  snd_.iss = env_->isn->generate(now, tuple());
  snd_.una = snd_.nxt = snd_.max = snd_.iss;
  reset_send_sequence();
  snd_.mss = 536;  // until the peer's MSS option says otherwise (MUST-15)
  // The scale we offer, from the buffer we could advertise (RFC 7323 §2.2).
  rcv_.wscale = offer_window_scaling() ? window_shift_for(rcv_buf_cap_) : 0;
  from_listen_ = false;
  syn_pending_ = true;
  transition_to(State::SynSent, Cause::UserOpen);
  return {};
}

Expected<void, Error> Connection::listen() {
  if (state_ != State::Closed || has_error_) return base::Unexpected(Error::ConnectionExists);
  from_listen_ = true;
  transition_to(State::Listen, Cause::UserListen);
  return {};
}

Expected<size_t, Error> Connection::send(Instant now, base::Bytes data, bool more) {
  // §3.10.2 SEND call.
  switch (state_) {
    case State::Closed:
      return base::Unexpected(error().value_or(Error::ConnectionDoesNotExist));
    case State::Listen:
      return base::Unexpected(Error::ForeignSocketUnspecified);
    case State::SynSent:
    case State::SynReceived:
    case State::Established:
    case State::CloseWait:
      if (fin_queued_) return base::Unexpected(Error::ConnectionClosing);
      break;
    case State::FinWait1:
    case State::FinWait2:
    case State::Closing:
    case State::LastAck:
    case State::TimeWait:
      return base::Unexpected(Error::ConnectionClosing);
  }
  size_t n = std::min(data.size(), send_space());
  if (n > 0 && bufs().snd.empty()) chrono_start(now, Chrono::Busy);
  if (n < data.size()) {
    want_writable_ = true;
    chrono_start(now, Chrono::SndbufLimited);
  }
  if (n == 0) return size_t{0};
  env_->buffers.reserve(bufs().snd, snd_size() + n);
  bufs().snd.append(data.first(n));
  bufs_->more = bufs_->more_hold = more;
  return n;
}

void Connection::set_cork(bool on) {
  if (on || bufs_) bufs().app.cork = on;  // off needs no Buffers
}

Duration Connection::syn_ack_timeouts_span(uint32_t n) const {
  Duration timeout = env_->config.rto_initial, total = Duration::zero();
  for (uint32_t k = 0; k < n; ++k) {
    total = total + timeout;
    timeout = std::min(timeout * 2, env_->config.rto_max);
  }
  return total;
}

bool Connection::set_defer_accept(Duration d) {
  if ((state_ != State::Closed && state_ != State::Listen) || d < Duration::zero()) return false;
  // As Linux's secs_to_retrans: the fewest SYN,ACK timeouts that cover the
  // wait (at most 255; a setsockopt, not a hot path).
  uint8_t n = 0;
  if (d > Duration::zero()) {
    n = 1;
    while (syn_ack_timeouts_span(n) < d && n < 255) ++n;
  }
  if (n > 0 || bufs_) bufs().app.defer_accept = n;
  return true;
}

void Connection::push_queued() {
  if (!bufs_ || bufs_->snd.empty()) return;
  bufs_->push_set = true;
  bufs_->push_end = data_end();
}

Expected<size_t, Error> Connection::send_urgent(Instant now, base::Bytes data) {
  // §3.10.2: "If the urgent flag is set, then SND.UP <- SND.NXT": the urgent
  // pointer goes just past the last byte of this call (RFC 6093 §4).
  auto r = send(now, data);
  if (r && *r > 0) {
    bufs().snd_up = data_end();
    bufs().snd_urgent = true;
  }
  return r;
}

SeqNum Connection::read_seq() const {
  // RCV.NXT counts the FIN once it has arrived; the unread bytes precede it.
  return rcv_.nxt - static_cast<uint32_t>(rcv_size()) - (fin_received_ ? 1u : 0u);
}

uint32_t Connection::urgent_remaining() const {
  if (!bufs_ || !bufs_->rcv_urgent) return 0;
  SeqNum from = read_seq();
  return bufs_->rcv_up.after(from) ? static_cast<uint32_t>(bufs_->rcv_up - from) : 0;
}

Expected<size_t, Error> Connection::recv(Instant, base::MutBytes out) {
  // §3.10.3 RECEIVE call.
  if (recv_posted()) return base::Unexpected(Error::InsufficientResources);  // take_posted() first
  if (state_ == State::Closed && has_error_) return base::Unexpected(error_);
  if (state_ == State::Closed && rcv_size() == 0 && !fin_received_)
    return base::Unexpected(Error::ConnectionDoesNotExist);
  size_t n = std::min(out.size(), recv_available());
  readable_signaled_ = false;
  if (n == 0) {
    if (fin_received_) return base::Unexpected(Error::ConnectionClosing);  // end of stream
    return size_t{0};
  }
  bufs().rcv.copy_out(0, out.first(n));
  bufs().rcv.consume(n);
  // Reading past RCV.UP ends urgent mode (§3.8.5).
  if (bufs_->rcv_urgent && !bufs_->rcv_up.after(read_seq())) bufs_->rcv_urgent = false;
  maybe_window_update();
  return n;
}

Expected<size_t, Error> Connection::post_recv(Instant now, base::MutBytes buf) {
  if (recv_posted()) return base::Unexpected(Error::InsufficientResources);
  // Something to return now (queued text, end of stream, an error, a closed
  // connection): the call completes at once, as recv().
  if (buf.empty() || rcv_size() > 0 || fin_received_ || state_ == State::Closed) return recv(now, buf);
  Buffers& b = bufs();
  b.posted = buf.data();
  b.posted_cap = static_cast<uint32_t>(std::min<size_t>(buf.size(), UINT32_MAX));
  b.posted_len = 0;
  readable_signaled_ = false;
  return size_t{0};
}

size_t Connection::take_posted() {
  if (!recv_posted()) return 0;
  size_t n = bufs_->posted_len;
  bufs_->posted = nullptr;
  bufs_->posted_cap = bufs_->posted_len = 0;
  readable_signaled_ = false;
  return n;
}

Expected<void, Error> Connection::shutdown_send(Instant) {
  // §3.10.4 CLOSE call: no more data from us; the FIN follows the queued data.
  switch (state_) {
    case State::Closed:
      return base::Unexpected(error().value_or(Error::ConnectionDoesNotExist));
    case State::Listen:
    case State::SynSent:
      // "Delete the TCB ... enter CLOSED state" (no segment is sent).
      enter_closed(Cause::UserClose, std::nullopt);
      return {};
    case State::SynReceived:
      // §3.10.4: with nothing queued, form a FIN and enter FIN-WAIT-1 now;
      // otherwise the FIN waits until ESTABLISHED is entered.
      fin_queued_ = true;
      if (snd_size() == 0) transition_to(State::FinWait1, Cause::UserClose);
      return {};
    case State::Established:
      fin_queued_ = true;
      transition_to(State::FinWait1, Cause::UserClose);
      return {};
    case State::CloseWait:
      fin_queued_ = true;
      transition_to(State::LastAck, Cause::UserClose);
      return {};
    case State::FinWait1:
    case State::FinWait2:
      return {};  // already closing; a second FIN is never emitted
    case State::Closing:
    case State::LastAck:
    case State::TimeWait:
      return base::Unexpected(Error::ConnectionClosing);
  }
  return {};
}

Expected<void, Error> Connection::close(Instant now) {
  // The application gives a posted buffer up with the connection: nothing
  // lands in it afterwards (it may be freed as soon as this returns).
  take_posted();
  if (state_ == State::Closed) {
    if (has_error_) return {};
    return base::Unexpected(Error::ConnectionDoesNotExist);
  }
  app_closed_ = true;
  // SHLD-3: unread data at close means the peer's data was lost: say so with RST.
  if (recv_available() > 0 && is_synchronized(state_)) {
    abort(now);
    return {};
  }
  auto r = shutdown_send(now);
  if (state_ == State::FinWait2) timers_.set(Timer::FinWait2, now + fin_wait_2_timeout());
  if (!r && r.error() != Error::ConnectionClosing) return r;
  return {};
}

void Connection::abort(Instant) {
  // §3.10.5 ABORT call.
  take_posted();  // as for close(): the buffer is the application's again
  switch (state_) {
    case State::Closed:
      return;
    case State::SynReceived:
    case State::Established:
    case State::FinWait1:
    case State::FinWait2:
    case State::CloseWait:
      // <SEQ=SND.NXT><CTL=RST>, with the ACK bit and RCV.NXT as Linux and BSD
      // send it: it costs nothing and lets the peer check it (RFC 5961 §3).
      queue_rst(snd_.nxt, rcv_.nxt);
      [[fallthrough]];
    case State::Listen:
    case State::SynSent:
    case State::Closing:
    case State::LastAck:
    case State::TimeWait:
      enter_closed(Cause::UserAbort, Error::ConnectionAborted);
      return;
  }
}

void Connection::release_idle_buffers() {
  if (!bufs_) return;
  if (bufs_->snd.empty()) env_->buffers.release(bufs_->snd);
  if (bufs_->rcv.empty() && bufs_->ooo.empty()) env_->buffers.release(bufs_->rcv);
}

const ConnCounters& Connection::counters() const {
  static const ConnCounters kNone{};
  return bufs_ ? bufs_->counters : kNone;
}

const Buffers::AppOptions& Connection::app() const {
  static const Buffers::AppOptions kNone{};  // nothing set: every value 0, the Config's applies
  return bufs_ ? bufs_->app : kNone;
}

// ---------------------------------------------------------------------------
// Inspection.

size_t Connection::recv_available() const { return rcv_size(); }

size_t Connection::send_space() const {
  size_t cap = send_buffer();
  return snd_size() >= cap ? 0 : cap - snd_size();
}

uint32_t Connection::send_buffer() const {
  return app().snd_limit ? app().snd_limit : env_->config.send_buffer;
}

// ---------------------------------------------------------------------------
// Buffer sizes.

bool Connection::set_send_buffer(uint32_t bytes) {
  if (!buffer_size_ok(bytes)) return false;
  // Queued data stays queued whatever the new size: send_space() is simply 0
  // until ACKs bring the queue below it.
  if (bytes != send_buffer()) bufs().app.snd_limit = bytes;
  if (want_writable_ && send_space() > 0) {
    want_writable_ = false;
    emit(Event::simple(EventKind::Writable));
  }
  return true;
}

bool Connection::set_recv_buffer(uint32_t bytes) {
  if (!buffer_size_ok(bytes)) return false;
  switch (state_) {
    case State::Closed:
    case State::Listen:
      rcv_buf_cap_ = bytes;  // connect() or the SYN's arrival chooses the scale from it
      return true;
    case State::SynSent:
      rcv_buf_cap_ = bytes;
      // Until our SYN has gone out the scale we offer may still follow the
      // buffer (RFC 7323 §2.2); after that it is fixed.
      if (!snd_.max.after(snd_.iss) && offer_window_scaling()) rcv_.wscale = window_shift_for(bytes);
      return true;
    default:
      break;
  }
  // The MSS is known: whole segments, as negotiate_options sizes it. A larger
  // buffer opens the window (announced when maybe_window_update says it
  // matters); a smaller one closes it only as data arrives: window_field()
  // never moves the advertised right edge left (RFC 9293 §3.8.6, SHLD-14).
  rcv_buf_cap_ = whole_segments(bytes);
  maybe_window_update();
  return true;
}

void Connection::take_buffers() {
  bufs_ = env_->buffers.take();
  reset_send_sequence();
}

void Connection::reset_send_sequence() {
  if (!bufs_) return;
  bufs_->snd_seq = snd_.iss + 1;  // the first data byte follows the SYN
  bufs_->snd_sml = bufs_->recover = snd_.una;
}

void Connection::queue_rst(SeqNum seq, std::optional<SeqNum> ack) {
  bufs().rst_seq = seq;
  bufs().rst_ack = ack.value_or(SeqNum(0));
  rst_with_ack_ = ack.has_value();
  rst_pending_ = true;
}

std::optional<Segment> reset_for(const Segment& seg) {
  // §3.10.7.1: "An incoming segment containing a RST is discarded. An incoming
  // segment not containing a RST causes a RST to be sent in response."
  if (seg.rst()) return std::nullopt;
  Segment r;
  if (seg.has_ack()) {
    r.seq = seg.ack;  // <SEQ=SEG.ACK><CTL=RST>
    r.flags = flags::kRst;
  } else {
    r.seq = SeqNum(0);  // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
    r.ack = seg.seq + seg.seq_len();
    r.flags = flags::kRst | flags::kAck;
  }
  return r;
}

std::string describe(const Segment& s) {
  std::ostringstream os;
  os << wire::flags_to_string(s.flags) << " seq=" << s.seq.value();
  if (s.has_ack()) os << " ack=" << s.ack.value();
  os << " len=" << s.len() << " win=" << s.wnd;
  return os.str();
}

bool Connection::set_mss_limit(uint32_t mss) {
  if (!mss_limit_ok(mss)) return false;
  if (mss != mss_limit()) bufs().app.mss_limit = static_cast<uint16_t>(mss);
  return true;
}

uint16_t Connection::advertised_mss() const {
  uint16_t limit = mss_limit();
  return limit ? std::min(limit, env_->config.mss) : env_->config.mss;
}

Connection::Info Connection::info() const {
  Info i;
  i.state = state_;
  i.snd_mss = send_mss();
  i.adv_mss = advertised_mss();
  i.rtt_us = static_cast<uint32_t>(rtt_.srtt().us());
  i.rttvar_us = static_cast<uint32_t>(rtt_.rttvar().us());
  i.rto_us = static_cast<uint32_t>(rtt_.rto().us());
  i.snd_cwnd = cc_.cwnd();
  i.snd_ssthresh = cc_.ssthresh();
  i.bytes_in_flight = static_cast<uint32_t>(snd_.max - snd_.una);
  i.snd_wnd = snd_.wnd;
  i.rcv_wnd = rcv_wnd();
  i.snd_wscale = snd_.wscale;
  i.rcv_wscale = rcv_.wscale;
  i.retransmits = rexmit_count_;
  i.backoff = probe_backoff_;
  i.probes = ka_probes_out_;
  i.timestamps = ts_ok_;
  i.sack = sack_ok_;
  i.ecn = ecn_ok_;
  i.window_scaling = wscale_ok_;
  i.total_retrans = counters().retransmits;
  return i;
}

}  // namespace synack::tcp
