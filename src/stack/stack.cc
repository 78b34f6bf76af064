// Stack: connection slots, the application calls, and what happens after any
// call on a connection (events, output, timer, reaping). Input is in
// stack_input.cc, output in stack_output.cc.
#include "stack/stack.h"

#include <algorithm>

namespace synack::stack {

namespace {
constexpr uint32_t kNone = 0xffffffffu;
}  // namespace

std::string_view to_string(StackError e) {
  switch (e) {
    case StackError::PortInUse: return "port in use";
    case StackError::NoEphemeralPort: return "no ephemeral port available";
    case StackError::InvalidAddress: return "invalid remote address";
    case StackError::NoSuchConnection: return "no such connection";
    case StackError::InvalidArgument: return "invalid argument";
    case StackError::NoSuchListener: return "no such listener";
    case StackError::TooManyConnections: return "too many connections";
  }
  return "?";
}

Stack::Stack(const StackConfig& cfg, tcp::IsnGenerator& isn)
    : cfg_(cfg), ports_(cfg.ephemeral_lo, cfg.ephemeral_hi, cfg.port_secret) {
  // The MSS we advertise must fit our MTU (MUST-67: MSS <= MMS_R - 20).
  cfg_.tcp.mss = static_cast<uint16_t>(std::min<int>(cfg_.tcp.mss, cfg_.mtu - 40));
  env_.config = cfg_.tcp;
  env_.isn = &isn;
  env_.state_events = cfg_.state_events;
  fired_.reserve(256);
  // Key the demux hashes with a secret of this stack (derived from the port
  // secret, which a real link draws at random) so remote peers cannot choose
  // 4-tuples that collide in them.
  uint64_t demux_key = (cfg_.port_secret ^ 0x6a09e667f3bcc908ULL) * 0x9e3779b97f4a7c15ULL;
  conns_.set_key(demux_key);
  tw_.set_key(demux_key ^ 0xbb67ae8584caa73bULL);
}

Stack::~Stack() = default;

// ---------------------------------------------------------------------------
// Slots.


uint32_t Stack::alloc_slot() {
  if (free_slots_.empty()) {
    chunks_.push_back(std::make_unique<Slot[]>(kChunk));
    for (uint32_t i = kChunk; i > 0; --i) free_slots_.push_back(slot_count_ + i - 1);
    slot_count_ += kChunk;
  }
  uint32_t idx = free_slots_.back();
  free_slots_.pop_back();
  return idx;
}

void Stack::free_slot(uint32_t idx) {
  Slot& s = slot(idx);
  if (s.conn) {
    conns_.erase(s.conn->tuple());
    counters_.add_connection(s.conn->counters());
  }
  wheel_.cancel(idx);
  unlink_child(idx);
  s.conn.reset();  // a stale entry in dirty_ is skipped, or flushes the slot's next tenant
  ++s.gen;
  s.app_owned = s.in_syn_queue = s.in_accept_queue = false;
  s.listener_port = 0;
  s.ip_tos = s.ip_ttl = s.rx_tos = 0;
  free_slots_.push_back(idx);
}

Stack::Slot* Stack::live(ConnId id) {
  if (!id.valid() || id.index >= slot_count_) return nullptr;
  Slot& s = slot(id.index);
  return (s.conn && s.gen == id.gen) ? &s : nullptr;
}

const Stack::Slot* Stack::live(ConnId id) const { return const_cast<Stack*>(this)->live(id); }

void Stack::unlink_child(uint32_t idx) {
  Slot& s = slot(idx);
  if (s.listener_port == 0) return;
  Listener** lp = listeners_.find(PortKey{s.listener_port});
  if (lp) {
    Listener& l = **lp;
    if (s.child_prev != kNone) slot(s.child_prev).child_next = s.child_next;
    else if (l.children == idx) l.children = s.child_next;
    if (s.child_next != kNone) slot(s.child_next).child_prev = s.child_prev;
    if (s.in_syn_queue) --l.syn_count;
    if (s.in_accept_queue) --l.accept_count;
  }
  s.in_syn_queue = s.in_accept_queue = false;
  s.child_prev = s.child_next = kNone;
  s.listener_port = 0;
}

// ---------------------------------------------------------------------------
// After any input to a connection: events, output, timer, reaping.

void Stack::after_conn(uint32_t idx, Instant now) {
  Slot& s = slot(idx);
  if (!s.conn) return;
  last_now_ = now;
  // Read this connection's events where they wait (most calls leave none):
  // no std::optional<Event> per event as poll_event() makes.
  while (const tcp::Event* pending = s.conn->peek_event()) {
    tcp::Event e = *pending;  // a copy: handle_event may push to other queues
    s.conn->drop_event();
    handle_event(s, idx, now, e);
  }
  wheel_.schedule_no_later(idx, s.conn->next_deadline());
  if (s.dirty) return;  // its flush comes, and after_flush then
  if (s.conn->may_send_more()) {
    s.dirty = true;
    dirty_.push(idx);
  } else {
    // Nothing to send (an ACK it delays, a segment it dropped): what the
    // flush would do after finding nothing, now, without a trip through the
    // dirty queue and an empty poll. This may free the slot.
    maybe_reap(s, idx, now);
  }
}

void Stack::flush_dirty() {
  // Output of one connection, then whatever its state says (reap, compact).
  if (flushing_ != kNotFlushing) {  // poll_transmit_into stopped in the middle of one
    uint32_t idx = std::exchange(flushing_, kNotFlushing);
    if (slot(idx).conn) {
      flush_conn(idx, last_now_);
      after_flush(idx, last_now_);
    }
  }
  while (out_.empty()) {
    uint32_t idx = next_dirty();
    if (idx == kNotFlushing) return;
    flush_conn(idx, last_now_);
    after_flush(idx, last_now_);
  }
}

void Stack::after_flush(uint32_t idx, Instant now) {
  Slot& s = slot(idx);
  wheel_.schedule_no_later(idx, s.conn->next_deadline());
  maybe_reap(s, idx, now);
}

void Stack::handle_event(Slot& s, uint32_t idx, Instant now, const tcp::Event& e) {
  if (e.kind == tcp::EventKind::StateChanged) {
    if (observer_) observer_->on_state_change(now, s.conn->tuple(), e.from, e.to, e.cause);
    if (!cfg_.state_events) return;  // the application did not ask for them
  }
  if (e.kind == tcp::EventKind::Connected && s.in_syn_queue) {
    // The handshake of a listener's child completed (ESTABLISHED): it can be accepted.
    if (Listener** lp = listeners_.find(PortKey{s.listener_port})) {
      Listener& l = **lp;
      s.in_syn_queue = false;
      --l.syn_count;
      s.in_accept_queue = true;
      ++l.accept_count;
      l.accept_queue.push(ConnId{idx, s.gen});
      events_.push(StackEvent{StackEvent::Kind::Acceptable, ConnId{}, l.port, tcp::Event{}});
    }
  }
  if (s.app_owned) {
    StackEvent& se = events_.push_slot();  // in place: see RingQueue::push_slot
    se.kind = StackEvent::Kind::Connection;
    se.conn = ConnId{idx, s.gen};
    se.port = 0;
    se.event.assign(e);
  }
}

void Stack::maybe_reap(Slot& s, uint32_t idx, Instant now) {
  if (!s.conn || s.app_owned) return;
  switch (s.conn->state()) {
    case tcp::State::Listen:  // a child back in LISTEN (RST or SYN in SYN-RECEIVED)
      free_slot(idx);
      return;
    case tcp::State::Closed:
      if (!s.in_accept_queue) free_slot(idx);
      return;
    case tcp::State::TimeWait:
      if (cfg_.compact_time_wait) compact_time_wait(idx, now);
      return;
    default:
      return;
  }
}

void Stack::compact_time_wait(uint32_t idx, Instant) {
  Slot& s = slot(idx);
  const tcp::Connection& c = *s.conn;
  tcp::TimeWaitVars v = c.time_wait_vars();
  uint16_t wnd_field = static_cast<uint16_t>(std::min<uint32_t>(v.rcv_wnd >> c.rcv().wscale, 0xffff));
  uint8_t wscale = c.rcv().wscale;
  Instant expiry = c.next_deadline();  // only the 2*MSL timer runs in TIME-WAIT
  FourTuple t = c.tuple();
  uint8_t tos = s.ip_tos;
  free_slot(idx);
  tw_.insert(t, v, wnd_field, wscale, expiry, tos);
  ++counters_.time_wait_compacted;
}

void Stack::expire_time_wait(Instant now) {
  // §3.10.8: time-wait timeout, delete the TCB.
  tw_.expire(now, [&](const FourTuple& t) {
    if (observer_)
      observer_->on_state_change(now, t, tcp::State::TimeWait, tcp::State::Closed, tcp::Cause::TimeWaitExpired);
  });
}

// ---------------------------------------------------------------------------
// Timers.

Instant Stack::next_deadline() const {
  return std::min(wheel_.next_deadline(), tw_.next_expiry());
}

void Stack::on_timeout(Instant now) {
  last_now_ = now;
  fired_.clear();
  wheel_.expire(now, fired_);
  for (uint32_t idx : fired_) {
    Slot& s = slot(idx);
    if (!s.conn) continue;
    if (s.conn->next_deadline() <= now) s.conn->on_timeout(now);
    after_conn(idx, now);
  }
  expire_time_wait(now);
}

// ---------------------------------------------------------------------------
// Application calls.

Expected<void, StackError> Stack::listen(uint16_t port, uint32_t backlog) {
  if (listeners_.find(PortKey{port})) return base::Unexpected(StackError::PortInUse);
  auto l = std::make_unique<Listener>();
  l->port = port;
  l->backlog = std::max<uint32_t>(backlog, 1);
  listeners_.insert(PortKey{port}, l.get());
  listener_store_.push_back(std::move(l));
  return {};
}

Expected<void, StackError> Stack::close_listener(Instant now, uint16_t port) {
  Listener** lp = listeners_.find(PortKey{port});
  if (!lp) return base::Unexpected(StackError::NoSuchListener);
  Listener* l = *lp;
  // Children not yet accepted go with it. Established ones are aborted: a RST
  // tells each peer (§3.10.4). Half-open ones (SYN-RECEIVED) are forgotten
  // silently, as Linux does; a later segment from the peer meets no
  // connection and gets its RST then (§3.10.7.1).
  for (int guard = 0; l->children != kNone && guard < 10'000'000; ++guard) {
    uint32_t idx = l->children;
    bool half_open = slot(idx).in_syn_queue;
    unlink_child(idx);
    if (half_open) {
      free_slot(idx);
      continue;
    }
    slot(idx).conn->abort(now);
    after_conn(idx, now);
  }
  listeners_.erase(PortKey{port});
  std::erase_if(listener_store_, [&](const auto& p) { return p.get() == l; });
  return {};
}

std::optional<ConnId> Stack::accept(uint16_t port) {
  Listener** lp = listeners_.find(PortKey{port});
  if (!lp) return std::nullopt;
  Listener& l = **lp;
  while (auto id = l.accept_queue.pop()) {
    Slot* s = live(*id);
    if (!s || !s->in_accept_queue) continue;  // freed meanwhile
    unlink_child(id->index);
    s->app_owned = true;
    return *id;
  }
  return std::nullopt;
}

void Stack::apply(Instant now, tcp::Connection& c, const ConnOptions& opts) {
  // Every value was checked by valid(); the setters cannot refuse them.
  if (opts.no_options) (void)c.set_no_options(true);  // CLOSED or LISTEN: before the SYN
  if (opts.send_buffer) (void)c.set_send_buffer(opts.send_buffer);  // checked by valid()
  if (opts.recv_buffer) (void)c.set_recv_buffer(opts.recv_buffer);
  if (opts.mss_limit) (void)c.set_mss_limit(opts.mss_limit);
  if (opts.congestion_control) c.set_congestion_control(*opts.congestion_control);
  if (opts.nodelay) c.set_nagle(false);
  if (opts.cork) c.set_cork(true);
  if (opts.defer_accept_s) (void)c.set_defer_accept(base::Duration::seconds(opts.defer_accept_s));
  if (opts.user_timeout_ms) c.set_user_timeout(base::Duration::millis(opts.user_timeout_ms));
  if (opts.fin_wait_2_s) (void)c.set_fin_wait_2_timeout(base::Duration::seconds(opts.fin_wait_2_s));
  if (opts.keepalive_idle_s) (void)c.set_keepalive_idle(now, base::Duration::seconds(opts.keepalive_idle_s));
  if (opts.keepalive_interval_s)
    (void)c.set_keepalive_interval(now, base::Duration::seconds(opts.keepalive_interval_s));
  if (opts.keepalive_probes) (void)c.set_keepalive_probes(opts.keepalive_probes);
  if (opts.keepalive) c.set_keepalive(now, true);  // last: its timer uses the values above
}

Expected<void, StackError> Stack::set_listener_options(uint16_t port, const ConnOptions& opts) {
  Listener** l = listeners_.find(PortKey{port});
  if (!l) return base::Unexpected(StackError::NoSuchListener);
  if (!opts.valid()) return base::Unexpected(StackError::InvalidArgument);
  (*l)->child_opts = opts;
  return {};
}

Expected<ConnId, StackError> Stack::connect(Instant now, const Endpoint& remote, uint16_t local_port,
                                            const ConnOptions& opts) {
  if (!opts.valid()) return base::Unexpected(StackError::InvalidArgument);
  // MUST-46: no active OPEN to a broadcast or multicast address.
  if (remote.addr.is_unspecified() || remote.addr.is_broadcast() || remote.addr.is_multicast() ||
      remote.port == 0) {
    return base::Unexpected(StackError::InvalidAddress);
  }
  // Before the port search: a refused connect neither steps the port counter
  // nor prefetches for a connect that will not come.
  if (at_connection_limit()) return base::Unexpected(StackError::TooManyConnections);
  FourTuple t{{cfg_.addr, local_port}, remote};
  auto in_use = [&](const FourTuple& x) { return conns_.find(x) || tw_.find(x); };
  if (local_port == 0) {
    uint32_t offset = ports_.offset(cfg_.addr, remote);
    uint32_t attempt = 0;
    for (; attempt < ports_.range(); ++attempt) {
      t.local.port = ports_.candidate(offset, attempt);
      if (!in_use(t) && !listeners_.find(PortKey{t.local.port})) break;
    }
    if (attempt == ports_.range()) return base::Unexpected(StackError::NoEphemeralPort);
    ports_.advance(attempt + 1);
    // Clients connect in bursts, mostly to the same destination: the next
    // connect will most likely check the next candidate first. With many
    // connections its lines in the demux and TIME-WAIT indexes are cold
    // (a miss each, the largest cost of a connect at 1M connections), so
    // they start loading now.
    FourTuple next = t;
    next.local.port = ports_.candidate(offset, 0);
    conns_.prefetch(next);
    tw_.prefetch(next);
  } else if (in_use(t)) {
    return base::Unexpected(StackError::PortInUse);
  }
  uint32_t idx = alloc_slot();
  Slot& s = slot(idx);
  s.conn.emplace(env_, t);
  s.app_owned = true;
  conns_.put(t, idx);
  ++counters_.active_opens;
  apply(now, *s.conn, opts);  // before the SYN: the receive buffer chooses its window scale
  s.ip_tos = tos_without_ecn(opts.ip_tos);
  s.ip_ttl = opts.ip_ttl;
  (void)s.conn->connect(now);
  ConnId id{idx, s.gen};
  after_conn(idx, now);
  return id;
}

bool Stack::set_ip_tos(ConnId id, uint8_t tos) {
  Slot* s = owned(id);
  if (!s) return false;
  s->ip_tos = tos_without_ecn(tos);
  return true;
}

bool Stack::set_ip_ttl(ConnId id, uint8_t ttl) {
  Slot* s = owned(id);
  if (!s) return false;
  s->ip_ttl = ttl;
  return true;
}

std::optional<uint8_t> Stack::ip_tos(ConnId id) const {
  const Slot* s = owned(id);
  if (!s) return std::nullopt;
  return s->ip_tos;
}

std::optional<uint8_t> Stack::received_tos(ConnId id) const {
  const Slot* s = owned(id);
  if (!s) return std::nullopt;
  return s->rx_tos;
}

std::optional<uint8_t> Stack::ip_ttl(ConnId id) const {
  const Slot* s = owned(id);
  if (!s) return std::nullopt;
  return s->ip_ttl ? s->ip_ttl : cfg_.tcp.ttl;
}

Stack::Slot* Stack::owned(ConnId id) {
  Slot* s = live(id);
  return s && s->app_owned ? s : nullptr;
}

const Stack::Slot* Stack::owned(ConnId id) const { return const_cast<Stack*>(this)->owned(id); }

const tcp::Connection* Stack::connection(ConnId id) const {
  const Slot* s = const_cast<Stack*>(this)->owned(id);
  return s ? &*s->conn : nullptr;
}

tcp::Connection* Stack::connection(ConnId id) {
  Slot* s = owned(id);
  return s ? &*s->conn : nullptr;
}

template <class F>
auto Stack::user_call(Instant now, ConnId id, F&& call) -> decltype(call(std::declval<tcp::Connection&>())) {
  Slot* s = owned(id);
  if (!s) return base::Unexpected(tcp::Error::ConnectionDoesNotExist);
  auto r = call(*s->conn);
  after_conn(id.index, now);
  return r;
}

Expected<size_t, tcp::Error> Stack::send(Instant now, ConnId id, base::Bytes data, bool more) {
  return user_call(now, id, [&](tcp::Connection& c) { return c.send(now, data, more); });
}

Expected<size_t, tcp::Error> Stack::send_urgent(Instant now, ConnId id, base::Bytes data) {
  return user_call(now, id, [&](tcp::Connection& c) { return c.send_urgent(now, data); });
}

Expected<size_t, tcp::Error> Stack::recv(Instant now, ConnId id, base::MutBytes out) {
  return user_call(now, id, [&](tcp::Connection& c) { return c.recv(now, out); });
}

Expected<size_t, tcp::Error> Stack::post_recv(Instant now, ConnId id, base::MutBytes buf) {
  return user_call(now, id, [&](tcp::Connection& c) { return c.post_recv(now, buf); });
}

Expected<size_t, tcp::Error> Stack::take_posted(ConnId id) {
  // Ending a posting changes nothing the peer sees (the receive buffer and so
  // the window are untouched): no output, no events, no timers.
  Slot* s = owned(id);
  if (!s) return base::Unexpected(tcp::Error::ConnectionDoesNotExist);
  return s->conn->take_posted();
}

Expected<void, tcp::Error> Stack::shutdown(Instant now, ConnId id) {
  return user_call(now, id, [&](tcp::Connection& c) { return c.shutdown_send(now); });
}

void Stack::close(Instant now, ConnId id) {
  Slot* s = owned(id);
  if (!s) return;
  s->app_owned = false;
  (void)s->conn->close(now);
  after_conn(id.index, now);
}

void Stack::abort(Instant now, ConnId id) {
  Slot* s = owned(id);
  if (!s) return;
  s->app_owned = false;
  s->conn->abort(now);
  after_conn(id.index, now);
}

std::optional<ConnId> Stack::find(const FourTuple& t) const {
  const uint32_t* idx = conns_.find(t);
  if (!idx) return std::nullopt;
  return ConnId{*idx, slot(*idx).gen};
}

tcp::State Stack::state_of(const FourTuple& t) const {
  if (const uint32_t* idx = conns_.find(t)) return slot(*idx).conn->state();
  if (tw_.find(t)) return tcp::State::TimeWait;
  return tcp::State::Closed;
}

}  // namespace synack::stack
