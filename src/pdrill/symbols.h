#pragma once
// Names a packetdrill script uses for numbers: errno values, socket-API constants
// (Linux values, as packetdrill's symbols_linux.c), and the Linux TCP state names
// of `%{ assert tcpi_state == TCP_X }%` mapped onto synack's RFC 9293 states.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tcp/state.h"

namespace synack::pdrill {

// "ECONNREFUSED" -> 111. EWOULDBLOCK and EAGAIN have the same value, as on Linux.
std::optional<int> errno_value(std::string_view name);
// 111 -> "ECONNREFUSED"; "errno N" for a value without a name here.
std::string errno_name(int value);

// Socket-API constants: SOCK_STREAM, SOL_TCP, TCP_NODELAY, O_NONBLOCK, MSG_PEEK, errno names...
std::optional<int64_t> symbol_value(std::string_view name);

// Linux names (tcp_states.h) as used by tcpi_state: "TCP_SYN_RECV" -> SynReceived.
// TCP_NEW_SYN_RECV (Linux's request sockets) is SYN-RECEIVED too; a deleted TCB is TCP_CLOSE.
std::optional<tcp::State> linux_state(std::string_view name);
std::string_view linux_state_name(tcp::State s);

// Linux values of the constants the socket layer interprets.
namespace sym {
constexpr int64_t kAfInet = 2;
constexpr int64_t kSockStream = 1;
constexpr int64_t kSockDgram = 2;
constexpr int64_t kIpprotoIp = 0;
constexpr int64_t kIpprotoTcp = 6;
constexpr int64_t kSolSocket = 1;
constexpr int64_t kSoReuseaddr = 2;
constexpr int64_t kSoError = 4;
constexpr int64_t kSoSndbuf = 7;
constexpr int64_t kSoRcvbuf = 8;
constexpr int64_t kSoKeepalive = 9;
constexpr int64_t kSoLinger = 13;
constexpr int64_t kSoReuseport = 15;
constexpr int64_t kIpTos = 1;
constexpr int64_t kIpTtl = 2;
constexpr int64_t kTcpNodelay = 1;
constexpr int64_t kTcpMaxseg = 2;
constexpr int64_t kTcpCork = 3;
constexpr int64_t kTcpDeferAccept = 9;
constexpr int64_t kTcpKeepidle = 4;
constexpr int64_t kTcpKeepintvl = 5;
constexpr int64_t kTcpKeepcnt = 6;
constexpr int64_t kTcpLinger2 = 8;
constexpr int64_t kTcpInfo = 11;
constexpr int64_t kTcpUserTimeout = 18;
constexpr int64_t kTcpMd5sig = 14;
constexpr int64_t kTcpNoopt = 0x1008;     // FreeBSD-only (TCP_NOOPT); value outside Linux's range
constexpr int64_t kTcpKeepinit = 0x1080;  // FreeBSD-only (TCP_KEEPINIT)
constexpr int64_t kFGetfl = 3;
constexpr int64_t kFSetfl = 4;
constexpr int64_t kORdwr = 2;
constexpr int64_t kONonblock = 04000;
constexpr int64_t kShutRd = 0;
constexpr int64_t kShutWr = 1;
constexpr int64_t kShutRdwr = 2;
constexpr int64_t kMsgPeek = 2;
constexpr int64_t kMsgDontwait = 0x40;
constexpr int64_t kMsgMore = 0x8000;  // Linux (MSG_MORE)
constexpr int64_t kMsgOob = 0x1;  // same value on Linux and FreeBSD
}  // namespace sym

}  // namespace synack::pdrill
