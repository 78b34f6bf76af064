#pragma once
// The script's socket API mapped onto synack's Stack (dialect §1.6): fds, Linux return
// values and errno, blocking and non-blocking calls. The stack has no sockets of its
// own; this layer keeps what a socket adds (fd numbers, O_NONBLOCK, SO_ERROR having
// been reported, SHUT_RD, TCP_NODELAY set before connect) and asks the stack the rest.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "pdrill/driver.h"
#include "pdrill/seq_map.h"
#include "pdrill/sut.h"
#include "script/script.h"
#include "stack/stack.h"

namespace synack::pdrill {

struct SysResult {
  int64_t ret = 0;
  int err = 0;           // errno, 0 if none
  std::string mismatch;  // an out-parameter (getsockopt/ioctl value) differed from the script's
};

enum class CallState : uint8_t { Done, Blocked, Unsupported };

struct CallOutcome {
  CallState state = CallState::Done;
  SysResult result;
  std::string why;  // for Unsupported: exactly what

  static CallOutcome done(int64_t ret) { return {CallState::Done, {ret, 0, {}}, {}}; }
  static CallOutcome error(int err) { return {CallState::Done, {-1, err, {}}, {}}; }
  static CallOutcome blocked() { return {CallState::Blocked, {}, {}}; }
  static CallOutcome unsupported(std::string why) { return {CallState::Unsupported, {}, std::move(why)}; }
};

class Sockets {
 public:
  Sockets(Driver& d, const SocketEnv& env, Sut& sut, SeqMap& map);

  // Run a call now. A blocking call that cannot complete returns Blocked; call
  // retry() after the stack has moved (a packet or a timer) until it is Done.
  CallOutcome call(const script::Syscall& c);
  CallOutcome retry(const script::Syscall& c);

  // Is there an open listening socket on this port (tcpi_state of a listener)?
  bool listener_open(uint16_t port) const;
  // The system calls this layer knows (others make a script UNSUPPORTED).
  static bool known(std::string_view name);

 private:
  struct Socket {
    enum class Kind : uint8_t { Fresh, Bound, Listening, Connected };
    Kind kind = Kind::Fresh;
    uint16_t port = 0;  // bound or listening port
    std::optional<stack::ConnId> conn;
    bool nonblocking = false;
    bool linger_zero = false;
    bool reuseaddr = false;
    bool rd_shut = false;
    bool error_reported = false;  // the connection's error was returned once (SO_ERROR, read, write)
    // The per-connection options as the script set them (0 / false: not set,
    // the stack's): TCP_NODELAY, TCP_USER_TIMEOUT, TCP_LINGER2, SO_KEEPALIVE
    // with TCP_KEEPIDLE/KEEPINTVL/KEEPCNT, SO_SNDBUF / SO_RCVBUF (see
    // sockopt.cc), TCP_MAXSEG, IP_TOS (the DSCP; RFC 9293 MUST-48), IP_TTL,
    // TCP_NOOPT. They go to the stack as they are: connect() and listen() pass
    // them, and accepted sockets inherit their listener's.
    stack::ConnOptions opts;
  };

  CallOutcome dispatch(const script::Syscall& c, bool retry);
  // sockets.cc
  CallOutcome sys_socket(const script::Syscall& c);
  CallOutcome sys_bind(const script::Syscall& c);
  CallOutcome sys_listen(const script::Syscall& c);
  CallOutcome sys_accept(const script::Syscall& c);
  CallOutcome sys_connect(const script::Syscall& c, bool retry);
  CallOutcome sys_close(const script::Syscall& c);
  CallOutcome sys_fcntl(const script::Syscall& c);
  // sockets_io.cc
  CallOutcome sys_read(const script::Syscall& c, size_t len, int64_t flags);
  CallOutcome sys_write(const script::Syscall& c, size_t len, int64_t flags, bool retry);
  CallOutcome sys_shutdown(const script::Syscall& c);
  CallOutcome sys_ioctl(const script::Syscall& c);
  // sockopt.cc
  CallOutcome sys_getsockopt(const script::Syscall& c);
  CallOutcome sys_setsockopt(const script::Syscall& c);
  CallOutcome set_buffer(Socket& s, bool send, int64_t v);
  // A ConnOptions value just set on `s`: to the listener (for the connections
  // it accepts from now on), or through `set` to the socket's connection.
  template <class F>
  void apply_conn_option(Socket& s, F&& set);
  int64_t get_buffer(const Socket& s, bool send) const;

  Socket* find_fd(const script::Syscall& c, CallOutcome& err);
  const tcp::Connection* conn_of(const Socket& s) const;
  int new_fd(int64_t wanted);
  // The connection's error as errno, once (then 0): SO_ERROR semantics.
  int take_error(Socket& s);
  bool connecting(const Socket& s) const;

  Driver& d_;
  SocketEnv env_;
  Sut& sut_;
  SeqMap& map_;
  std::map<int, Socket> fds_;
  size_t write_done_ = 0;  // progress of a blocking write()
};

// errno for a tcp::Error (ECONNRESET, ECONNREFUSED, ETIMEDOUT, EPIPE...).
int errno_for(tcp::Error e);

}  // namespace synack::pdrill
