#include "script/code.h"

#include <array>
#include <cctype>

namespace synack::script {
namespace {

constexpr std::array<std::string_view, 13> kLinuxStates = {
    "TCP_ESTABLISHED", "TCP_SYN_SENT",     "TCP_SYN_RECV",      "TCP_FIN_WAIT1", "TCP_FIN_WAIT2",
    "TCP_TIME_WAIT",   "TCP_CLOSE",        "TCP_CLOSE_WAIT",    "TCP_LAST_ACK",  "TCP_LISTEN",
    "TCP_CLOSING",     "TCP_NEW_SYN_RECV", "TCP_BOUND_INACTIVE"};

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A tiny cursor over the code text.
struct Cursor {
  std::string_view s;
  size_t i = 0;

  void skip_space() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  bool eat(std::string_view w) {
    skip_space();
    if (s.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  }
  std::string_view ident() {
    skip_space();
    size_t b = i;
    while (i < s.size() && is_ident_char(s[i])) ++i;
    return s.substr(b, i - b);
  }
  bool at_end() {
    skip_space();
    return i == s.size();
  }
};

base::Unexpected<std::string> unsupported(std::string_view code, std::string_view why) {
  std::string flat;
  for (char c : code) flat += (c == '\n' || c == '\t') ? ' ' : c;
  return base::Unexpected("unsupported python: " + std::string(why) + " in '" + flat + "'");
}

}  // namespace

base::Expected<StateAssert, std::string> parse_state_assert(std::string_view code) {
  Cursor c{code};
  StateAssert a;
  if (c.ident() != "assert" || c.ident() != "tcpi_state") {
    return unsupported(code, "only 'assert tcpi_state == TCP_X' (or !=) is supported");
  }
  if (c.eat("==")) {
    a.op = AssertOp::Equal;
  } else if (c.eat("!=")) {
    a.op = AssertOp::NotEqual;
  } else {
    return unsupported(code, "expected == or != after tcpi_state");
  }
  a.state = std::string(c.ident());
  bool known = false;
  for (std::string_view s : kLinuxStates) known = known || s == a.state;
  if (!known) return unsupported(code, "unknown state name '" + a.state + "'");
  if (c.eat(",")) {  // the assertion message: evaluated only on failure, so any simple operand
    std::string_view msg = c.ident();
    if (msg.empty()) return unsupported(code, "expected a name after ','");
  }
  c.eat(";");
  if (!c.at_end()) return unsupported(code, "more than one statement");
  return a;
}

std::string_view to_string(AssertOp op) {
  switch (op) {
    case AssertOp::Equal: return "==";
    case AssertOp::NotEqual: return "!=";
  }
  return "?";
}

}  // namespace synack::script
