#pragma once
// What the runner can run. Before a script starts, every construct it uses is checked;
// anything synack or the runner cannot honour makes the script UNSUPPORTED with the
// exact line and reason, so a script never passes by skipping something.
#include <optional>
#include <string>
#include <vector>

#include "script/script.h"

namespace synack::pdrill {

// A backquoted shell command the runner knows to be a no-op for synack (e.g. the
// google scripts' `../common/defaults.sh`, Linux sysctls): the note to print. nullopt
// if the command would have to run (then the script is UNSUPPORTED).
std::optional<std::string> known_noop_command(const std::string& text);

struct Unsupported {
  int line = 0;
  std::string what;
};

// Every unsupported construct of the script's events and commands (option lines are
// checked by make_config). `notes` receives the skipped no-op commands.
std::vector<Unsupported> check_support(const script::Script& s, std::vector<std::string>& notes);

}  // namespace synack::pdrill
