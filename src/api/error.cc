#include "api/error.h"

namespace synack::api {

std::string_view to_string(Error e) {
  switch (e) {
    case Error::Refused: return "connection refused";
    case Error::Reset: return "connection reset by peer";
    case Error::TimedOut: return "connection timed out";
    case Error::Closing: return "connection closing";
    case Error::Aborted: return "connection aborted";
    case Error::NotConnected: return "not connected";
    case Error::AddressInUse: return "address in use";
    case Error::NoPortAvailable: return "no ephemeral port available";
    case Error::InvalidAddress: return "invalid address";
    case Error::NoResources: return "insufficient resources";
    case Error::WouldBlock: return "operation would block";
    case Error::Deadline: return "timed out";
    case Error::Stopped: return "interrupted";
    case Error::Unreachable: return "destination unreachable";
    case Error::InvalidArgument: return "invalid argument";
  }
  return "?";
}

Error from_tcp(tcp::Error e) {
  switch (e) {
    case tcp::Error::ConnectionExists: return Error::AddressInUse;
    case tcp::Error::ConnectionDoesNotExist: return Error::NotConnected;
    case tcp::Error::ConnectionClosing: return Error::Closing;
    case tcp::Error::ConnectionReset: return Error::Reset;
    case tcp::Error::ConnectionRefused: return Error::Refused;
    case tcp::Error::ConnectionTimedOut: return Error::TimedOut;
    case tcp::Error::ConnectionAborted: return Error::Aborted;
    case tcp::Error::ForeignSocketUnspecified: return Error::InvalidAddress;
    case tcp::Error::InsufficientResources: return Error::NoResources;
    case tcp::Error::NetworkUnreachable:
    case tcp::Error::HostUnreachable:
    case tcp::Error::ProtocolUnreachable:
      return Error::Unreachable;
    case tcp::Error::PortUnreachable: return Error::Refused;
  }
  return Error::NotConnected;
}

Error from_stack(stack::StackError e) {
  switch (e) {
    case stack::StackError::PortInUse: return Error::AddressInUse;
    case stack::StackError::NoEphemeralPort: return Error::NoPortAvailable;
    case stack::StackError::InvalidAddress: return Error::InvalidAddress;
    case stack::StackError::NoSuchConnection: return Error::NotConnected;
    case stack::StackError::NoSuchListener: return Error::NotConnected;
    case stack::StackError::InvalidArgument: return Error::InvalidArgument;
    case stack::StackError::TooManyConnections: return Error::NoResources;
  }
  return Error::NotConnected;
}

}  // namespace synack::api
