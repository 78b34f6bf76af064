#pragma once
// The lifecycle benchmark: N full connection lifecycles between two stacks in
// one process (BenchNet: both endpoints plus a copy of every packet on the
// wire), like the lwIP anchor's: handshake, B-byte request, B-byte response,
// the client closes first, the server closes after end of stream, final ACK.
// TIME-WAIT stays as the stack keeps it: compact records on the client, 2*MSL
// = 60 s on the virtual clock, which advances 1 us per packet, so every
// record of the run is still there at the end.
//
// Ephemeral ports: each client TIME-WAIT record holds its 4-tuple, and a
// destination offers 16384 ephemeral ports. The server therefore listens on
// S ports (default: enough for 16000 connections each) and connection i goes
// to port i*S/N: contiguous blocks, so the RFC 6056 port search always finds
// a free port at its first candidate.
#include <cstdint>

#include "base/time.h"
#include "bench_support/report.h"

namespace synack::bench {

struct LifecycleParams {
  uint64_t conns = 100'000;
  uint32_t request_bytes = 1;
  uint64_t concurrency = 1;
  uint32_t server_ports = 0;  // 0: auto (ceil(conns / kConnsPerServerPort))
  double timeout_s = 600;
};

inline constexpr uint64_t kConnsPerServerPort = 16'000;
uint32_t auto_server_ports(uint64_t conns);

struct LifecycleResult {
  uint64_t conns = 0;
  double wall_s = 0, cpu_s = 0;
  uint64_t packets = 0;
  uint64_t stalls = 0;
  uint64_t time_wait_records = 0;  // on the client stack at the end
  uint32_t server_ports = 0;
  double first_tenth_per_s = 0, last_tenth_per_s = 0;
  Report report{"lifecycle"};
};

// Throws BenchError if any connection fails or the run does not complete.
LifecycleResult run_lifecycle(const LifecycleParams& p);

}  // namespace synack::bench
