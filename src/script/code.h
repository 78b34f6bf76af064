#pragma once
// `%{ ... }%` blocks hold Python that packetdrill runs against TCP_INFO snapshots (dialect §1.1).
// We run no Python: the runner supports only the single state assertion the FreeBSD suite uses
// (portable/README.md rule R4), `assert tcpi_state == TCP_X` or `!=`, and reports anything else
// as unsupported.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/expected.h"

namespace synack::script {

enum class AssertOp : uint8_t { Equal, NotEqual };

struct StateAssert {
  AssertOp op = AssertOp::Equal;
  std::string state;  // the Linux name as written, e.g. "TCP_TIME_WAIT"
  bool operator==(const StateAssert&) const = default;
};

// Recognises `assert tcpi_state ==|!= TCP_X` with an optional `, message` and `;`, surrounded by
// whitespace. TCP_X must be one of the Linux tcp_states names (TCP_ESTABLISHED ... TCP_CLOSING,
// TCP_NEW_SYN_RECV). Any other code gives an error message starting "unsupported python: ".
base::Expected<StateAssert, std::string> parse_state_assert(std::string_view code);

std::string_view to_string(AssertOp op);  // "==" / "!="

}  // namespace synack::script
