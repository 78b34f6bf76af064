// The tcp core alone (tcp::Connection pairs, no IP, no stack): in-order bulk
// segments per second, and full lifecycles (handshake, 1-byte request and
// response, teardown) per second.
#include <benchmark/benchmark.h>

#include <vector>

#include "core_pair.h"

namespace synack::bench {
namespace {

// Reads everything readable (bounded: the receive buffer is finite).
uint64_t drain(tcp::Connection& c, base::Instant now, std::vector<uint8_t>& buf) {
  uint64_t got = 0;
  for (int i = 0; i < 100000; ++i) {
    auto n = c.recv(now, buf);
    if (!n || *n == 0) break;
    got += *n;
  }
  return got;
}

// In-order bulk: each iteration the client queues 64 KiB and the pair runs
// until the server application has read it all (32 KiB reads). Items are
// segments delivered (data and ACKs), bytes are payload bytes.
void BM_CoreBulk(benchmark::State& state) {
  tcp::Config cfg;
  cfg.mss = static_cast<uint16_t>(state.range(0));
  CorePair pair(cfg);
  pair.reset();
  (void)pair.a().connect(pair.now());
  pair.run();
  if (pair.a().state() != tcp::State::Established) return state.SkipWithError("handshake failed");
  std::vector<uint8_t> out(64 * 1024, 0x5a), in(32 * 1024);
  uint64_t bytes = 0, seg0 = pair.delivered();
  for (auto _ : state) {
    size_t queued = 0;
    for (int guard = 0; queued < out.size() && guard < 100000; ++guard) {
      auto r = pair.a().send(pair.now(), base::Bytes(out.data() + queued, out.size() - queued));
      if (r) queued += *r;
      pair.run(64);
      bytes += drain(pair.b(), pair.now(), in);
    }
    pair.run();
    bytes += drain(pair.b(), pair.now(), in);
  }
  state.SetItemsProcessed(static_cast<int64_t>(pair.delivered() - seg0));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["segs_per_64KiB"] =
      static_cast<double>(pair.delivered() - seg0) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_CoreBulk)->Arg(1460)->Arg(9000);

// One lifecycle per iteration on fresh connections: SYN, SYN-ACK, ACK, 1-byte
// request, 1-byte response, client FIN, server FIN, final ACK (client in TIME-WAIT).
void BM_CoreLifecycle(benchmark::State& state) {
  tcp::Config cfg;
  CorePair pair(cfg);
  uint8_t one = 'x', buf[16];
  uint64_t segs0 = pair.delivered();
  for (auto _ : state) {
    pair.reset();
    (void)pair.a().connect(pair.now());
    pair.run();
    (void)pair.a().send(pair.now(), base::Bytes(&one, 1));
    pair.run();
    (void)pair.b().recv(pair.now(), buf);
    (void)pair.b().send(pair.now(), base::Bytes(&one, 1));
    pair.run();
    (void)pair.a().recv(pair.now(), buf);
    (void)pair.a().close(pair.now());
    pair.run();
    (void)pair.b().recv(pair.now(), buf);  // end of stream
    (void)pair.b().close(pair.now());
    pair.run();
    if (pair.a().state() != tcp::State::TimeWait || pair.b().state() != tcp::State::Closed) {
      state.SkipWithError("lifecycle did not complete");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["segs_per_conn"] =
      static_cast<double>(pair.delivered() - segs0) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
}
BENCHMARK(BM_CoreLifecycle);

}  // namespace
}  // namespace synack::bench
