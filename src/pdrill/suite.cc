#include "pdrill/suite.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "pdrill/runner.h"
#include "script/printer.h"

namespace synack::pdrill {

namespace fs = std::filesystem;

std::string_view to_string(Status s) {
  switch (s) {
    case Status::Pass: return "PASS";
    case Status::Fail: return "FAIL";
    case Status::XFail: return "XFAIL";
    case Status::XPass: return "XPASS";
    case Status::Unsupported: return "UNSUPPORTED";
  }
  return "?";
}

Counts SuiteResult::counts() const {
  Counts c;
  for (const ScriptResult& r : scripts) {
    switch (r.status) {
      case Status::Pass: ++c.pass; break;
      case Status::Fail: ++c.fail; break;
      case Status::XFail: ++c.xfail; break;
      case Status::XPass: ++c.xpass; break;
      case Status::Unsupported: ++c.unsupported; break;
    }
  }
  return c;
}

bool SuiteResult::ok(bool unsupported_fails) const {
  Counts c = counts();
  return c.fail == 0 && c.xpass == 0 && (!unsupported_fails || c.unsupported == 0);
}

base::Expected<std::vector<std::string>, std::string> expand_paths(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const std::string& a : args) {
    std::error_code ec;
    if (fs::is_directory(a, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::recursive_directory_iterator(a, ec)) {
        if (e.is_regular_file() && e.path().extension() == ".pkt") found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(a, ec)) {
      out.push_back(a);
    } else {
      return base::Unexpected("no such file or directory: " + a);
    }
  }
  return out;
}

std::string script_key(const std::string& path, const std::string& root) {
  if (root.empty()) return path;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec);
  fs::path r = fs::weakly_canonical(root, ec);
  std::string ps = p.string();
  std::string rs = r.string() + "/";
  if (ps.rfind(rs, 0) == 0) return ps.substr(rs.size());
  return path;
}

Status classify(const Outcome& o, const Expectation* x) {
  switch (o.verdict) {
    case Verdict::Unsupported: return Status::Unsupported;
    case Verdict::Pass: return x ? Status::XPass : Status::Pass;
    case Verdict::Fail:
      if (!x) return Status::Fail;
      return x->excuses(o.message, o.actual) ? Status::XFail : Status::Fail;  // else: another reason
  }
  return Status::Fail;
}

SuiteResult run_suite(const std::string& name, const std::vector<std::string>& files, const SuiteOptions& opts) {
  SuiteResult s;
  s.name = name;
  for (const std::string& f : files) {
    ScriptResult r;
    r.path = f;
    r.key = script_key(f, opts.conformance_root);
    auto t0 = std::chrono::steady_clock::now();
    r.outcome = run_file(f, opts.runner);
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.expectation = opts.expected ? opts.expected->find(r.key) : nullptr;
    r.status = classify(r.outcome, r.expectation);
    s.scripts.push_back(std::move(r));
  }
  return s;
}

std::string result_line(const ScriptResult& r) {
  std::string line = fmt::format("{:<12} {}", to_string(r.status), r.key);
  const Outcome& o = r.outcome;
  switch (r.status) {
    case Status::Pass: break;
    case Status::Fail:
    case Status::Unsupported:
      if (o.line) line += ":" + std::to_string(o.line);
      line += "  " + o.message;
      break;
    case Status::XFail: line += "  (expected: " + r.expectation->reason + ")"; break;
    case Status::XPass:
      line += "  listed in the expected differences (" + r.expectation->reason +
              ") but passes: remove the entry";
      break;
  }
  return line;
}

std::string result_details(const ScriptResult& r, bool ladder) {
  const Outcome& o = r.outcome;
  std::string d;
  if (r.status == Status::Fail || r.status == Status::XFail) {
    if (!o.event.empty()) d += "    script line " + std::to_string(o.line) + ": " + o.event + "\n";
    if (!o.expected.empty()) d += "    expected: " + o.expected + "\n";
    if (!o.actual.empty()) d += "    synack:   " + o.actual + "\n";
  }
  for (const std::string& n : o.notes) d += "    note: " + n + "\n";
  if (ladder && !o.ladder.empty()) {
    d += "    ladder (an arrow ending in X was not taken by the script):\n";
    for (const std::string& l : o.ladder) d += "      " + l + "\n";
  }
  if (ladder && !o.log.empty()) {
    d += "    run (virtual time, s):\n";
    for (const std::string& l : o.log) d += "      " + l + "\n";
  }
  return d;
}

std::string summary_line(const SuiteResult& s) {
  Counts c = s.counts();
  std::string name = s.name.empty() ? "" : s.name + ": ";
  return fmt::format("{}{} scripts: {} pass, {} fail, {} xfail, {} xpass, {} unsupported", name, c.total(),
                     c.pass, c.fail, c.xfail, c.xpass, c.unsupported);
}

}  // namespace synack::pdrill
