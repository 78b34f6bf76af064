#pragma once
// The conformance suites of the report (docs/conformance.md), with the runner settings
// each one is run with, and how to run them all from the shared conformance directory.
#include <string>
#include <vector>

#include "pdrill/expectations.h"
#include "pdrill/run_config.h"
#include "pdrill/suite.h"

namespace synack::pdrill {

struct SuiteSpec {
  std::string name;      // also the directory under the conformance root
  RunnerOptions runner;
  std::string settings;  // what is special about the run, for the report
  bool matrix = false;   // state-event-engine: draw the state x segment matrix
};

// freebsd/portable/{state-event-engine, rcv-data-segments, snd-syn, socket-api} run as
// nplab would (5 % tolerance); packetdrill/ with run_all.py's -D definitions and outbound
// option lists relaxed to <...> (its MANIFEST: Linux layouts and wscale 8).
std::vector<SuiteSpec> standard_suites();

// Runs each suite's directory under `root`. Errors name a missing directory.
base::Expected<std::vector<SuiteResult>, std::string> run_standard_suites(
    const std::vector<SuiteSpec>& specs, const std::string& root, const Expectations* expected);

}  // namespace synack::pdrill
