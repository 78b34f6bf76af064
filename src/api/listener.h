#pragma once
// api::Listener — a listening port of a Runtime. Movable; destroying it stops
// listening (connections not yet accepted are reset).
#include <cstdint>
#include <optional>

#include "api/error.h"
#include "api/runtime.h"
#include "api/socket.h"

namespace synack::api {

class Listener {
 public:
  Listener() = default;
  Listener(Listener&& o) noexcept;
  Listener& operator=(Listener&& o) noexcept;
  ~Listener();

  uint16_t port() const { return port_; }
  bool is_open() const { return rt_ != nullptr; }

  // An established connection, if one is waiting.
  std::optional<Socket> try_accept();
  // Wait for a connection.
  Expected<Socket, Error> accept(std::optional<Duration> timeout = std::nullopt);
  // Called when connections are waiting (also at once if some already are);
  // call try_accept() until it returns nothing.
  void on_accept(Callback cb);
  void close();
  // Buffer sizes for the connections accepted from now on (as
  // Socket::set_send_buffer / set_recv_buffer). They apply before the SYN is
  // answered, so the receive buffer chooses the SYN,ACK's window scale (RFC
  // 7323 §2.2). Error::InvalidArgument for 0 or more than
  // tcp::Connection::kMaxBuffer.
  Expected<void, Error> set_send_buffer(uint32_t bytes);
  Expected<void, Error> set_recv_buffer(uint32_t bytes);
  // IPv4 TOS (DSCP; ECN bits dropped) and TTL (0: the stack's) of the
  // connections accepted from now on, from their SYN,ACK (RFC 9293 MUST-48).
  Expected<void, Error> set_ip_tos(uint8_t tos);
  Expected<void, Error> set_ip_ttl(uint8_t ttl);
  // Congestion control of the connections accepted from now on (NewReno, or
  // CUBIC as RFC 9438), chosen before their SYN,ACK; a client chooses its own
  // with Runtime::open's options (stack::ConnOptions::congestion_control).
  Expected<void, Error> set_congestion_control(tcp::CcAlgorithm alg);
  // Nagle off and R2 for the connections accepted from now on, as
  // Socket::set_nodelay and set_user_timeout (Linux's accepted sockets
  // inherit TCP_NODELAY and TCP_USER_TIMEOUT the same way).
  Expected<void, Error> set_nodelay(bool on);
  Expected<void, Error> set_user_timeout(Duration d);
  // Accepted connections start corked (Socket::set_cork; Linux's inherit TCP_CORK).
  Expected<void, Error> set_cork(bool on);
  // TCP_DEFER_ACCEPT: a connection becomes acceptable only once the peer has
  // sent data, or after about `d` (whole SYN,ACK retransmission periods) and
  // one more SYN,ACK it acknowledges (tcp::Connection::set_defer_accept).
  // Whole seconds, zero for off; anything else fails with InvalidArgument.
  Expected<void, Error> set_defer_accept(Duration d);
  // Keep-alive and the FIN-WAIT-2 timeout of the connections accepted from
  // now on, as Socket::set_keepalive, set_keepalive_params and
  // set_fin_wait_2_timeout (Linux's and FreeBSD's accepted sockets inherit
  // SO_KEEPALIVE, TCP_KEEPIDLE/KEEPINTVL/KEEPCNT and TCP_LINGER2).
  Expected<void, Error> set_keepalive(bool on);
  Expected<void, Error> set_keepalive_params(Duration idle, Duration interval, uint32_t probes);
  Expected<void, Error> set_fin_wait_2_timeout(Duration d);

 private:
  friend class Runtime;
  Listener(Runtime& rt, uint16_t port) : rt_(&rt), port_(port) {}
  // set_send_buffer / set_recv_buffer: one field of the children's options, checked.
  Expected<void, Error> set_child_buffer(uint32_t stack::ConnOptions::*size, uint32_t bytes);
  // The children's options become `o` (the stack's checks first).
  Expected<void, Error> set_child_options(const stack::ConnOptions& o);
  // The children's options with one field changed.
  template <class T>
  Expected<void, Error> set_child_field(T stack::ConnOptions::*field, T value) {
    stack::ConnOptions o = child_opts_;
    o.*field = value;
    return set_child_options(o);
  }
  Runtime* rt_ = nullptr;
  uint16_t port_ = 0;
  stack::ConnOptions child_opts_;
};

}  // namespace synack::api
