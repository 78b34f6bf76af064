#pragma once
// `%{ ... }%` blocks hold Python that packetdrill runs against TCP_INFO snapshots (dialect §1.1).
// We run no Python: the runner understands the assertions scripts actually make about TCP_INFO,
// `assert <a> <op> <b> [<op> <c>] [, message]` statements separated by `;` or new lines, whose
// operands are tcpi_ fields, integers or (for tcpi_state) Linux state names, and reports
// anything else as unsupported.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace synack::script {

enum class AssertOp : uint8_t { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };

struct Operand {
  enum class Kind : uint8_t { Field, Number, State };
  Kind kind = Kind::Number;
  std::string name;    // Field: "tcpi_snd_cwnd"; State: "TCP_TIME_WAIT"
  int64_t number = 0;  // Number
  bool operator==(const Operand&) const = default;
};

// One assert statement: a chained comparison as Python reads it (a < b < c
// means a < b and b < c): operands.size() == ops.size() + 1.
struct Assertion {
  std::vector<Operand> operands;
  std::vector<AssertOp> ops;
  bool operator==(const Assertion&) const = default;
};

// The bits of tcpi_options, as Linux's <linux/tcp.h> numbers them (the
// TCPI_OPT_ names scripts compare with, and what the runner reports).
namespace tcpi_opt {
constexpr int64_t kTimestamps = 1, kSack = 2, kWscale = 4, kEcn = 8, kEcnSeen = 16, kSynData = 32, kUsecTs = 64;
}  // namespace tcpi_opt

// The tcpi_ fields the runner can evaluate (see pdrill/run_calls.cc).
bool is_known_tcpi_field(std::string_view name);

// Parses the assert statements of a %{ }% block. Field names must be known;
// state names must be Linux tcp_states names (TCP_ESTABLISHED ... TCP_CLOSING,
// TCP_NEW_SYN_RECV) and compared, with == or != only, to tcpi_state. Any other
// code gives an error message starting "unsupported python: ".
base::Expected<std::vector<Assertion>, std::string> parse_assertions(std::string_view code);

std::string_view to_string(AssertOp op);  // "==", "<=", ...
std::string to_string(const Operand& o);

}  // namespace synack::script
