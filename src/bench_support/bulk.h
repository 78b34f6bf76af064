#pragma once
// The bulk benchmark: one connection between two stacks in one process
// (BenchNet), N bytes from client to server. The sending application copies
// the verification pattern in with send(); the receiving one reads into a
// 32 KiB buffer and checks every byte, like the anchors. The MTU follows the
// MSS (MSS + 40), so --mss 65495 gives 64 KiB packets (MTU 65535). Timed from
// the first send() to the last byte read.
#include <cstdint>
#include <memory>

#include "bench_support/report.h"

namespace synack::bench {

struct BulkParams {
  uint64_t bytes = uint64_t{1} << 30;
  uint32_t mss = 1460;  // 64 .. 65495
  double timeout_s = 600;
};

struct BulkResult {
  uint64_t bytes = 0;
  double wall_s = 0, cpu_s = 0;
  uint64_t packets = 0;  // in the timed region, both directions
  uint64_t stalls = 0;
  Report report{"bulk"};
};

BulkResult run_bulk(const BulkParams& p);

struct NetConfig;

// One established bulk connection, reusable: transfer() moves more bytes
// (verified) and returns when the receiver has read them all. For run_bulk
// and the micro-benchmarks. Throws BenchError on any failure.
class BulkSession {
 public:
  BulkSession(uint32_t mss, double timeout_s);
  ~BulkSession();
  void transfer(uint64_t bytes);
  void close();  // sender closes, receiver closes after end of stream
  uint64_t packets() const;
  uint64_t stalls() const;
  const NetConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace synack::bench
