// The socket table and the calls that create, connect and close sockets. Data calls
// are in sockets_io.cc, socket options in sockopt.cc.
#include "pdrill/sockets.h"

#include <array>
#include <cerrno>

#include "pdrill/symbols.h"
#include "pdrill/syscall_args.h"

namespace synack::pdrill {

namespace {
constexpr std::array<std::string_view, 15> kKnown = {
    "socket", "bind",     "listen",     "accept",     "connect", "read",  "recv",  "write",
    "send",   "shutdown", "close",      "getsockopt", "setsockopt", "fcntl", "ioctl"};

CallOutcome bad_args(const script::Syscall& c, const std::string& why) {
  return CallOutcome::unsupported(c.name + "(): " + why);
}
}  // namespace

int errno_for(tcp::Error e) {
  switch (e) {
    case tcp::Error::ConnectionExists: return EISCONN;
    case tcp::Error::ConnectionDoesNotExist: return ENOTCONN;
    case tcp::Error::ConnectionClosing: return EPIPE;
    case tcp::Error::ConnectionReset: return ECONNRESET;
    case tcp::Error::ConnectionRefused: return ECONNREFUSED;
    case tcp::Error::ConnectionTimedOut: return ETIMEDOUT;
    case tcp::Error::ConnectionAborted: return ECONNABORTED;
    case tcp::Error::ForeignSocketUnspecified: return ENOTCONN;
    case tcp::Error::InsufficientResources: return ENOBUFS;
    case tcp::Error::NetworkUnreachable: return ENETUNREACH;
    case tcp::Error::HostUnreachable: return EHOSTUNREACH;
    case tcp::Error::ProtocolUnreachable: return ENOPROTOOPT;
    case tcp::Error::PortUnreachable: return ECONNREFUSED;
  }
  return EIO;
}

Sockets::Sockets(Driver& d, const SocketEnv& env, Sut& sut, SeqMap& map)
    : d_(d), env_(env), sut_(sut), map_(map) {}

bool Sockets::known(std::string_view name) {
  for (std::string_view k : kKnown) {
    if (k == name) return true;
  }
  return false;
}

bool Sockets::listener_open(uint16_t port) const {
  for (const auto& [fd, s] : fds_) {
    if (s.kind == Socket::Kind::Listening && s.port == port) return true;
  }
  return false;
}

CallOutcome Sockets::call(const script::Syscall& c) {
  return dispatch(c, false);
}

CallOutcome Sockets::retry(const script::Syscall& c) { return dispatch(c, true); }

CallOutcome Sockets::dispatch(const script::Syscall& c, bool retry) {
  const std::string& n = c.name;
  if (n == "socket") return sys_socket(c);
  if (n == "bind") return sys_bind(c);
  if (n == "listen") return sys_listen(c);
  if (n == "accept") return sys_accept(c);
  if (n == "connect") return sys_connect(c, retry);
  if (n == "close") return sys_close(c);
  if (n == "fcntl") return sys_fcntl(c);
  if (n == "shutdown") return sys_shutdown(c);
  if (n == "getsockopt") return sys_getsockopt(c);
  if (n == "setsockopt") return sys_setsockopt(c);
  if (n == "ioctl") return sys_ioctl(c);
  if (n == "read" || n == "write" || n == "recv" || n == "send") {
    bool with_flags = n == "recv" || n == "send";
    if (c.args.size() != (with_flags ? 4u : 3u)) return bad_args(c, "wrong number of arguments");
    auto len = eval_int(c.args[2]);
    if (!len || *len < 0) return bad_args(c, "bad length");
    int64_t flags = 0;
    if (with_flags) {
      auto f = eval_int(c.args[3]);
      if (!f) return bad_args(c, f.error());
      flags = *f;
    }
    if (n == "read" || n == "recv") return sys_read(c, static_cast<size_t>(*len), flags);
    return sys_write(c, static_cast<size_t>(*len), flags, retry);
  }
  return CallOutcome::unsupported("system call " + n + "()");
}

Sockets::Socket* Sockets::find_fd(const script::Syscall& c, CallOutcome& err) {
  if (c.args.empty()) {
    err = bad_args(c, "no fd argument");
    return nullptr;
  }
  auto fd = eval_int(c.args[0]);
  if (!fd) {
    err = bad_args(c, fd.error());
    return nullptr;
  }
  auto it = fds_.find(static_cast<int>(*fd));
  if (it == fds_.end()) {
    err = CallOutcome::error(EBADF);
    return nullptr;
  }
  return &it->second;
}

const tcp::Connection* Sockets::conn_of(const Socket& s) const {
  return s.conn ? d_.stack().connection(*s.conn) : nullptr;
}

bool Sockets::connecting(const Socket& s) const {
  const tcp::Connection* c = conn_of(s);
  return c && (c->state() == tcp::State::SynSent || c->state() == tcp::State::SynReceived);
}

int Sockets::new_fd(int64_t wanted) {
  // packetdrill maps script fds to live ones; we simply hand out the script's number.
  int fd = wanted >= 0 && !fds_.count(static_cast<int>(wanted)) ? static_cast<int>(wanted) : 3;
  while (fds_.count(fd)) ++fd;
  fds_[fd] = Socket{};
  return fd;
}

int Sockets::take_error(Socket& s) {
  const tcp::Connection* c = conn_of(s);
  if (!c || s.error_reported || !c->error()) return 0;
  if (*c->error() == tcp::Error::ConnectionAborted) return 0;  // our own close/abort
  s.error_reported = true;
  return errno_for(*c->error());
}

CallOutcome Sockets::sys_socket(const script::Syscall& c) {
  if (c.args.size() != 3) return bad_args(c, "wrong number of arguments");
  if (!is_ellipsis(c.args[0])) {
    auto dom = eval_int(c.args[0]);
    if (!dom || *dom != sym::kAfInet) return CallOutcome::unsupported("socket(): only AF_INET (IPv4) sockets");
  }
  auto type = eval_int(c.args[1]);
  if (!type || *type != sym::kSockStream) return CallOutcome::unsupported("socket(): only SOCK_STREAM sockets");
  return CallOutcome::done(new_fd(c.ret));
}

CallOutcome Sockets::sys_bind(const script::Syscall& c) {
  CallOutcome err;
  Socket* s = find_fd(c, err);
  if (!s) return err;
  if (c.args.size() != 3) return bad_args(c, "wrong number of arguments");
  auto addr = eval_sockaddr(c.args[1], {env_.local_ip, env_.bind_port});
  if (!addr) return bad_args(c, addr.error());
  if (s->kind != Socket::Kind::Fresh) return CallOutcome::error(EINVAL);
  s->kind = Socket::Kind::Bound;
  s->port = *addr ? (*addr)->port : env_.bind_port;
  sut_ = Sut{Sut::Kind::Bound, s->port, 0};
  return CallOutcome::done(0);
}

CallOutcome Sockets::sys_listen(const script::Syscall& c) {
  CallOutcome err;
  Socket* s = find_fd(c, err);
  if (!s) return err;
  if (c.args.size() != 2) return bad_args(c, "wrong number of arguments");
  auto backlog = eval_int(c.args[1]);
  if (!backlog) return bad_args(c, backlog.error());
  if (s->kind == Socket::Kind::Connected) return CallOutcome::error(EINVAL);
  if (s->kind == Socket::Kind::Listening) return CallOutcome::done(0);
  uint16_t port = s->kind == Socket::Kind::Bound ? s->port : env_.bind_port;
  auto r = d_.stack().listen(port, static_cast<uint32_t>(std::max<int64_t>(*backlog, 1)));
  if (!r) return CallOutcome::error(EADDRINUSE);
  s->kind = Socket::Kind::Listening;
  s->port = port;
  (void)d_.stack().set_listener_options(port, s->opts);  // checked by setsockopt
  sut_ = Sut{Sut::Kind::Listener, port, 0};
  return CallOutcome::done(0);
}

CallOutcome Sockets::sys_accept(const script::Syscall& c) {
  CallOutcome err;
  Socket* s = find_fd(c, err);
  if (!s) return err;
  if (s->kind != Socket::Kind::Listening) return CallOutcome::error(EINVAL);
  auto id = d_.stack().accept(s->port);
  if (!id) return s->nonblocking ? CallOutcome::error(EAGAIN) : CallOutcome::blocked();
  Socket child;
  child.kind = Socket::Kind::Connected;
  child.conn = *id;
  // Linux and FreeBSD: an accepted socket inherits its listener's options
  // (TCP_NODELAY, TCP_USER_TIMEOUT, TCP_LINGER2, keep-alive, buffer sizes,
  // IP_TOS / IP_TTL), which the stack applied before the SYN,ACK.
  child.opts = s->opts;
  int fd = new_fd(c.ret);
  fds_[fd] = child;
  return CallOutcome::done(fd);
}

CallOutcome Sockets::sys_connect(const script::Syscall& c, bool retry) {
  CallOutcome err;
  Socket* s = find_fd(c, err);
  if (!s) return err;
  if (c.args.size() != 3) return bad_args(c, "wrong number of arguments");
  if (retry || s->kind == Socket::Kind::Connected) {
    const tcp::Connection* conn = conn_of(*s);
    if (!conn) return CallOutcome::error(EBADF);
    if (connecting(*s)) return retry ? CallOutcome::blocked() : CallOutcome::error(EALREADY);
    if (int e = take_error(*s)) return CallOutcome::error(e);
    if (conn->state() == tcp::State::Closed) return CallOutcome::error(ECONNABORTED);
    return retry ? CallOutcome::done(0) : CallOutcome::error(EISCONN);
  }
  if (s->kind == Socket::Kind::Listening) return CallOutcome::error(EISCONN);
  auto addr = eval_sockaddr(c.args[1], {env_.remote_ip, env_.connect_port});
  if (!addr) return bad_args(c, addr.error());
  wire::Endpoint remote = addr->value_or(wire::Endpoint{env_.remote_ip, env_.connect_port});
  uint16_t local_port = s->kind == Socket::Kind::Bound ? s->port : 0;
  auto id = d_.stack().connect(d_.now(), remote, local_port, s->opts);
  d_.collect();
  if (!id) {
    switch (id.error()) {
      case stack::StackError::PortInUse: return CallOutcome::error(EADDRINUSE);
      case stack::StackError::NoEphemeralPort: return CallOutcome::error(EADDRNOTAVAIL);
      case stack::StackError::InvalidAddress: return CallOutcome::error(ENETUNREACH);
      case stack::StackError::NoSuchConnection:
      case stack::StackError::NoSuchListener:
      case stack::StackError::InvalidArgument: return CallOutcome::error(EINVAL);
      case stack::StackError::TooManyConnections: return CallOutcome::error(ENOBUFS);
    }
    return CallOutcome::error(EINVAL);
  }
  s->kind = Socket::Kind::Connected;
  s->conn = *id;
  const tcp::Connection* conn = d_.stack().connection(*id);
  sut_ = Sut{Sut::Kind::Active, conn ? conn->tuple().local.port : local_port, remote.port};
  map_.reset();
  if (s->nonblocking) return CallOutcome::error(EINPROGRESS);
  return sys_connect(c, true);
}

CallOutcome Sockets::sys_close(const script::Syscall& c) {
  CallOutcome err;
  Socket* s = find_fd(c, err);
  if (!s) return err;
  auto fd = static_cast<int>(*eval_int(c.args[0]));
  switch (s->kind) {
    case Socket::Kind::Listening:
      (void)d_.stack().close_listener(d_.now(), s->port);
      break;
    case Socket::Kind::Connected:
      if (s->linger_zero) d_.stack().abort(d_.now(), *s->conn);
      else d_.stack().close(d_.now(), *s->conn);
      break;
    case Socket::Kind::Fresh:
    case Socket::Kind::Bound:
      break;
  }
  d_.collect();
  fds_.erase(fd);
  return CallOutcome::done(0);
}

CallOutcome Sockets::sys_fcntl(const script::Syscall& c) {
  CallOutcome err;
  Socket* s = find_fd(c, err);
  if (!s) return err;
  if (c.args.size() < 2) return bad_args(c, "wrong number of arguments");
  auto cmd = eval_int(c.args[1]);
  if (!cmd) return bad_args(c, cmd.error());
  if (*cmd == sym::kFGetfl) return CallOutcome::done(sym::kORdwr | (s->nonblocking ? sym::kONonblock : 0));
  if (*cmd == sym::kFSetfl && c.args.size() == 3) {
    auto fl = eval_int(c.args[2]);
    if (!fl) return bad_args(c, fl.error());
    s->nonblocking = (*fl & sym::kONonblock) != 0;
    return CallOutcome::done(0);
  }
  return CallOutcome::unsupported("fcntl() command " + std::to_string(*cmd) + " (only F_GETFL and F_SETFL)");
}

}  // namespace synack::pdrill
