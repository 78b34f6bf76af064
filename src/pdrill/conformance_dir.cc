#include "pdrill/conformance_dir.h"

#include <cstdlib>
#include <filesystem>
#include <utility>

#ifndef SYNACK_DEFAULT_CONFORMANCE_DIR
#define SYNACK_DEFAULT_CONFORMANCE_DIR ""
#endif

namespace synack::pdrill {
namespace {
bool has_corpus(const std::string& p) {
  std::error_code ec;
  return !p.empty() && std::filesystem::is_directory(std::filesystem::path(p) / "freebsd" / "portable", ec);
}
}  // namespace

ConformanceDir find_conformance_dir() {
  ConformanceDir out;
  if (const char* env = std::getenv("SYNACK_CONFORMANCE_DIR"); env != nullptr && *env != '\0') {
    out.looked = std::string("  ") + env + " (from $SYNACK_CONFORMANCE_DIR)\n";
    if (has_corpus(env)) out.dir = env;
    return out;
  }
  const std::pair<const char*, const char*> candidates[] = {
      {SYNACK_DEFAULT_CONFORMANCE_DIR, "${PROJECT_SOURCE_DIR}/../shared/conformance"},
      {"/work/shared/conformance", "fallback"}};
  for (const auto& [path, what] : candidates) {
    out.looked += std::string("  ") + path + " (" + what + ")\n";
    if (has_corpus(path)) {
      out.dir = std::filesystem::weakly_canonical(path).string();
      return out;
    }
  }
  return out;
}

}  // namespace synack::pdrill
