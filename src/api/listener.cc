// Listener: accepting connections, blocking or by callback.
#include "api/listener.h"

#include <cstdint>
#include <utility>

namespace synack::api {

Listener::Listener(Listener&& o) noexcept
    : rt_(std::exchange(o.rt_, nullptr)), port_(o.port_), child_opts_(o.child_opts_) {}

Listener& Listener::operator=(Listener&& o) noexcept {
  if (this != &o) {
    close();
    rt_ = std::exchange(o.rt_, nullptr);
    port_ = o.port_;
    child_opts_ = o.child_opts_;
  }
  return *this;
}

Listener::~Listener() { close(); }

std::optional<Socket> Listener::try_accept() {
  if (!rt_) return std::nullopt;
  auto id = rt_->stack().accept(port_);
  if (!id) {
    if (Runtime::ListenRecord* r = rt_->listen_record(port_)) r->acceptable = false;
    return std::nullopt;
  }
  rt_->adopt(*id);
  return Socket(*rt_, *id, rt_->stack().connection(*id)->tuple());
}

Expected<Socket, Error> Listener::accept(std::optional<Duration> timeout) {
  if (!rt_) return base::Unexpected(Error::NotConnected);
  Instant end = timeout ? rt_->now() + *timeout : Instant::never();
  for (;;) {
    if (auto s = try_accept()) return std::move(*s);
    if (rt_->in_callback()) return base::Unexpected(Error::WouldBlock);
    std::optional<Duration> left;
    if (!end.is_never()) left = std::max(end - rt_->now(), Duration::zero());
    Runtime* rt = rt_;
    uint16_t port = port_;
    bool ok = rt->run_until([rt, port] {
      Runtime::ListenRecord* r = rt->listen_record(port);
      return !r || r->acceptable;
    }, left);
    if (!ok) return base::Unexpected(rt->stopped() ? Error::Stopped : Error::Deadline);
  }
}

void Listener::on_accept(Callback cb) {
  Runtime::ListenRecord* r = rt_ ? rt_->listen_record(port_) : nullptr;
  if (!r) return;
  r->on_accept = std::move(cb);
  rt_->notify_later(Runtime::Notify::Accept, {}, port_);
}

Expected<void, Error> Listener::set_send_buffer(uint32_t bytes) {
  return set_child_buffer(&stack::ConnOptions::send_buffer, bytes);
}

Expected<void, Error> Listener::set_recv_buffer(uint32_t bytes) {
  return set_child_buffer(&stack::ConnOptions::recv_buffer, bytes);
}

Expected<void, Error> Listener::set_ip_tos(uint8_t tos) {
  return set_child_field(&stack::ConnOptions::ip_tos, tos);
}

Expected<void, Error> Listener::set_ip_ttl(uint8_t ttl) {
  return set_child_field(&stack::ConnOptions::ip_ttl, ttl);
}

Expected<void, Error> Listener::set_congestion_control(tcp::CcAlgorithm alg) {
  return set_child_field(&stack::ConnOptions::congestion_control, std::optional(alg));
}

Expected<void, Error> Listener::set_nodelay(bool on) {
  return set_child_field(&stack::ConnOptions::nodelay, on);
}

Expected<void, Error> Listener::set_user_timeout(Duration d) {
  if (!Socket::user_timeout_ok(d)) return base::Unexpected(Error::InvalidArgument);
  return set_child_field(&stack::ConnOptions::user_timeout_ms, static_cast<uint32_t>(d.ms()));
}

Expected<void, Error> Listener::set_cork(bool on) {
  return set_child_field(&stack::ConnOptions::cork, on);
}

Expected<void, Error> Listener::set_defer_accept(Duration d) {
  if (d < Duration::zero() || d.us() % 1'000'000 != 0 || d > Duration::seconds(INT32_MAX))
    return base::Unexpected(Error::InvalidArgument);
  return set_child_field(&stack::ConnOptions::defer_accept_s, static_cast<uint32_t>(d.us() / 1'000'000));
}

Expected<void, Error> Listener::set_keepalive(bool on) {
  return set_child_field(&stack::ConnOptions::keepalive, on);
}

Expected<void, Error> Listener::set_keepalive_params(Duration idle, Duration interval, uint32_t probes) {
  if (!Socket::keepalive_params_ok(idle, interval, probes)) return base::Unexpected(Error::InvalidArgument);
  stack::ConnOptions o = child_opts_;
  o.keepalive_idle_s = tcp::Connection::whole_seconds(idle, tcp::Connection::kMaxKeepAliveSecs);
  o.keepalive_interval_s = tcp::Connection::whole_seconds(interval, tcp::Connection::kMaxKeepAliveSecs);
  o.keepalive_probes = static_cast<uint8_t>(probes);
  return set_child_options(o);
}

Expected<void, Error> Listener::set_fin_wait_2_timeout(Duration d) {
  if (!Socket::fin_wait_2_timeout_ok(d)) return base::Unexpected(Error::InvalidArgument);
  // Zero (the stack's) or whole seconds up to kMaxFinWait2Secs, which fits the byte.
  return set_child_field(&stack::ConnOptions::fin_wait_2_s,
                         static_cast<uint8_t>(tcp::Connection::whole_seconds(d, tcp::Connection::kMaxFinWait2Secs)));
}

Expected<void, Error> Listener::set_child_buffer(uint32_t stack::ConnOptions::*size, uint32_t bytes) {
  if (!rt_) return base::Unexpected(Error::NotConnected);
  if (!tcp::Connection::buffer_size_ok(bytes)) return base::Unexpected(Error::InvalidArgument);
  return set_child_field(size, bytes);
}

Expected<void, Error> Listener::set_child_options(const stack::ConnOptions& o) {
  if (!rt_) return base::Unexpected(Error::NotConnected);
  if (auto r = rt_->stack().set_listener_options(port_, o); !r) return base::Unexpected(from_stack(r.error()));
  child_opts_ = o;
  return {};
}

void Listener::close() {
  if (!rt_) return;
  Runtime* rt = std::exchange(rt_, nullptr);
  rt->forget_listener(port_);
  (void)rt->stack().close_listener(rt->now(), port_);
  rt->flush();
}

}  // namespace synack::api
