#include "pdrill/symbols.h"

#include <array>
#include <cerrno>
#include <string>
#include <utility>

namespace synack::pdrill {
namespace {

struct Named {
  std::string_view name;
  int64_t value;
};

constexpr std::array kErrnos = {
    Named{"EPERM", EPERM},           Named{"ENOENT", ENOENT},
    Named{"EINTR", EINTR},           Named{"EBADF", EBADF},
    Named{"EAGAIN", EAGAIN},         Named{"EWOULDBLOCK", EWOULDBLOCK},
    Named{"ENOMEM", ENOMEM},         Named{"EFAULT", EFAULT},
    Named{"EINVAL", EINVAL},         Named{"EPIPE", EPIPE},
    Named{"ENOTSOCK", ENOTSOCK},     Named{"EMSGSIZE", EMSGSIZE},
    Named{"ENOPROTOOPT", ENOPROTOOPT}, Named{"EOPNOTSUPP", EOPNOTSUPP},
    Named{"EADDRINUSE", EADDRINUSE}, Named{"EADDRNOTAVAIL", EADDRNOTAVAIL},
    Named{"ENETUNREACH", ENETUNREACH}, Named{"ECONNABORTED", ECONNABORTED},
    Named{"ECONNRESET", ECONNRESET}, Named{"ENOBUFS", ENOBUFS},
    Named{"EISCONN", EISCONN},       Named{"ENOTCONN", ENOTCONN},
    Named{"ETIMEDOUT", ETIMEDOUT},   Named{"ECONNREFUSED", ECONNREFUSED},
    Named{"EHOSTUNREACH", EHOSTUNREACH}, Named{"EALREADY", EALREADY},
    Named{"EINPROGRESS", EINPROGRESS},
};

constexpr std::array kConstants = {
    Named{"AF_INET", sym::kAfInet},
    Named{"PF_INET", sym::kAfInet},
    Named{"SOCK_STREAM", sym::kSockStream},
    Named{"SOCK_DGRAM", sym::kSockDgram},
    Named{"IPPROTO_IP", sym::kIpprotoIp},
    Named{"IPPROTO_TCP", sym::kIpprotoTcp},
    Named{"SOL_TCP", sym::kIpprotoTcp},
    Named{"SOL_IP", sym::kIpprotoIp},
    Named{"SOL_SOCKET", sym::kSolSocket},
    Named{"SO_REUSEADDR", sym::kSoReuseaddr},
    Named{"SO_REUSEPORT", sym::kSoReuseport},
    Named{"SO_ERROR", sym::kSoError},
    Named{"SO_SNDBUF", sym::kSoSndbuf},
    Named{"SO_RCVBUF", sym::kSoRcvbuf},
    Named{"SO_KEEPALIVE", sym::kSoKeepalive},
    Named{"SO_LINGER", sym::kSoLinger},
    Named{"IP_TOS", sym::kIpTos},
    Named{"IP_TTL", sym::kIpTtl},
    Named{"TCP_NODELAY", sym::kTcpNodelay},
    Named{"TCP_MAXSEG", sym::kTcpMaxseg},
    Named{"TCP_CORK", sym::kTcpCork},
    Named{"TCP_DEFER_ACCEPT", sym::kTcpDeferAccept},
    Named{"TCP_KEEPIDLE", sym::kTcpKeepidle},
    Named{"TCP_KEEPINTVL", sym::kTcpKeepintvl},
    Named{"TCP_KEEPCNT", sym::kTcpKeepcnt},
    Named{"TCP_LINGER2", sym::kTcpLinger2},
    Named{"TCP_INFO", sym::kTcpInfo},
    Named{"TCP_USER_TIMEOUT", sym::kTcpUserTimeout},
    Named{"TCP_MD5SIG", sym::kTcpMd5sig},
    Named{"TCP_NOOPT", sym::kTcpNoopt},
    Named{"TCP_KEEPINIT", sym::kTcpKeepinit},
    Named{"F_GETFL", sym::kFGetfl},
    Named{"F_SETFL", sym::kFSetfl},
    Named{"O_RDWR", sym::kORdwr},
    Named{"O_NONBLOCK", sym::kONonblock},
    Named{"SHUT_RD", sym::kShutRd},
    Named{"SHUT_WR", sym::kShutWr},
    Named{"SHUT_RDWR", sym::kShutRdwr},
    Named{"MSG_PEEK", sym::kMsgPeek},
    Named{"MSG_DONTWAIT", sym::kMsgDontwait},
    Named{"MSG_OOB", sym::kMsgOob},
    Named{"MSG_MORE", sym::kMsgMore},
    Named{"IPTOS_DSCP_CS1", 0x20},
    Named{"IPTOS_DSCP_CS7", 0xe0},
};

struct StateName {
  std::string_view name;
  tcp::State state;
};

constexpr std::array kStates = {
    StateName{"TCP_ESTABLISHED", tcp::State::Established},
    StateName{"TCP_SYN_SENT", tcp::State::SynSent},
    StateName{"TCP_SYN_RECV", tcp::State::SynReceived},
    StateName{"TCP_FIN_WAIT1", tcp::State::FinWait1},
    StateName{"TCP_FIN_WAIT2", tcp::State::FinWait2},
    StateName{"TCP_TIME_WAIT", tcp::State::TimeWait},
    StateName{"TCP_CLOSE", tcp::State::Closed},
    StateName{"TCP_CLOSE_WAIT", tcp::State::CloseWait},
    StateName{"TCP_LAST_ACK", tcp::State::LastAck},
    StateName{"TCP_LISTEN", tcp::State::Listen},
    StateName{"TCP_CLOSING", tcp::State::Closing},
    StateName{"TCP_NEW_SYN_RECV", tcp::State::SynReceived},
};

}  // namespace

std::optional<int> errno_value(std::string_view name) {
  for (const Named& e : kErrnos) {
    if (e.name == name) return static_cast<int>(e.value);
  }
  return std::nullopt;
}

std::string errno_name(int value) {
  for (const Named& e : kErrnos) {
    if (e.value == value) return std::string(e.name);
  }
  return "errno " + std::to_string(value);
}

std::optional<int64_t> symbol_value(std::string_view name) {
  for (const Named& c : kConstants) {
    if (c.name == name) return c.value;
  }
  if (auto e = errno_value(name)) return *e;  // SO_ERROR values: [ECONNRESET]
  return std::nullopt;
}

std::optional<tcp::State> linux_state(std::string_view name) {
  for (const StateName& s : kStates) {
    if (s.name == name) return s.state;
  }
  return std::nullopt;
}

std::string_view linux_state_name(tcp::State s) {
  switch (s) {
    case tcp::State::Closed: return "TCP_CLOSE";
    case tcp::State::Listen: return "TCP_LISTEN";
    case tcp::State::SynSent: return "TCP_SYN_SENT";
    case tcp::State::SynReceived: return "TCP_SYN_RECV";
    case tcp::State::Established: return "TCP_ESTABLISHED";
    case tcp::State::FinWait1: return "TCP_FIN_WAIT1";
    case tcp::State::FinWait2: return "TCP_FIN_WAIT2";
    case tcp::State::CloseWait: return "TCP_CLOSE_WAIT";
    case tcp::State::Closing: return "TCP_CLOSING";
    case tcp::State::LastAck: return "TCP_LAST_ACK";
    case tcp::State::TimeWait: return "TCP_TIME_WAIT";
  }
  return "?";
}

}  // namespace synack::pdrill
