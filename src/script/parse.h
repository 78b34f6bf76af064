#pragma once
// Parse a packetdrill-dialect script into a Script (script.h). Nothing throws: every failure is a
// ParseError naming the file, line, column and the specific defect.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/expected.h"
#include "script/script.h"

namespace synack::script {

struct ParseError {
  std::string file;
  int line = 0;    // 1-based; 0 when the file could not be read
  int column = 0;  // 1-based byte column
  std::string message;

  // "file:line:column: message"
  std::string to_string() const;
};

std::ostream& operator<<(std::ostream& os, const ParseError& e);

struct ParseOptions {
  // Command-line `-D SYM=val` definitions (dialect §1.1): a WORD equal to SYM is replaced by the
  // tokens of `val` ("..." gives a string, `...` a command; no recursive expansion). A script's
  // own `-D`/`--define` line of the same name replaces the value from that line on.
  std::vector<std::pair<std::string, std::string>> defines;
};

base::Expected<Script, ParseError> parse_script(std::string_view text, std::string_view file_name,
                                                const ParseOptions& options = {});

// Reads the file and parses it; `Script::file` and errors carry `path`.
base::Expected<Script, ParseError> parse_script_file(const std::string& path,
                                                     const ParseOptions& options = {});

}  // namespace synack::script
