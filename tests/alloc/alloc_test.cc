// Hot paths do no heap allocation per segment in steady state: count calls to
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // our operator new is malloc
// operator new during a bulk transfer between two connections.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "common/bulk_app.h"
#include "common/conn_pair.h"

namespace {
std::atomic<uint64_t> g_allocations{0};
}

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace synack::testing {
namespace {

TEST(Allocation, SteadyStateBulkTransferAllocatesNothingPerSegment) {
  tcp::Config cfg;
  ConnPair p(cfg, 7, PathParams{Duration::millis(1), Duration::zero(), 0, 0});
  ASSERT_TRUE(p.b().listen().has_value());
  ASSERT_TRUE(p.a().connect(p.now()).has_value());
  constexpr uint64_t kTotal = 64ull << 20;
  BulkApp sender(kTotal, 1, 2), receiver(0, 2, 1);
  auto pump = [&] {
    sender.pump(p.a(), p.now());
    receiver.pump(p.b(), p.now());
  };
  // Warm up: handshake, buffers grown to their working size.
  ASSERT_TRUE(p.run_until([&] { pump(); return receiver.received() >= (8ull << 20); }, 10'000'000));
  uint64_t before_allocs = g_allocations.load();
  uint64_t before_segs = p.delivered();
  ASSERT_TRUE(p.run_until([&] { pump(); return receiver.received() >= (48ull << 20); }, 50'000'000));
  uint64_t allocs = g_allocations.load() - before_allocs;
  uint64_t segs = p.delivered() - before_segs;
  EXPECT_GT(segs, 20000u);  // the window really covered many segments
  EXPECT_EQ(allocs, 0u) << allocs << " allocations over " << segs << " segments";
  EXPECT_EQ(receiver.problem(), "");
}

}  // namespace
}  // namespace synack::testing
