#pragma once
// JUnit XML for CI: one <testsuite> per suite, one <testcase> per script. FAIL and XPASS
// are <failure>s, UNSUPPORTED and XFAIL are <skipped> with the reason.
#include <string>
#include <vector>

#include "pdrill/suite.h"

namespace synack::pdrill {

std::string junit_xml(const std::vector<SuiteResult>& suites);

}  // namespace synack::pdrill
