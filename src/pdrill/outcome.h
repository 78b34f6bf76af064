#pragma once
// The result of running one script.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace synack::pdrill {

enum class Verdict : uint8_t {
  Pass,
  Fail,
  Unsupported,  // the script needs something synack or the runner does not have
};
std::string_view to_string(Verdict v);  // "PASS", "FAIL", "UNSUPPORTED"
inline std::ostream& operator<<(std::ostream& os, Verdict v) { return os << to_string(v); }

struct Outcome {
  Verdict verdict = Verdict::Pass;
  std::string file;
  int line = 0;           // the failing or unsupported line; 0 for the whole script
  std::string event;      // that line, as script text
  std::string message;    // one line: what went wrong, or what is unsupported
  std::string expected;   // FAIL: what the script wanted
  std::string actual;     // FAIL: what synack did
  std::vector<std::string> notes;   // e.g. skipped no-op commands
  std::vector<std::string> ladder;  // src/trace's ladder diagram of the run
  std::vector<std::string> log;     // the run in order: packets, states, drops, calls, notes
  int64_t virtual_usecs = 0;        // virtual time the run covered
};

}  // namespace synack::pdrill
