#pragma once
// docs/conformance.md: per-suite counts, FreeBSD's state x segment matrix, failures
// grouped by their analysed cause, the deliberate differences with the RFC text that
// justifies each, and what is unsupported.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pdrill/expectations.h"
#include "pdrill/suite.h"
#include "pdrill/suites.h"

namespace synack::pdrill {

// "rcv-syn-fin-time-wait" -> {"syn-fin", "time-wait"}; nullopt if not a known cell.
std::optional<std::pair<std::string, std::string>> parse_cell_dir(std::string_view dir);

// The matrix in markdown: rows = states, columns = segment kinds, cells "p/n" with the
// other outcomes counted (F fail, X xfail, U unsupported, XP xpass).
std::string render_matrix(const SuiteResult& s);

struct ReportInput {
  std::vector<SuiteSpec> specs;
  std::vector<SuiteResult> suites;  // in the order of specs
  const Expectations* expected = nullptr;
  const Expectations* causes = nullptr;
  std::string command;  // how the report was made
};

std::string render_report(const ReportInput& in);

}  // namespace synack::pdrill
