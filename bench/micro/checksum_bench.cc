// The Internet checksum (RFC 1071) over segment-sized payloads, alone and
// while copying: what every data segment costs on the way in and out.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "wire/checksum.h"

namespace synack::wire {
namespace {

std::vector<uint8_t> payload(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 131 + 7);
  return v;
}

void BM_ChecksumPartial(benchmark::State& state) {
  auto src = payload(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(checksum_partial(src));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ChecksumPartial)->Arg(1460)->Arg(65495);

void BM_ChecksumCopy(benchmark::State& state) {
  auto src = payload(static_cast<size_t>(state.range(0)));
  std::vector<uint8_t> dst(src.size());
  for (auto _ : state) {
    benchmark::DoNotOptimize(checksum_copy(src, dst.data()));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ChecksumCopy)->Arg(1460)->Arg(65495);

}  // namespace
}  // namespace synack::wire
