// `synack script FILE.pkt|DIR...`: run packetdrill-dialect scripts against synack on a
// virtual clock (src/pdrill). One line per script (PASS, FAIL, XFAIL, XPASS,
// UNSUPPORTED), details and the run's ladder for failures, then a summary. Exit code 1
// if any script failed (or passed although listed as an expected difference).
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "pdrill/conformance_dir.h"
#include "pdrill/expectations.h"
#include "pdrill/junit.h"
#include "pdrill/suite.h"

namespace synack::cli {
namespace {

struct ScriptArgs {
  std::vector<std::string> paths;
  std::string suite;
  std::string expected;
  std::string junit;
  bool verbose = false;
  bool fail_unsupported = false;
  bool relax_options = false;
  bool in_conformance = false;
  double tolerance_percent = -1;
  std::vector<std::string> defines;
  uint64_t seed = 1;
  int64_t recv_buffer = -1;
  int quick_acks = -1;
  int keepalive_probes = -1;
};

int run(const ScriptArgs& a) {
  pdrill::ConformanceDir conf = pdrill::find_conformance_dir();
  std::vector<std::string> paths = a.paths;
  if (a.in_conformance) {
    if (conf.dir.empty()) {
      std::fprintf(stderr, "synack script: the shared conformance scripts were not found; looked in:\n%s",
                   conf.looked.c_str());
      return 2;
    }
    for (std::string& p : paths) p = conf.dir + "/" + p;
  }
  auto files = pdrill::expand_paths(paths);
  if (!files) {
    std::fprintf(stderr, "synack script: %s\n", files.error().c_str());
    return 2;
  }
  std::unique_ptr<pdrill::Expectations> expected;
  if (!a.expected.empty()) {
    auto e = pdrill::Expectations::load(a.expected);
    if (!e) {
      std::fprintf(stderr, "synack script: %s\n", e.error().c_str());
      return 2;
    }
    expected = std::make_unique<pdrill::Expectations>(std::move(*e));
  }
  pdrill::SuiteOptions o;
  o.runner.relax_options = a.relax_options;
  o.runner.seed = a.seed;
  if (a.tolerance_percent >= 0) o.runner.tolerance_percent = a.tolerance_percent;
  if (a.recv_buffer >= 0) o.runner.recv_buffer = static_cast<uint32_t>(a.recv_buffer);
  if (a.quick_acks >= 0) o.runner.quick_acks = static_cast<uint8_t>(a.quick_acks);
  if (a.keepalive_probes >= 0) o.runner.keepalive_probes = static_cast<uint8_t>(a.keepalive_probes);
  for (const std::string& d : a.defines) {
    size_t eq = d.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "synack script: -D needs SYMBOL=value, got '%s'\n", d.c_str());
      return 2;
    }
    o.runner.defines.emplace_back(d.substr(0, eq), d.substr(eq + 1));
  }
  o.expected = expected.get();
  o.conformance_root = conf.dir;
  pdrill::SuiteResult s = pdrill::run_suite(a.suite, *files, o);
  for (const pdrill::ScriptResult& r : s.scripts) {
    std::printf("%s\n", pdrill::result_line(r).c_str());
    bool failed = r.status == pdrill::Status::Fail || r.status == pdrill::Status::XPass;
    if (failed || a.verbose) std::printf("%s", pdrill::result_details(r, true).c_str());
  }
  std::printf("%s\n", pdrill::summary_line(s).c_str());
  if (!a.junit.empty()) {
    std::ofstream out(a.junit);
    out << pdrill::junit_xml({s});
    if (!out) {
      std::fprintf(stderr, "synack script: cannot write %s\n", a.junit.c_str());
      return 2;
    }
  }
  return s.ok(a.fail_unsupported) ? 0 : 1;
}

}  // namespace

void register_script(CLI::App& app, ExitCode& exit_code) {
  auto args = std::make_shared<ScriptArgs>();
  CLI::App* cmd = app.add_subcommand("script", "Run packetdrill-dialect scripts against synack (virtual clock)");
  cmd->add_option("paths", args->paths, "Script files, or directories searched for *.pkt")->required();
  cmd->add_option("--suite", args->suite, "Suite name for the summary and the JUnit report");
  cmd->add_option("--expected", args->expected,
                  "JSON list of scripts that differ on purpose (XFAIL; XPASS fails the run)");
  cmd->add_option("--junit", args->junit, "Write a JUnit XML report to this file");
  cmd->add_flag("-v,--verbose", args->verbose, "Show the ladder of every run, not only of failures");
  cmd->add_flag("-C,--conformance", args->in_conformance,
                "Paths are relative to the shared conformance directory ($SYNACK_CONFORMANCE_DIR, "
                "else ../shared/conformance, else /work/shared/conformance)");
  cmd->add_flag("--fail-unsupported", args->fail_unsupported, "Count UNSUPPORTED scripts as failures");
  cmd->add_flag("--relax-options", args->relax_options,
                "Compare outbound option lists as <...> (for Linux-specific layouts)");
  cmd->add_option("--tolerance-percent", args->tolerance_percent,
                  "Default --tolerance_percent (packetdrill 12.5; nplab/FreeBSD 5)");
  cmd->add_option("--recv-buffer", args->recv_buffer,
                  "Receive buffer of the stack under test, bytes (FreeBSD suite: 65536)")
      ->check(CLI::Range(int64_t{1024}, int64_t{1} << 30));
  cmd->add_option("--quick-acks", args->quick_acks,
                  "Data segments ACKed at once at a connection's start (FreeBSD suite: 0)")
      ->check(CLI::Range(0, 255));
  cmd->add_option("--keepalive-probes", args->keepalive_probes,
                  "Unanswered keep-alive probes before a connection times out (FreeBSD suite: 8)")
      ->check(CLI::Range(1, 127));
  cmd->add_option("--seed", args->seed, "Seed for ISNs and ports");
  cmd->add_option("-D,--define", args->defines, "SYMBOL=value for the scripts (as packetdrill's -D)");
  cmd->callback([args, &exit_code] { exit_code.value = run(*args); });
}

}  // namespace synack::cli
