#pragma once
// The scale benchmark: does a lifecycle operation cost the same with 1k and
// with 1M connections alive? One server stack (10.0.0.1, port 5001) and C
// client stacks with distinct addresses (so ephemeral ports suffice: at most
// 12000 connections per client stack) in one process on a BenchNet.
//
// For each point L (small, then conns): grow the population of idle
// ESTABLISHED connection pairs to L, let the timers the growth left behind
// fire (not timed; see Scale::settle), then run `warmup` untimed and `reps` timed batches of `batch` new
// connections through three timed phases: connect + handshake, request +
// response (request_bytes each way), close (client first, until the final
// ACK; the clients' TIME-WAIT records accumulate). Reported: CPU time per
// operation (median over the batches) and the ratio large / small.
#include <cstdint>

#include "bench_support/report.h"

namespace synack::bench {

struct ScaleParams {
  uint64_t conns = 1'000'000;  // the large population
  uint64_t small = 1000;       // the small population
  uint64_t batch = 1000;
  // A batch of 1000 operations takes about 1 ms of CPU, so any one of them can
  // be doubled by a preemption or a frequency step: with 5 the worst ratio of
  // back-to-back runs on an idle 2-vCPU host ranged 0.99-1.90, with 41 it
  // stayed within 1.27-1.37. 41 more batches cost under a second at 1M.
  uint32_t reps = 41;
  // Untimed batches before the timed ones at each population. Without them
  // the small point, measured first in the process, read up to 1.8x slower
  // from run to run (cold caches, predictors, first touches of the heap).
  uint32_t warmup = 2;
  uint32_t request_bytes = 1;
  double timeout_s = 1800;
  bool prefetch = true;  // BenchNet::deliver_one's receive prefetch (off: to measure what it gains)
};

inline constexpr uint64_t kConnsPerClientStack = 12'000;

struct ScalePoint {
  uint64_t live = 0;
  // Per operation, median over the batches: CPU and wall microseconds.
  double connect_us = 0, reqresp_us = 0, close_us = 0;
  double connect_wall_us = 0, reqresp_wall_us = 0, close_wall_us = 0;
};

struct ScaleResult {
  ScalePoint small, large;
  size_t client_stacks = 0;
  double build_cpu_s = 0;   // growing the population from small to large
  double settle_cpu_s = 0;  // then letting the timers the growth left behind fire
  Report report{"scale"};
};

ScaleResult run_scale(const ScaleParams& p);

}  // namespace synack::bench
