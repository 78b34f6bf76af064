#pragma once
// The eleven connection states of RFC 9293 §3.3.2 (Figure 5).
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string_view>

namespace synack::tcp {

enum class State : uint8_t {
  Closed,
  Listen,
  SynSent,
  SynReceived,
  Established,
  FinWait1,
  FinWait2,
  CloseWait,
  Closing,
  LastAck,
  TimeWait,
};

constexpr int kNumStates = 11;

// RFC spelling: "SYN-SENT".
std::string_view to_string(State s);
// Underscore spelling used by the CLI and traces: "SYN_SENT".
std::string_view to_cli_string(State s);
std::ostream& operator<<(std::ostream& os, State s);

// A set of states, for predicates such as `StateSet{FinWait1, Closing}.has(s)`.
class StateSet {
 public:
  constexpr StateSet(std::initializer_list<State> states) {
    for (State s : states) bits_ |= bit(s);
  }
  constexpr bool has(State s) const { return bits_ & bit(s); }

 private:
  static constexpr uint16_t bit(State s) { return static_cast<uint16_t>(1u << static_cast<unsigned>(s)); }
  uint16_t bits_ = 0;
};

// RFC 9293 §3.5.2: states after the handshake has completed ("synchronized").
constexpr bool is_synchronized(State s) {
  return StateSet{State::Established, State::FinWait1, State::FinWait2, State::CloseWait,
                  State::Closing,     State::LastAck,  State::TimeWait}
      .has(s);
}

// Is `from -> to` an edge of the RFC 9293 state diagram (Figure 5), including the
// edges that RST, ABORT and timeouts add (§3.10)? Used by property tests.
bool is_legal_transition(State from, State to);

}  // namespace synack::tcp
