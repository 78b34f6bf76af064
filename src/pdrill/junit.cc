#include "pdrill/junit.h"

#include <fmt/format.h>

namespace synack::pdrill {
namespace {

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') o += ' ';
        else o += c;
    }
  }
  return o;
}

std::string suite_name(const SuiteResult& s) { return s.name.empty() ? "synack-script" : s.name; }

std::string testcase(const SuiteResult& s, const ScriptResult& r) {
  std::string x = fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\">\n", esc(suite_name(s)),
                              esc(r.key), r.wall_seconds);
  std::string details = result_details(r, true);
  switch (r.status) {
    case Status::Pass: break;
    case Status::Fail:
      x += fmt::format("      <failure message=\"{}\">{}</failure>\n", esc(r.outcome.message), esc(details));
      break;
    case Status::XPass:
      x += fmt::format("      <failure message=\"{}\"/>\n",
                       esc("passes but is listed as an expected difference: " + r.expectation->reason));
      break;
    case Status::XFail:
      x += fmt::format("      <skipped message=\"{}\"/>\n", esc("expected difference: " + r.expectation->reason));
      break;
    case Status::Unsupported:
      x += fmt::format("      <skipped message=\"{}\"/>\n", esc("unsupported: " + r.outcome.message));
      break;
  }
  return x + "    </testcase>\n";
}

}  // namespace

std::string junit_xml(const std::vector<SuiteResult>& suites) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (const SuiteResult& s : suites) {
    Counts c = s.counts();
    double t = 0;
    for (const ScriptResult& r : s.scripts) t += r.wall_seconds;
    x += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n",
                     esc(suite_name(s)), c.total(), c.fail + c.xpass, c.xfail + c.unsupported, t);
    for (const ScriptResult& r : s.scripts) x += testcase(s, r);
    x += "  </testsuite>\n";
  }
  return x + "</testsuites>\n";
}

}  // namespace synack::pdrill
