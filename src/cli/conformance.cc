// `synack conformance`: run the shared conformance suites (FreeBSD's portable
// tcp-testsuite and the curated packetdrill scripts) and write docs/conformance.md.
// The report is the product: the command succeeds whatever the results (CTest's
// conformance tests are the gate), and fails only if the scripts cannot be found.
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "pdrill/conformance_dir.h"
#include "pdrill/junit.h"
#include "pdrill/report.h"
#include "pdrill/suites.h"

namespace synack::cli {
namespace {

struct ConformanceArgs {
  std::string expected;
  std::string causes;
  std::string out;
  std::string junit;
};

std::unique_ptr<pdrill::Expectations> load(const std::string& path, const char* key, bool& ok) {
  if (path.empty()) return nullptr;
  auto e = pdrill::Expectations::load(path, key);
  if (!e) {
    std::fprintf(stderr, "synack conformance: %s\n", e.error().c_str());
    ok = false;
    return nullptr;
  }
  return std::make_unique<pdrill::Expectations>(std::move(*e));
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (out) return true;
  std::fprintf(stderr, "synack conformance: cannot write %s\n", path.c_str());
  return false;
}

int run(const ConformanceArgs& a) {
  pdrill::ConformanceDir conf = pdrill::find_conformance_dir();
  if (conf.dir.empty()) {
    std::fprintf(stderr, "synack conformance: the shared conformance scripts were not found; looked in:\n%s",
                 conf.looked.c_str());
    return 2;
  }
  bool ok = true;
  auto expected = load(a.expected, "expected", ok);
  auto causes = load(a.causes, "causes", ok);
  if (!ok) return 2;
  pdrill::ReportInput in;
  in.specs = pdrill::standard_suites();
  auto results = pdrill::run_standard_suites(in.specs, conf.dir, expected.get());
  if (!results) {
    std::fprintf(stderr, "synack conformance: %s\n", results.error().c_str());
    return 2;
  }
  in.suites = std::move(*results);
  in.expected = expected.get();
  in.causes = causes.get();
  in.command = "tests/conformance/report.sh";
  for (const pdrill::SuiteResult& s : in.suites) std::printf("%s\n", pdrill::summary_line(s).c_str());
  std::string md = pdrill::render_report(in);
  if (a.out.empty()) std::printf("%s", md.c_str());
  else if (!write_file(a.out, md)) return 2;
  if (!a.junit.empty() && !write_file(a.junit, pdrill::junit_xml(in.suites))) return 2;
  return 0;
}

}  // namespace

void register_conformance(CLI::App& app, ExitCode& exit_code) {
  auto args = std::make_shared<ConformanceArgs>();
  CLI::App* cmd = app.add_subcommand("conformance", "Run the shared conformance suites and write the report");
  cmd->add_option("--expected", args->expected, "Deliberate differences (tests/conformance/expected.json)");
  cmd->add_option("--causes", args->causes, "Failure analysis (tests/conformance/failure-causes.json)");
  cmd->add_option("-o,--out", args->out, "Write the markdown report here (default: standard output)");
  cmd->add_option("--junit", args->junit, "Also write a JUnit XML report");
  cmd->callback([args, &exit_code] { exit_code.value = run(*args); });
}

}  // namespace synack::cli
