#pragma once
// A run's settings: packetdrill defaults, then the script's `--name=value` option
// lines, then the command line's overrides. Option lines the runner does not honour
// make the script UNSUPPORTED (never silently ignored).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/expected.h"
#include "pdrill/sut.h"
#include "pdrill/timing.h"
#include "script/script.h"
#include "stack/stack.h"

namespace synack::pdrill {

// What the command line may override for every script of a run.
struct RunnerOptions {
  // Default --tolerance_percent (a script line still wins): nplab, the FreeBSD suite's tool,
  // uses 5; packetdrill 12.5.
  std::optional<double> tolerance_percent;
  bool relax_options = false;               // outbound option lists compared as `<...>`
  uint64_t seed = 1;                        // ISN and port hashing
  // -D SYMBOL=value definitions for the parser (run_all.py passes TFO_COOKIE and CODE).
  std::vector<std::pair<std::string, std::string>> defines;
  // The system under test's defaults where synack has the same knob: the
  // FreeBSD suite's scripts set net.inet.tcp.recvspace=65536 in their
  // prologue, and FreeBSD has no quick-ACK start.
  std::optional<uint32_t> recv_buffer;
  std::optional<uint8_t> quick_acks;
  std::optional<uint8_t> keepalive_probes;  // FreeBSD's net.inet.tcp.keepcnt is 8, Linux's 9
};

struct RunConfig {
  Tolerance tolerance;
  uint16_t mtu = 1500;
  bool strict_segments = false;
  uint32_t ts_tick_usecs = 0;  // --tcp_ts_tick_usecs: check outbound TSval at this rate (0: off)
  uint32_t inbound_mss = 0;  // --mss: inbound packets are GSO aggregates of this size (0: off)
  bool relax_options = false;
  SocketEnv env;
  bool insecure_rst = false;  // RFC 793 RST handling instead of RFC 5961 §3
  bool insecure_syn = false;  // RFC 793 SYN handling instead of RFC 5961 §4
  bool drop_synfin = false;
  uint64_t seed = 1;
  std::optional<uint32_t> recv_buffer;
  std::optional<uint8_t> quick_acks;
  std::optional<uint8_t> keepalive_probes;
  // ECN (RFC 3168): on for a script that expects ECN bits from synack (what
  // its net.inet.tcp.ecn.enable=1 or net.ipv4.tcp_ecn=1 set up), with the
  // SYN retries of a net.inet.tcp.ecn.maxretries line it depends on.
  bool ecn = false;
  std::optional<uint8_t> ecn_syn_retries;

  stack::StackConfig stack_config() const;
};

// Errors list every option line that cannot be honoured ("--tcp_ts_tick_usecs=1000: ...").
base::Expected<RunConfig, std::string> make_config(const script::Script& s, const RunnerOptions& o);

}  // namespace synack::pdrill
