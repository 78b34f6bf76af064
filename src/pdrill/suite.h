#pragma once
// Running many scripts: expanding directories, applying the expected-differences list,
// and the one-line-per-script text report.
#include <string>
#include <vector>

#include "pdrill/expectations.h"
#include "pdrill/outcome.h"
#include "pdrill/run_config.h"

namespace synack::pdrill {

enum class Status : uint8_t {
  Pass,
  Fail,
  XFail,        // listed as a deliberate difference, and it fails
  XPass,        // listed, but passes: the list is out of date (fails the run)
  Unsupported,
};
std::string_view to_string(Status s);  // "PASS", "FAIL", "XFAIL", "XPASS", "UNSUPPORTED"

struct ScriptResult {
  std::string path;  // as run
  std::string key;   // relative to the conformance directory when inside it
  Outcome outcome;
  Status status = Status::Pass;
  const Expectation* expectation = nullptr;
  double wall_seconds = 0;
};

struct Counts {
  int pass = 0, fail = 0, xfail = 0, xpass = 0, unsupported = 0;
  int total() const { return pass + fail + xfail + xpass + unsupported; }
};

struct SuiteResult {
  std::string name;
  std::vector<ScriptResult> scripts;
  Counts counts() const;
  // No FAIL and no XPASS (and, if asked, no UNSUPPORTED).
  bool ok(bool unsupported_fails = false) const;
};

struct SuiteOptions {
  RunnerOptions runner;
  const Expectations* expected = nullptr;
  std::string conformance_root;  // for script keys; may be empty
};

// Files as given; directories are searched recursively for *.pkt, in sorted order.
// Errors name a path that does not exist.
base::Expected<std::vector<std::string>, std::string> expand_paths(const std::vector<std::string>& args);

std::string script_key(const std::string& path, const std::string& root);
Status classify(const Outcome& o, const Expectation* x);
SuiteResult run_suite(const std::string& name, const std::vector<std::string>& files, const SuiteOptions& opts);

// "PASS         freebsd/portable/.../x.pkt"
std::string result_line(const ScriptResult& r);
// The failure detail (script line, expected, actual) and, if asked, the ladder.
std::string result_details(const ScriptResult& r, bool ladder);
// "307 scripts: 250 pass, 10 fail, 40 xfail, 0 xpass, 7 unsupported"
std::string summary_line(const SuiteResult& s);

}  // namespace synack::pdrill
