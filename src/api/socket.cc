// Socket: the user calls on one connection, non-blocking and blocking.
#include "api/socket.h"

#include <cstdint>
#include <utility>

namespace synack::api {

Socket::Socket(Socket&& o) noexcept
    : rt_(std::exchange(o.rt_, nullptr)), id_(o.id_), tuple_(o.tuple_) {}

Socket& Socket::operator=(Socket&& o) noexcept {
  if (this != &o) {
    close();
    rt_ = std::exchange(o.rt_, nullptr);
    id_ = o.id_;
    tuple_ = o.tuple_;
  }
  return *this;
}

Socket::~Socket() { close(); }

const tcp::Connection* Socket::conn() const { return rt_ ? rt_->stack().connection(id_) : nullptr; }

tcp::State Socket::state() const {
  const tcp::Connection* c = conn();
  return c ? c->state() : tcp::State::Closed;
}

std::optional<tcp::Connection::Info> Socket::info() const {
  const tcp::Connection* c = conn();
  if (!c) return std::nullopt;
  return c->info();
}

std::optional<tcp::Connection::Chronos> Socket::chronos() const {
  const tcp::Connection* c = conn();
  if (!c) return std::nullopt;
  return c->chronos(rt_->now());
}

std::optional<Error> Socket::error() const {
  if (!rt_) return std::nullopt;
  if (const tcp::Connection* c = conn(); c && c->error()) return from_tcp(*c->error());
  if (Runtime::ConnRecord* r = rt_->record(id_)) return r->error;
  return std::nullopt;
}

bool Socket::readable() const {
  const tcp::Connection* c = conn();
  return !c || c->recv_available() > 0 || c->peer_fin_received() || c->state() == tcp::State::Closed;
}

bool Socket::writable() const {
  const tcp::Connection* c = conn();
  return c && c->send_space() > 0;
}

size_t Socket::unsent() const {
  const tcp::Connection* c = conn();
  return c ? c->send_queued() : 0;
}

// ---------------------------------------------------------------------------
// Non-blocking.

Expected<size_t, Error> Socket::try_recv(base::MutBytes out) {
  if (!rt_) return base::Unexpected(Error::NotConnected);
  auto r = rt_->stack().recv(rt_->now(), id_, out);
  rt_->flush();  // a window update may be due
  if (!r) {
    if (r.error() == tcp::Error::ConnectionClosing) return size_t{0};  // end of stream
    return base::Unexpected(from_tcp(r.error()));
  }
  if (*r == 0 && !out.empty()) return base::Unexpected(Error::WouldBlock);
  return *r;
}

Expected<size_t, Error> Socket::try_send(base::Bytes data) { return try_send_with(&stack::Stack::send, data); }

Expected<size_t, Error> Socket::try_send_more(base::Bytes data) {
  return try_send_with(&stack::Stack::send_more, data);
}

Expected<size_t, Error> Socket::try_send_urgent(base::Bytes data) {
  return try_send_with(&stack::Stack::send_urgent, data);
}

Expected<size_t, Error> Socket::try_send_with(StackSend stack_send, base::Bytes data) {
  if (!rt_) return base::Unexpected(Error::NotConnected);
  auto r = (rt_->stack().*stack_send)(rt_->now(), id_, data);
  rt_->flush();
  if (!r) return base::Unexpected(from_tcp(r.error()));
  if (*r == 0 && !data.empty()) return base::Unexpected(Error::WouldBlock);
  return *r;
}

uint32_t Socket::urgent_remaining() const {
  const tcp::Connection* c = conn();
  return c ? c->urgent_remaining() : 0;
}

// ---------------------------------------------------------------------------
// Blocking.

bool Socket::wait(const std::function<bool()>& cond, std::optional<Duration> timeout, Error& why) {
  if (!rt_) {
    why = Error::NotConnected;
    return false;
  }
  if (cond()) return true;
  if (rt_->in_callback()) {
    why = Error::WouldBlock;
    return false;
  }
  if (rt_->run_until(cond, timeout)) return true;
  why = rt_->stopped() ? Error::Stopped : Error::Deadline;
  return false;
}

Expected<size_t, Error> Socket::recv(base::MutBytes out, std::optional<Duration> timeout) {
  auto r = try_recv(out);
  if (r || r.error() != Error::WouldBlock) return r;
  Error why{};
  if (!wait([this] { return readable(); }, timeout, why)) return base::Unexpected(why);
  return try_recv(out);
}

Expected<size_t, Error> Socket::recv_all(base::MutBytes out, std::optional<Duration> timeout) {
  Instant end = timeout && rt_ ? rt_->now() + *timeout : Instant::never();
  size_t got = 0;
  while (got < out.size()) {
    if (!rt_) return base::Unexpected(Error::NotConnected);
    // The rest of `out` is posted (Stack::post_recv): text lands in it straight
    // from the packets, without the copy through the receive buffer. What is
    // queued already comes back at once, as from recv().
    auto r = rt_->stack().post_recv(rt_->now(), id_, out.subspan(got));
    rt_->flush();
    if (!r) {
      if (r.error() == tcp::Error::ConnectionClosing) break;  // end of stream
      return base::Unexpected(from_tcp(r.error()));
    }
    if (*r > 0) {
      got += *r;
      continue;
    }
    std::optional<Duration> left;
    if (!end.is_never()) left = std::max(end - rt_->now(), Duration::zero());
    Error why{};
    bool landed = wait(
        // readable() is true without a connection too, so conn() is set after it.
        [this] { return readable() || conn()->posted_landed() > 0; },
        left, why);
    // Every way out ends the posting: the buffer is the caller's again.
    auto n = rt_ ? rt_->stack().take_posted(id_) : Expected<size_t, tcp::Error>(size_t{0});
    got += n.value_or(0);
    if (!landed) return base::Unexpected(why);
  }
  return got;
}

Expected<size_t, Error> Socket::send(base::Bytes data, std::optional<Duration> timeout) {
  Instant end = timeout && rt_ ? rt_->now() + *timeout : Instant::never();
  size_t sent = 0;
  while (sent < data.size()) {
    auto r = try_send(data.subspan(sent));
    if (r) {
      sent += *r;
      continue;
    }
    if (r.error() != Error::WouldBlock) return r;
    std::optional<Duration> left;
    if (!end.is_never()) left = std::max(end - rt_->now(), Duration::zero());
    Error why{};
    if (!wait([this] { return writable() || state() == tcp::State::Closed; }, left, why))
      return base::Unexpected(why);
  }
  return sent;
}

Expected<void, Error> Socket::wait_connected(std::optional<Duration> timeout) {
  auto handshaking = [this] {
    tcp::State s = state();
    return s == tcp::State::SynSent || s == tcp::State::SynReceived;
  };
  Error why{};
  if (!wait([&] { return !handshaking(); }, timeout, why)) return base::Unexpected(why);
  if (state() == tcp::State::Closed) return base::Unexpected(error().value_or(Error::NotConnected));
  return {};
}

Expected<void, Error> Socket::wait_sent(std::optional<Duration> timeout) {
  Error why{};
  if (!wait([this] { return unsent() == 0 || state() == tcp::State::Closed; }, timeout, why))
    return base::Unexpected(why);
  if (unsent() > 0) return base::Unexpected(error().value_or(Error::NotConnected));
  if (auto e = error()) return base::Unexpected(*e);
  return {};
}

// ---------------------------------------------------------------------------
// Closing.

Expected<void, Error> Socket::shutdown() {
  if (!rt_) return base::Unexpected(Error::NotConnected);
  auto r = rt_->stack().shutdown(rt_->now(), id_);
  rt_->flush();
  if (!r) return base::Unexpected(from_tcp(r.error()));
  return {};
}

void Socket::close() {
  if (!rt_) return;
  Runtime* rt = std::exchange(rt_, nullptr);
  rt->forget(id_);
  rt->stack().close(rt->now(), id_);
  rt->flush();
}

void Socket::abort() {
  if (!rt_) return;
  Runtime* rt = std::exchange(rt_, nullptr);
  rt->forget(id_);
  rt->stack().abort(rt->now(), id_);
  rt->flush();
}

// ---------------------------------------------------------------------------
// Options.

Expected<void, Error> Socket::set_ip_tos(uint8_t tos) {
  if (!rt_ || !conn() || !rt_->stack().set_ip_tos(id_, tos)) {
    return base::Unexpected(Error::NotConnected);
  }
  return {};
}

Expected<void, Error> Socket::set_ip_ttl(uint8_t ttl) {
  if (!rt_ || !conn() || !rt_->stack().set_ip_ttl(id_, ttl)) return base::Unexpected(Error::NotConnected);
  return {};
}

Expected<void, Error> Socket::set_keepalive(bool on) {
  if (!rt_ || !conn()) return base::Unexpected(Error::NotConnected);
  Instant now = rt_->now();
  rt_->stack().with_connection(now, id_, [&](tcp::Connection& c) { c.set_keepalive(now, on); });
  rt_->flush();
  return {};
}

bool Socket::keepalive_params_ok(Duration idle, Duration interval, uint32_t probes) {
  using tcp::Connection;
  return Connection::whole_seconds(idle, Connection::kMaxKeepAliveSecs) != 0 &&
         Connection::whole_seconds(interval, Connection::kMaxKeepAliveSecs) != 0 && probes >= 1 &&
         probes <= Connection::kMaxKeepAliveProbes;
}

Expected<void, Error> Socket::set_keepalive_params(Duration idle, Duration interval, uint32_t probes) {
  if (!rt_ || !conn()) return base::Unexpected(Error::NotConnected);
  if (!keepalive_params_ok(idle, interval, probes)) return base::Unexpected(Error::InvalidArgument);
  Instant now = rt_->now();
  rt_->stack().with_connection(now, id_, [&](tcp::Connection& c) {
    c.set_keepalive_idle(now, idle);
    c.set_keepalive_interval(now, interval);
    c.set_keepalive_probes(probes);
  });
  rt_->flush();
  return {};
}

Expected<void, Error> Socket::set_nodelay(bool on) {
  if (!rt_ || !conn()) return base::Unexpected(Error::NotConnected);
  rt_->stack().with_connection(rt_->now(), id_, [&](tcp::Connection& c) { c.set_nagle(!on); });
  rt_->flush();  // what Nagle was holding
  return {};
}

Expected<void, Error> Socket::set_cork(bool on) {
  if (!rt_ || !conn()) return base::Unexpected(Error::NotConnected);
  rt_->stack().with_connection(rt_->now(), id_, [&](tcp::Connection& c) { c.set_cork(on); });
  rt_->flush();  // uncorked: what waited
  return {};
}

Expected<void, Error> Socket::set_user_timeout(Duration d) {
  if (!rt_ || !conn()) return base::Unexpected(Error::NotConnected);
  if (!user_timeout_ok(d)) return base::Unexpected(Error::InvalidArgument);
  rt_->stack().with_connection(rt_->now(), id_, [&](tcp::Connection& c) { c.set_user_timeout(d); });
  return {};
}

Expected<void, Error> Socket::set_fin_wait_2_timeout(Duration d) {
  if (!rt_ || !conn()) return base::Unexpected(Error::NotConnected);
  if (!fin_wait_2_timeout_ok(d)) return base::Unexpected(Error::InvalidArgument);
  rt_->stack().with_connection(rt_->now(), id_, [&](tcp::Connection& c) { (void)c.set_fin_wait_2_timeout(d); });
  return {};
}

Expected<void, Error> Socket::set_send_buffer(uint32_t bytes) {
  return set_buffer(&tcp::Connection::set_send_buffer, bytes);
}

Expected<void, Error> Socket::set_recv_buffer(uint32_t bytes) {
  return set_buffer(&tcp::Connection::set_recv_buffer, bytes);
}

Expected<void, Error> Socket::set_buffer(bool (tcp::Connection::*set)(uint32_t), uint32_t bytes) {
  if (!rt_ || !conn()) return base::Unexpected(Error::NotConnected);
  bool ok = false;
  rt_->stack().with_connection(rt_->now(), id_, [&](tcp::Connection& c) { ok = (c.*set)(bytes); });
  rt_->flush();  // a window update, if a larger receive buffer opened the window enough
  if (!ok) return base::Unexpected(Error::InvalidArgument);
  return {};
}

std::optional<uint8_t> Socket::received_tos() const {
  if (!rt_) return std::nullopt;
  return rt_->stack().received_tos(id_);
}

uint32_t Socket::send_buffer() const {
  const tcp::Connection* c = rt_ ? conn() : nullptr;
  return c ? c->send_buffer() : 0;
}

uint32_t Socket::recv_buffer() const {
  const tcp::Connection* c = rt_ ? conn() : nullptr;
  return c ? c->recv_buffer() : 0;
}

// ---------------------------------------------------------------------------
// Callbacks.

void Socket::on_connected(Callback cb) {
  Runtime::ConnRecord* r = rt_ ? rt_->record(id_) : nullptr;
  if (!r) return;
  r->on_connected = std::move(cb);
  if (tcp::is_synchronized(state())) rt_->notify_later(Runtime::Notify::Connected, id_);
}

void Socket::on_readable(Callback cb) {
  Runtime::ConnRecord* r = rt_ ? rt_->record(id_) : nullptr;
  if (!r) return;
  r->on_readable = std::move(cb);
  if (readable()) rt_->notify_later(Runtime::Notify::Readable, id_);
}

void Socket::on_writable(Callback cb) {
  if (Runtime::ConnRecord* r = rt_ ? rt_->record(id_) : nullptr) r->on_writable = std::move(cb);
}

void Socket::on_urgent(Callback cb) {
  if (Runtime::ConnRecord* r = rt_ ? rt_->record(id_) : nullptr) r->on_urgent = std::move(cb);
}

void Socket::on_closed(ClosedCallback cb) {
  Runtime::ConnRecord* r = rt_ ? rt_->record(id_) : nullptr;
  if (!r) return;
  r->on_closed = std::move(cb);
  if (r->closed || state() == tcp::State::Closed) {
    if (const tcp::Connection* c = conn(); c && c->error()) r->error = from_tcp(*c->error());
    rt_->notify_later(Runtime::Notify::Closed, id_);
  }
}

}  // namespace synack::api
