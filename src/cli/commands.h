#pragma once
// The synack command line: one file per subcommand, each registering itself
// here. A subcommand's callback returns the process exit code:
//   0 success, 1 the job failed (e.g. data mismatch, connection refused),
//   2 bad arguments or unusable input (missing file, bad address).
#include <CLI/CLI.hpp>

#include <functional>

namespace synack::cli {

// Set by a subcommand's callback; main() returns it.
struct ExitCode {
  int value = 0;
};

using Register = void (*)(CLI::App& app, ExitCode& exit_code);

// Implemented in the subcommand files. A subcommand that does not exist yet is
// simply not listed here.
void register_demo(CLI::App& app, ExitCode& exit_code);
void register_serve(CLI::App& app, ExitCode& exit_code);    // serve.cc: a server on a TUN device
void register_connect(CLI::App& app, ExitCode& exit_code);  // connect.cc: a client on a TUN device
void register_script(CLI::App& app, ExitCode& exit_code);   // script.cc: packetdrill-dialect scripts
void register_conformance(CLI::App& app, ExitCode& exit_code);  // conformance.cc: docs/conformance.md
void register_bench(CLI::App& app, ExitCode& exit_code);   // bench.cc: benchmarks (RESULT lines)

}  // namespace synack::cli
