#pragma once
// Scripts that differ from synack on purpose (tests/conformance/expected.json).
//
//   { "expected": [ { "scripts": ["freebsd/portable/snd-syn/snd-syn-rtx-*-ipv4.pkt"],
//                     "reason": "synack doubles the RTO (RFC 6298); FreeBSD waits 2.2 s",
//                     "rfc": "RFC 6298 §5.5: ...",
//                     "failure": "sent at 3" } ] }
//
// `scripts` are shell-style patterns (fnmatch, `*` also crosses '/') matched against a
// script's key: its path relative to the conformance directory if it is inside it,
// else the path as given. `failure` (optional; a string or a list of alternatives) is a
// substring the failure message must contain, so a script failing for another reason is
// not excused. A listed script that
// fails is XFAIL; one that passes is XPASS, which fails the run so the list stays honest.
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"

namespace synack::pdrill {

struct Expectation {
  std::vector<std::string> scripts;
  std::string reason;
  std::string rfc;
  // Substrings of the failure message (or of what synack did), any of which excuses the
  // failure; empty: any failure. JSON: "failure": "text" or ["text", ...].
  std::vector<std::string> failures;
  bool excuses(const std::string& message, const std::string& actual) const;
};

// The same file shape, under another key, annotates failures with their analysed cause
// (tests/conformance/failure-causes.json, key "causes"): it only groups FAILs in the
// report and never changes a script's status.
class Expectations {
 public:
  static base::Expected<Expectations, std::string> load(const std::string& path,
                                                        const std::string& key = "expected");
  static base::Expected<Expectations, std::string> parse(const std::string& json_text,
                                                         const std::string& key = "expected");

  // The entry covering this script key, if any.
  const Expectation* find(const std::string& key) const;
  const std::vector<Expectation>& entries() const { return entries_; }

 private:
  std::vector<Expectation> entries_;
};

}  // namespace synack::pdrill
