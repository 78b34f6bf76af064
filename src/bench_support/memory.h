#pragma once
// The memory benchmark: heap per connection, measured (glibc mallinfo2), with
// the client side (which keeps TIME-WAIT) and the server side apart.
//
// 1. N idle ESTABLISHED pairs (handshake only), then the same N closed by the
//    client: its connections become TIME-WAIT records, the server's are
//    freed. BenchNet meters the heap growth during each stack's own work
//    (packet input, timers, the application's calls on it), so the two sides
//    are told apart although they share one heap. What a stack keeps after
//    its connections are gone (the slot table, the demux map's capacity) is
//    reported as "held".
// 2. TIME-WAIT accumulation: N lifecycles (handshake, no data, client closes
//    first) with at most 64 connections alive at a time on fresh stacks; the
//    client's heap growth per connection is what a TIME-WAIT entry costs.
#include <cstdint>

#include "bench_support/report.h"

namespace synack::bench {

struct MemoryParams {
  uint64_t conns = 10'000;
  double timeout_s = 600;
};

struct MemoryResult {
  uint64_t conns = 0;
  // Bytes per connection.
  double client_established = 0;   // client side, N idle ESTABLISHED
  double server_established = 0;   // server side, N idle ESTABLISHED
  double client_held_time_wait = 0;  // client side after the N closed (records + what stays allocated)
  double server_held_after_close = 0;  // server side after its N connections were freed
  double time_wait_entry = 0;      // phase 2: client heap growth per accumulated TIME-WAIT entry
  size_t sizeof_connection = 0;
  size_t sizeof_time_wait_vars = 0;
  Report report{"memory"};
};

MemoryResult run_memory(const MemoryParams& p);

}  // namespace synack::bench
