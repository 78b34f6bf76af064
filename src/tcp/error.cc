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
  }
  return "?";
}

}  // namespace synack::tcp
