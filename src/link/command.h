#pragma once
// run_command: run a program (no shell) and wait for it, bounded in time. Used
// to configure devices and namespaces with iproute2. The arguments go to
// execvp one by one, so nothing in them is ever interpreted by a shell.
#include <string>
#include <vector>

#include "base/expected.h"
#include "base/time.h"

namespace synack::link {

// Runs argv[0] (looked up in PATH, then /usr/sbin and /sbin) with argv. Success
// when it exits 0 within `timeout`; otherwise a message with its stderr.
base::Expected<void, std::string> run_command(const std::vector<std::string>& argv,
                                              base::Duration timeout = base::Duration::seconds(10));

}  // namespace synack::link
