// Two stack::Stacks back to back in memory (IP headers and checksums
// included, a copy of every packet on the wire): full lifecycles per second
// and bulk throughput. The same harness as `synack bench` (src/bench_support).
#include <benchmark/benchmark.h>

#include "bench_support/bulk.h"
#include "bench_support/measure.h"
#include "bench_support/net.h"
#include "bench_support/rr_app.h"

namespace synack::bench {
namespace {

// One lifecycle per iteration (handshake, 1-byte request and response, the
// client closes first). Every 8192 lifecycles the clock skips 2*MSL, outside
// the timing, so TIME-WAIT records do not exhaust the ephemeral ports.
void BM_StackLifecycle(benchmark::State& state) {
  NetConfig nc;
  BenchNet net(nc);
  RrConfig rc;
  RrApp app(net, rc);
  const auto& c = app.counts();
  LoopGuard guard("BM_StackLifecycle", UINT64_MAX, 3600);
  uint64_t packets0 = net.packets();
  try {
    for (auto _ : state) {
      if (c.started % 8192 == 8191) {
        state.PauseTiming();
        net.advance(net.config().stack.tcp.msl * 2 + base::Duration::seconds(1), guard);
        state.ResumeTiming();
      }
      uint64_t want = c.server_closed + 1;
      app.connect(1, rc.first_port);
      while (c.server_closed < want || net.in_flight() > 0) {
        guard.tick();
        if (!net.deliver_one() && !net.stall()) throw BenchError("deadlock");
      }
    }
  } catch (const BenchError& e) {
    state.SkipWithError(e.what());
    return;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["packets_per_conn"] =
      static_cast<double>(net.packets() - packets0) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_StackLifecycle);

// Bulk: each iteration moves 1 MiB (sender copies in, receiver copies out into
// 32 KiB and verifies). Bytes per second is payload.
void BM_StackBulk(benchmark::State& state) {
  try {
    BulkSession s(static_cast<uint32_t>(state.range(0)), 3600);
    uint64_t packets0 = s.packets();
    for (auto _ : state) s.transfer(1 << 20);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * (1 << 20));
    state.SetItemsProcessed(static_cast<int64_t>(s.packets() - packets0));
  } catch (const BenchError& e) {
    state.SkipWithError(e.what());
  }
}
BENCHMARK(BM_StackBulk)->Arg(1460)->Arg(9000)->Arg(65495);

}  // namespace
}  // namespace synack::bench
