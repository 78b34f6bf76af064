#pragma once
// Where the shared conformance scripts are: $SYNACK_CONFORMANCE_DIR if set (and then
// only it, so a wrong setting is not masked), else ${PROJECT_SOURCE_DIR}/../shared/conformance
// (fixed at build time), else /work/shared/conformance.
#include <string>

namespace synack::pdrill {

struct ConformanceDir {
  std::string dir;     // empty if not found
  std::string looked;  // every place tried, one per line, for the error message
};

ConformanceDir find_conformance_dir();

}  // namespace synack::pdrill
