#pragma once
// Errors returned by user calls, named as RFC 9293 §3.10 names them.
#include <cstdint>
#include <ostream>
#include <string_view>

namespace synack::tcp {

enum class Error : uint8_t {
  ConnectionExists,          // "error: connection already exists" (OPEN on an open connection)
  ConnectionDoesNotExist,    // "error: connection does not exist"
  ConnectionClosing,         // "error: connection closing" (SEND after CLOSE; RECEIVE after FIN)
  ConnectionReset,           // "connection reset" (RST received)
  ConnectionRefused,         // "connection refused" (RST in reply to our SYN)
  ConnectionTimedOut,        // "connection aborted due to user timeout" (R2, §3.8.3)
  ConnectionAborted,         // the local user called ABORT
  ForeignSocketUnspecified,  // "error: foreign socket unspecified"
  InsufficientResources,     // "error: insufficient resources"
  NetworkUnreachable,        // ICMP destination unreachable (net) while opening
  HostUnreachable,           // ICMP destination unreachable (host) while opening
  ProtocolUnreachable,       // ICMP protocol unreachable (a hard error, RFC 9293 §3.9.2.2)
  PortUnreachable,           // ICMP port unreachable (a hard error)
};

std::string_view to_string(Error e);
inline std::ostream& operator<<(std::ostream& os, Error e) { return os << to_string(e); }

}  // namespace synack::tcp
