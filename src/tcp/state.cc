#include "tcp/state.h"

namespace synack::tcp {

std::string_view to_string(State s) {
  switch (s) {
    case State::Closed: return "CLOSED";
    case State::Listen: return "LISTEN";
    case State::SynSent: return "SYN-SENT";
    case State::SynReceived: return "SYN-RECEIVED";
    case State::Established: return "ESTABLISHED";
    case State::FinWait1: return "FIN-WAIT-1";
    case State::FinWait2: return "FIN-WAIT-2";
    case State::CloseWait: return "CLOSE-WAIT";
    case State::Closing: return "CLOSING";
    case State::LastAck: return "LAST-ACK";
    case State::TimeWait: return "TIME-WAIT";
  }
  return "?";
}

std::string_view to_cli_string(State s) {
  switch (s) {
    case State::Closed: return "CLOSED";
    case State::Listen: return "LISTEN";
    case State::SynSent: return "SYN_SENT";
    case State::SynReceived: return "SYN_RECEIVED";
    case State::Established: return "ESTABLISHED";
    case State::FinWait1: return "FIN_WAIT_1";
    case State::FinWait2: return "FIN_WAIT_2";
    case State::CloseWait: return "CLOSE_WAIT";
    case State::Closing: return "CLOSING";
    case State::LastAck: return "LAST_ACK";
    case State::TimeWait: return "TIME_WAIT";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, State s) { return os << to_string(s); }

bool is_legal_transition(State from, State to) {
  using S = State;
  // Any state may be torn down to CLOSED: ABORT, RST, user timeout (§3.10.5,
  // §3.10.7.4 second check, §3.10.8).
  if (to == S::Closed) return true;
  switch (from) {
    case S::Closed: return to == S::Listen || to == S::SynSent;
    case S::Listen: return to == S::SynReceived || to == S::SynSent;
    case S::SynSent: return to == S::SynReceived || to == S::Established;
    // SYN-RECEIVED -> LISTEN: RST or SYN on a connection that came from LISTEN.
    case S::SynReceived:
      return to == S::Established || to == S::FinWait1 || to == S::Listen || to == S::CloseWait;
    case S::Established: return to == S::FinWait1 || to == S::CloseWait;
    case S::FinWait1: return to == S::FinWait2 || to == S::Closing || to == S::TimeWait;
    case S::FinWait2: return to == S::TimeWait;
    case S::CloseWait: return to == S::LastAck;
    case S::Closing: return to == S::TimeWait;
    case S::LastAck: return false;
    case S::TimeWait: return false;
  }
  return false;
}

}  // namespace synack::tcp
