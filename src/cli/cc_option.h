#pragma once
// --cc newreno|cubic: the congestion control option of `demo`, `serve` and
// `connect` (tcp::Config::congestion_control).
#include <string>

#include <CLI/CLI.hpp>

#include "tcp/config.h"

namespace synack::cli {

// The option, kept as its name so that a wrong one is refused naming both
// choices; `what` begins the help text, in the command's own style.
inline CLI::Option* add_cc_option(CLI::App& cmd, std::string& cc, const std::string& what) {
  return cmd.add_option("--cc", cc, what + ": newreno (RFC 5681, 6582) or cubic (RFC 9438)")
      ->capture_default_str()
      ->check(CLI::IsMember({"newreno", "cubic"}));
}

inline tcp::CcAlgorithm cc_algorithm(const std::string& cc) {
  return cc == "cubic" ? tcp::CcAlgorithm::Cubic : tcp::CcAlgorithm::NewReno;
}

}  // namespace synack::cli
