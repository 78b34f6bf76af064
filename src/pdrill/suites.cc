#include "pdrill/suites.h"

#include <filesystem>

namespace synack::pdrill {

std::vector<SuiteSpec> standard_suites() {
  RunnerOptions nplab;
  nplab.tolerance_percent = 5.0;
  nplab.recv_buffer = 65536;
  nplab.quick_acks = 0;
  nplab.keepalive_probes = 8;
  const std::string fb =
      "--tolerance_percent 5 (nplab's, the tool the FreeBSD suite was written for); --recv-buffer 65536 "
      "--quick-acks 0 --keepalive-probes 8 (FreeBSD's defaults: the scripts set recvspace=65536; no "
      "quick-ACK start; net.inet.tcp.keepcnt=8)";
  RunnerOptions pd;
  pd.relax_options = true;
  pd.defines = {{"TFO_COOKIE", "3021b9d889017eeb"}, {"CODE", "host_unreachable"}};
  return {
      {"freebsd/portable/state-event-engine", nplab, fb, true},
      {"freebsd/portable/rcv-data-segments", nplab, fb, false},
      {"freebsd/portable/snd-syn", nplab, fb, false},
      {"freebsd/portable/socket-api", nplab, fb, false},
      {"packetdrill", pd,
       "--tolerance_percent 12.5 (packetdrill's); outbound option lists compared as <...> (Linux layouts, "
       "wscale 8; as gVisor runs them); -D TFO_COOKIE=3021b9d889017eeb -D CODE=host_unreachable (run_all.py)",
       false},
  };
}

base::Expected<std::vector<SuiteResult>, std::string> run_standard_suites(
    const std::vector<SuiteSpec>& specs, const std::string& root, const Expectations* expected) {
  std::vector<SuiteResult> out;
  for (const SuiteSpec& spec : specs) {
    std::string dir = (std::filesystem::path(root) / spec.name).string();
    auto files = expand_paths({dir});
    if (!files) return base::Unexpected(files.error());
    SuiteOptions o;
    o.runner = spec.runner;
    o.expected = expected;
    o.conformance_root = root;
    out.push_back(run_suite(spec.name, *files, o));
  }
  return out;
}

}  // namespace synack::pdrill
