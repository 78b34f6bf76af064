#include "script/code.h"

#include <array>
#include <cctype>
#include <charconv>
#include <optional>

namespace synack::script {
namespace {

constexpr std::array<std::string_view, 13> kLinuxStates = {
    "TCP_ESTABLISHED", "TCP_SYN_SENT",     "TCP_SYN_RECV",      "TCP_FIN_WAIT1", "TCP_FIN_WAIT2",
    "TCP_TIME_WAIT",   "TCP_CLOSE",        "TCP_CLOSE_WAIT",    "TCP_LAST_ACK",  "TCP_LISTEN",
    "TCP_CLOSING",     "TCP_NEW_SYN_RECV", "TCP_BOUND_INACTIVE"};

constexpr std::array<std::string_view, 18> kFields = {
    "tcpi_state",      "tcpi_snd_mss",      "tcpi_advmss",      "tcpi_rtt",          "tcpi_rttvar",
    "tcpi_rto",        "tcpi_snd_cwnd",     "tcpi_snd_ssthresh", "tcpi_retransmits", "tcpi_backoff",
    "tcpi_probes",     "tcpi_total_retrans", "tcpi_snd_wscale",  "tcpi_rcv_wscale",  "tcpi_options",
    "tcpi_busy_time",  "tcpi_rwnd_limited",  "tcpi_sndbuf_limited"};

// The TCPI_OPT_ names of the bits of tcpi_options.
struct NamedConstant {
  std::string_view name;
  int64_t value;
};
constexpr std::array<NamedConstant, 7> kConstants = {{{"TCPI_OPT_TIMESTAMPS", tcpi_opt::kTimestamps},
                                                      {"TCPI_OPT_SACK", tcpi_opt::kSack},
                                                      {"TCPI_OPT_WSCALE", tcpi_opt::kWscale},
                                                      {"TCPI_OPT_ECN", tcpi_opt::kEcn},
                                                      {"TCPI_OPT_ECN_SEEN", tcpi_opt::kEcnSeen},
                                                      {"TCPI_OPT_SYN_DATA", tcpi_opt::kSynData},
                                                      {"TCPI_OPT_USEC_TS", tcpi_opt::kUsecTs}}};

// A decimal number or a TCPI_OPT_ name, else nothing.
std::optional<int64_t> number_or_constant(std::string_view t) {
  for (const NamedConstant& k : kConstants) {
    if (k.name == t) return k.value;
  }
  int64_t v = 0;
  if (t.empty() || !std::isdigit(static_cast<unsigned char>(t[0]))) return std::nullopt;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
  return v;
}

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A tiny cursor over one statement.
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
  std::string_view token() {
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

std::optional<AssertOp> eat_op(Cursor& c) {
  // Two-character operators first.
  if (c.eat("==")) return AssertOp::Equal;
  if (c.eat("!=")) return AssertOp::NotEqual;
  if (c.eat("<=")) return AssertOp::LessEqual;
  if (c.eat(">=")) return AssertOp::GreaterEqual;
  if (c.eat("<")) return AssertOp::Less;
  if (c.eat(">")) return AssertOp::Greater;
  return std::nullopt;
}

// Statements: split at ';' and at new lines not escaped by a backslash.
std::vector<std::string> statements(std::string_view code) {
  std::vector<std::string> out(1);
  for (size_t i = 0; i < code.size(); ++i) {
    char ch = code[i];
    if (ch == '\\' && i + 1 < code.size() && code[i + 1] == '\n') {
      out.back() += ' ';
      ++i;
    } else if (ch == ';' || ch == '\n') {
      out.emplace_back();
    } else {
      out.back() += ch;
    }
  }
  return out;
}

}  // namespace

bool is_known_tcpi_field(std::string_view name) {
  for (std::string_view f : kFields) {
    if (f == name) return true;
  }
  return false;
}

base::Expected<std::vector<Assertion>, std::string> parse_assertions(std::string_view code) {
  std::vector<Assertion> out;
  for (const std::string& st : statements(code)) {
    Cursor c{st};
    if (c.at_end()) continue;
    if (c.token() != "assert") return unsupported(code, "only assert statements are supported");
    Assertion a;
    for (;;) {
      c.skip_space();
      Operand o;
      std::string_view t;
      if (c.eat("(")) {
        // A constant expression: numbers and TCPI_OPT_ names joined by '|'.
        for (;;) {
          std::string_view k = c.token();
          auto v = number_or_constant(k);
          if (!v) return unsupported(code, "expected a number or a TCPI_OPT_ name in '(...)', not '" + std::string(k) + "'");
          o.number |= *v;
          if (c.eat(")")) break;
          if (!c.eat("|")) return unsupported(code, "only '|' joins constants in '(...)'");
        }
      } else if ((t = c.token()).empty()) {
        return unsupported(code, "expected a tcpi_ field, a number or a state name");
      } else if (auto v = number_or_constant(t)) {
        o.number = *v;
      } else if (std::isdigit(static_cast<unsigned char>(t[0]))) {
        return unsupported(code, "bad number '" + std::string(t) + "'");
      } else if (t.substr(0, 5) == "tcpi_") {
        if (!is_known_tcpi_field(t)) return unsupported(code, std::string(t) + " is not available");
        o.kind = Operand::Kind::Field;
        o.name = std::string(t);
      } else if (t.substr(0, 4) == "TCP_") {
        bool known = false;
        for (std::string_view s : kLinuxStates) known = known || s == t;
        if (!known) return unsupported(code, "unknown state name '" + std::string(t) + "'");
        o.kind = Operand::Kind::State;
        o.name = std::string(t);
      } else {
        return unsupported(code, "expected a tcpi_ field, a number or a state name, not '" + std::string(t) + "'");
      }
      a.operands.push_back(std::move(o));
      auto op = eat_op(c);
      if (!op) break;
      a.ops.push_back(*op);
    }
    if (a.ops.empty()) return unsupported(code, "an assert needs a comparison");
    if (c.eat(",")) {  // the assertion message: evaluated only on failure, so any simple operand
      if (c.token().empty()) return unsupported(code, "expected a name after ','");
    }
    if (!c.at_end()) return unsupported(code, "more than a comparison in an assert");
    // States compare only with tcpi_state, and only for (in)equality.
    for (size_t k = 0; k < a.ops.size(); ++k) {
      const Operand& l = a.operands[k];
      const Operand& r = a.operands[k + 1];
      bool state_l = l.kind == Operand::Kind::State || l.name == "tcpi_state";
      bool state_r = r.kind == Operand::Kind::State || r.name == "tcpi_state";
      if (state_l != state_r) return unsupported(code, "tcpi_state compares only with a state name");
      if (state_l && a.ops[k] != AssertOp::Equal && a.ops[k] != AssertOp::NotEqual) {
        return unsupported(code, "states compare only with == or !=");
      }
    }
    out.push_back(std::move(a));
  }
  if (out.empty()) return unsupported(code, "no assert statement");
  return out;
}

std::string_view to_string(AssertOp op) {
  switch (op) {
    case AssertOp::Equal: return "==";
    case AssertOp::NotEqual: return "!=";
    case AssertOp::Less: return "<";
    case AssertOp::LessEqual: return "<=";
    case AssertOp::Greater: return ">";
    case AssertOp::GreaterEqual: return ">=";
  }
  return "?";
}

std::string to_string(const Operand& o) {
  return o.kind == Operand::Kind::Number ? std::to_string(o.number) : o.name;
}

}  // namespace synack::script
