#pragma once
// Run a packetdrill-dialect script against a fresh synack Stack on a virtual clock.
//
// The script is the remote end: `<` lines are built and handed to Stack::on_packet,
// `>` lines are matched against what the stack sends (packetdrill's rules, dialect
// §1.5), system calls go through a socket layer onto the Stack API, and
// `%{ assert tcpi_state ... }%` reads the socket under test's TCB. Between events the
// clock jumps from timer to timer, so TIME-WAIT's 60 s cost nothing.
//
// Differences from packetdrill, on purpose:
//   - virtual time: no scheduling noise, so "actual" times are exact;
//   - tcpi_state is read from the connection itself (also before accept() returns it);
//   - no shell: backquoted commands are refused unless known to be no-ops for synack;
//   - RFC 5961 switches: --insecure_rst / --insecure_syn (FreeBSD sysctls, portable.py).
#include <string>

#include "pdrill/outcome.h"
#include "pdrill/run_config.h"
#include "script/script.h"

namespace synack::pdrill {

Outcome run_script(const script::Script& s, const RunnerOptions& opts);
// Parse then run; a parse error is a FAIL that names the line.
Outcome run_file(const std::string& path, const RunnerOptions& opts);

}  // namespace synack::pdrill
