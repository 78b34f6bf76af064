#pragma once
// api::Error — what a socket call can fail with. The TCP errors of RFC 9293
// (tcp::Error) keep their meaning; the stack's and the runtime's own failures
// are added. to_string() gives the words a command line prints
// ("connection refused", "timed out").
#include <cstdint>
#include <ostream>
#include <string_view>

#include "stack/stack.h"
#include "tcp/error.h"

namespace synack::api {

enum class Error : uint8_t {
  Refused,          // RST in answer to our SYN
  Reset,            // the peer reset the connection
  TimedOut,         // TCP gave up retransmitting (R2 / user timeout)
  Closing,          // send after shutdown/close, or the connection is closing
  Aborted,          // we aborted the connection
  NotConnected,     // the handle is closed, or the connection no longer exists
  AddressInUse,     // listen on a port that has a listener; connect from a used port
  NoPortAvailable,  // every ephemeral port is in use toward that destination
  InvalidAddress,   // broadcast, multicast or unspecified remote
  NoResources,      // the stack is out of resources
  WouldBlock,       // nothing to do now (non-blocking call), or a blocking call inside a callback
  Deadline,         // a blocking call's own time limit passed first
  Stopped,          // the runtime was stopped (signal, Runtime::stop) during a blocking call
  Unreachable,      // an ICMP error said the destination cannot be reached
  InvalidArgument,  // an option value out of range
};

std::string_view to_string(Error e);
inline std::ostream& operator<<(std::ostream& os, Error e) { return os << to_string(e); }

Error from_tcp(tcp::Error e);
Error from_stack(stack::StackError e);

}  // namespace synack::api
