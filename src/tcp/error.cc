#include "tcp/error.h"

namespace synack::tcp {

std::string_view to_string(Error e) {
  switch (e) {
    case Error::ConnectionExists: return "connection already exists";
    case Error::ConnectionDoesNotExist: return "connection does not exist";
    case Error::ConnectionClosing: return "connection closing";
    case Error::ConnectionReset: return "connection reset";
    case Error::ConnectionRefused: return "connection refused";
    case Error::ConnectionTimedOut: return "connection timed out";
    case Error::ConnectionAborted: return "connection aborted";
    case Error::ForeignSocketUnspecified: return "foreign socket unspecified";
    case Error::InsufficientResources: return "insufficient resources";
    case Error::NetworkUnreachable: return "network unreachable";
    case Error::HostUnreachable: return "host unreachable";
    case Error::ProtocolUnreachable: return "protocol unreachable";
    case Error::PortUnreachable: return "port unreachable";
  }
  return "?";
}

}  // namespace synack::tcp
