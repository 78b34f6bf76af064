#pragma once
// api::Socket — one TCP connection of a Runtime, owned like a file descriptor:
// movable, not copyable; destroying it closes the connection gracefully.
//
// Reads follow POSIX: recv returns the bytes read, 0 at end of stream (the
// peer's FIN), or an Error. try_* calls never block: with nothing to do they
// return Error::WouldBlock. Blocking calls take an optional timeout and then
// fail with Error::Deadline.
#include <cstdint>
#include <optional>

#include "api/error.h"
#include "api/runtime.h"
#include "base/bytes.h"
#include "tcp/state.h"
#include "wire/ipv4_addr.h"

namespace synack::api {

class Socket {
 public:
  Socket() = default;
  Socket(Socket&& o) noexcept;
  Socket& operator=(Socket&& o) noexcept;
  ~Socket();

  bool is_open() const { return rt_ != nullptr; }
  const wire::Endpoint& local() const { return tuple_.local; }
  const wire::Endpoint& remote() const { return tuple_.remote; }
  tcp::State state() const;  // CLOSED once the handle is closed
  // A snapshot of the connection (MSS, RTT, RTO, cwnd, retransmissions...), as
  // Linux's TCP_INFO; nothing once the handle is closed or the connection is gone.
  std::optional<tcp::Connection::Info> info() const;
  // TCP_INFO's chronographs up to now (tcp::Connection::chronos): how long
  // data was queued, and of that how long the peer's window or a full send
  // buffer held it back.
  std::optional<tcp::Connection::Chronos> chronos() const;
  stack::ConnId id() const { return id_; }
  // The error that ended the connection (reset, refused, timed out), if any.
  std::optional<Error> error() const;

  // ---- Non-blocking ----
  Expected<size_t, Error> try_recv(base::MutBytes out);
  Expected<size_t, Error> try_send(base::Bytes data);
  // Urgent data (RFC 9293 §3.8.5, kept inline as RFC 6093 advises): the bytes
  // accepted end the urgent data; the peer is told where it ends.
  Expected<size_t, Error> try_send_urgent(base::Bytes data);
  // MSG_MORE (Linux): more data follows at once, so a short segment of this
  // data waits for it (until a send without it, an ACK, or set_nodelay's
  // push; at most about an RTO with nothing in flight) and carries no PSH.
  Expected<size_t, Error> try_send_more(base::Bytes data);
  // Bytes of the peer's urgent data not yet read (MUST-33); 0 if none.
  uint32_t urgent_remaining() const;
  bool readable() const;  // data or end of stream waiting (or the connection ended)
  bool writable() const;  // send buffer space
  size_t unsent() const;  // bytes queued and not yet acknowledged

  // ---- Blocking ----
  Expected<size_t, Error> recv(base::MutBytes out, std::optional<Duration> timeout = std::nullopt);
  // Read until `out` is full or end of stream; returns the bytes read. The
  // rest of `out` stays posted while it waits (Stack::post_recv): text lands
  // in it straight from the packets. On an error (a deadline, a reset) the
  // bytes already read are given up, as before, and the posting has ended.
  Expected<size_t, Error> recv_all(base::MutBytes out, std::optional<Duration> timeout = std::nullopt);
  // Queue all of `data`, waiting for buffer space as needed.
  Expected<size_t, Error> send(base::Bytes data, std::optional<Duration> timeout = std::nullopt);
  // Wait until the handshake completed (for open()).
  Expected<void, Error> wait_connected(std::optional<Duration> timeout = std::nullopt);
  // Wait until every byte sent has been acknowledged.
  Expected<void, Error> wait_sent(std::optional<Duration> timeout = std::nullopt);

  // ---- Options ----
  // Keep-alive (RFC 9293 §3.8.4): off unless switched on here or stack-wide
  // (tcp::Config::keepalive). Idle time and probe interval in whole seconds,
  // 1 to 32767, and 1 to 127 unanswered probes before the connection times
  // out (Error::TimedOut); a value out of range changes nothing and fails
  // with Error::InvalidArgument.
  Expected<void, Error> set_keepalive(bool on);
  Expected<void, Error> set_keepalive_params(Duration idle, Duration interval, uint32_t probes);
  // What set_keepalive_params takes.
  static bool keepalive_params_ok(Duration idle, Duration interval, uint32_t probes);
  // How long this connection, once closed by the application, waits in
  // FIN-WAIT-2 for the peer's FIN before it is dropped (TCP_LINGER2; RFC 9293
  // sets no limit): whole seconds from 1 to 120, or zero for the stack's
  // (tcp::Config::fin_wait_2_timeout); anything else fails with
  // InvalidArgument. A timer already running keeps its deadline.
  Expected<void, Error> set_fin_wait_2_timeout(Duration d);
  static bool fin_wait_2_timeout_ok(Duration d) {
    return d == Duration::zero() || tcp::Connection::whole_seconds(d, tcp::Connection::kMaxFinWait2Secs) != 0;
  }
  // Nagle's algorithm (RFC 9293 §3.7.4) for this connection, on unless the
  // stack turned it off (tcp::Config::nagle): set_nodelay(true) turns it off
  // (MUST-17; TCP_NODELAY), so a short write goes at once even while an
  // earlier one is unacknowledged; a write Nagle is holding goes now.
  Expected<void, Error> set_nodelay(bool on);
  // TCP_CORK (Linux): while on, only full segments go; short writes wait to
  // be filled (an HTTP server corks, writes headers and body, uncorks). The
  // wait ends when the cork is taken out (what waits goes at once),
  // set_nodelay(true) pushes it, the connection closes, or after one RTO
  // (200 ms at least) with nothing in flight.
  Expected<void, Error> set_cork(bool on);
  // R2 for this connection (§3.8.3 MUST-20, MUST-21; TCP_USER_TIMEOUT): once
  // one segment has been retransmitted for this long (from its first
  // retransmission), the connection gives up with Error::TimedOut. Whole
  // milliseconds up to 2^32 - 1; zero restores the stack's (tcp::Config::r2,
  // r2_syn during the handshake). Anything else fails with InvalidArgument.
  Expected<void, Error> set_user_timeout(Duration d);
  // Whole milliseconds from 0 to 2^32 - 1: what set_user_timeout takes.
  static bool user_timeout_ok(Duration d) {
    return d >= Duration::zero() && d.us() % 1000 == 0 && d.ms() <= int64_t{UINT32_MAX};
  }
  // Buffer sizes of this connection in bytes (SO_SNDBUF / SO_RCVBUF, taken
  // as given: no doubling), 1 to tcp::Connection::kMaxBuffer; anything else
  // changes nothing and fails with Error::InvalidArgument. The window scale
  // was fixed by the SYN (set the receive buffer before it with
  // Runtime::open's options or Listener::set_recv_buffer); after that a larger
  // receive buffer opens the window and a smaller one closes it as data
  // arrives, never taking back window already advertised. A send buffer
  // smaller than the data queued keeps that data and accepts no more until
  // it drains below the new size.
  Expected<void, Error> set_send_buffer(uint32_t bytes);
  Expected<void, Error> set_recv_buffer(uint32_t bytes);
  uint32_t send_buffer() const;  // 0 once the handle is closed
  // The IPv4 header of this connection's segments from the next one on
  // (IP_TOS / IP_TTL): the Differentiated Services byte, handed to IP as
  // given (RFC 9293 §3.9.1.9 MUST-48, SHLD-21, SHLD-22; the two ECN bits are
  // the transport's, RFC 3168), and the TTL, 1 to 255, or 0 for the
  // stack's (tcp::Config::ttl, MUST-49). Error::NotConnected once closed.
  Expected<void, Error> set_ip_tos(uint8_t tos);
  Expected<void, Error> set_ip_ttl(uint8_t ttl);
  // The TOS byte of the last segment received (MAY-9); nothing once closed.
  std::optional<uint8_t> received_tos() const;
  uint32_t recv_buffer() const;  // rounded up to whole segments once the MSS is known

  // ---- Closing ----
  Expected<void, Error> shutdown();  // half-close: FIN after queued data, keep reading
  void close();                      // done with it; the stack finishes the close
  void abort();                      // RST now

  // ---- Callbacks (run inside the runtime's loop) ----
  void on_connected(Callback cb);
  void on_readable(Callback cb);  // also fires at once if already readable
  void on_writable(Callback cb);  // after a send that came up short
  void on_urgent(Callback cb);    // the peer's urgent pointer appeared or advanced (MUST-32)
  void on_closed(ClosedCallback cb);

 private:
  friend class Runtime;
  friend class Listener;
  Socket(Runtime& rt, stack::ConnId id, const wire::FourTuple& t) : rt_(&rt), id_(id), tuple_(t) {}
  const tcp::Connection* conn() const;
  // try_send and try_send_urgent: the stack call, then the same outcomes.
  using StackSend = Expected<size_t, tcp::Error> (stack::Stack::*)(base::Instant, stack::ConnId, base::Bytes);
  Expected<size_t, Error> try_send_with(StackSend stack_send, base::Bytes data);
  // set_send_buffer / set_recv_buffer: the connection's setter, then the flush.
  Expected<void, Error> set_buffer(bool (tcp::Connection::*set)(uint32_t), uint32_t bytes);
  bool wait(const std::function<bool()>& cond, std::optional<Duration> timeout, Error& why);

  Runtime* rt_ = nullptr;
  stack::ConnId id_;
  wire::FourTuple tuple_;
};

}  // namespace synack::api
