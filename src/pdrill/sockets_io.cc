// Data calls: read/recv (MSG_PEEK), write/send, shutdown, ioctl(SIOCINQ).
#include <algorithm>
#include <cerrno>
#include <vector>

#include "pdrill/sockets.h"
#include "pdrill/symbols.h"
#include "pdrill/syscall_args.h"

namespace synack::pdrill {

namespace {
constexpr int64_t kSiocinq = 0x541B;  // = FIONREAD
}

CallOutcome Sockets::sys_read(const script::Syscall& c, size_t len, int64_t flags) {
  CallOutcome err;
  Socket* s = find_fd(c, err);
  if (!s) return err;
  if (flags & ~(sym::kMsgPeek | sym::kMsgDontwait)) {
    return CallOutcome::unsupported(c.name + "(): flags other than MSG_PEEK and MSG_DONTWAIT");
  }
  bool nonblocking = s->nonblocking || (flags & sym::kMsgDontwait);
  if (s->kind != Socket::Kind::Connected) return CallOutcome::error(ENOTCONN);
  const tcp::Connection* conn = conn_of(*s);
  if (!conn) return CallOutcome::done(0);
  if (flags & sym::kMsgPeek) {
    // The stack has no peek: the payload is all zeros anyway, so the count is what matters.
    size_t avail = conn->recv_available();
    if (avail > 0) return CallOutcome::done(static_cast<int64_t>(std::min(avail, len)));
    if (int e = take_error(*s)) return CallOutcome::error(e);
    if (conn->peer_fin_received() || s->rd_shut || conn->state() == tcp::State::Closed) return CallOutcome::done(0);
    return nonblocking ? CallOutcome::error(EAGAIN) : CallOutcome::blocked();
  }
  std::vector<uint8_t> buf(len);
  auto r = d_.stack().recv(d_.now(), *s->conn, buf);
  d_.collect();
  if (r) {
    if (*r > 0 || len == 0) return CallOutcome::done(static_cast<int64_t>(*r));
    if (s->rd_shut) return CallOutcome::done(0);
    return nonblocking ? CallOutcome::error(EAGAIN) : CallOutcome::blocked();
  }
  switch (r.error()) {
    case tcp::Error::ConnectionClosing:  // end of stream
    case tcp::Error::ConnectionDoesNotExist:
    case tcp::Error::ConnectionAborted:
      return CallOutcome::done(0);
    case tcp::Error::ConnectionReset:
    case tcp::Error::ConnectionRefused:
    case tcp::Error::ConnectionTimedOut:
    case tcp::Error::NetworkUnreachable:  // a hard ICMP error aborted the open (RFC 5927 §4.1)
    case tcp::Error::HostUnreachable:
    case tcp::Error::ProtocolUnreachable:
    case tcp::Error::PortUnreachable:
      if (int e = take_error(*s)) return CallOutcome::error(e);
      return CallOutcome::done(0);  // the error was reported before: end of stream
    case tcp::Error::ConnectionExists:
    case tcp::Error::ForeignSocketUnspecified:
    case tcp::Error::InsufficientResources:
      break;
  }
  return CallOutcome::error(errno_for(r.error()));
}

CallOutcome Sockets::sys_write(const script::Syscall& c, size_t len, int64_t flags, bool retry) {
  CallOutcome err;
  Socket* s = find_fd(c, err);
  if (!s) return err;
  if (flags & ~(sym::kMsgDontwait | sym::kMsgOob | sym::kMsgMore)) {
    return CallOutcome::unsupported(c.name + "(): flags other than MSG_DONTWAIT, MSG_OOB and MSG_MORE");
  }
  bool nonblocking = s->nonblocking || (flags & sym::kMsgDontwait);
  if (s->kind != Socket::Kind::Connected) return CallOutcome::error(EPIPE);
  if (connecting(*s)) {
    // Linux and FreeBSD wait for the handshake before sending (sk_stream_wait_connect).
    return nonblocking ? CallOutcome::error(EAGAIN) : CallOutcome::blocked();
  }
  if (int e = take_error(*s)) return CallOutcome::error(e);
  if (!retry) write_done_ = 0;
  std::vector<uint8_t> zeros(len - std::min(len, write_done_), 0);
  // MSG_OOB: the write is urgent data; SND.UP follows its last byte (RFC 9293 §3.8.5).
  auto r = (flags & sym::kMsgOob) ? d_.stack().send_urgent(d_.now(), *s->conn, zeros)
                                  : d_.stack().send(d_.now(), *s->conn, zeros, flags & sym::kMsgMore);
  d_.collect();
  if (!r) {
    if (int e = take_error(*s)) return CallOutcome::error(e);
    if (write_done_ > 0) return CallOutcome::done(static_cast<int64_t>(write_done_));
    return CallOutcome::error(EPIPE);  // connection closing or gone
  }
  write_done_ += *r;
  if (write_done_ == len) return CallOutcome::done(static_cast<int64_t>(len));
  if (nonblocking) {
    if (write_done_ > 0) return CallOutcome::done(static_cast<int64_t>(write_done_));
    return CallOutcome::error(EAGAIN);
  }
  return CallOutcome::blocked();
}

CallOutcome Sockets::sys_shutdown(const script::Syscall& c) {
  CallOutcome err;
  Socket* s = find_fd(c, err);
  if (!s) return err;
  if (c.args.size() != 2) return CallOutcome::unsupported("shutdown(): wrong number of arguments");
  auto how = eval_int(c.args[1]);
  if (!how || *how < sym::kShutRd || *how > sym::kShutRdwr) return CallOutcome::error(EINVAL);
  if (s->kind != Socket::Kind::Connected) return CallOutcome::error(ENOTCONN);
  const tcp::Connection* conn = conn_of(*s);
  if (!conn || conn->state() == tcp::State::Closed) return CallOutcome::error(ENOTCONN);
  if (*how == sym::kShutRd || *how == sym::kShutRdwr) s->rd_shut = true;
  if (*how == sym::kShutWr || *how == sym::kShutRdwr) {
    auto r = d_.stack().shutdown(d_.now(), *s->conn);
    d_.collect();
    if (!r && r.error() != tcp::Error::ConnectionClosing) return CallOutcome::error(errno_for(r.error()));
  }
  return CallOutcome::done(0);
}

CallOutcome Sockets::sys_ioctl(const script::Syscall& c) {
  CallOutcome err;
  Socket* s = find_fd(c, err);
  if (!s) return err;
  if (c.args.size() != 3) return CallOutcome::unsupported("ioctl(): wrong number of arguments");
  auto req = c.args[1].kind == script::ExprKind::Symbol &&
                     (c.args[1].text == "SIOCINQ" || c.args[1].text == "FIONREAD")
                 ? base::Expected<int64_t, std::string>(kSiocinq)
                 : eval_int(c.args[1]);
  if (!req || *req != kSiocinq) return CallOutcome::unsupported("ioctl(): only SIOCINQ/FIONREAD");
  auto want = eval_pointed_int(c.args[2]);
  if (!want) return CallOutcome::unsupported("ioctl(): " + want.error());
  const tcp::Connection* conn = conn_of(*s);
  auto have = static_cast<int64_t>(conn ? conn->recv_available() : 0);
  CallOutcome out = CallOutcome::done(0);
  if (have != *want) {
    out.result.mismatch = "SIOCINQ value: expected " + std::to_string(*want) + ", got " + std::to_string(have);
  }
  return out;
}

}  // namespace synack::pdrill
