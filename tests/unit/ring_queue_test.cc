// RingQueue: FIFO order across wrap-around and growth, for an element whose
// size is not a power of two (the queue keeps its own capacity mask).
#include "base/ring_queue.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <deque>

#include "base/rng.h"

namespace synack::base {
namespace {

struct Odd {  // 24 bytes
  std::array<uint32_t, 6> v{};
  bool operator==(const Odd&) const = default;
};

TEST(RingQueue, MatchesADequeUnderRandomPushAndPop) {
  Rng rng(16);
  RingQueue<Odd> q;
  std::deque<Odd> ref;
  uint32_t next = 0;
  for (int step = 0; step < 200000; ++step) {
    // Phases that fill (growth past 16, 32, ... 1024) and drain (wrap-around).
    bool fill = (step / 5000) % 2 == 0;
    if (rng.below(100) < (fill ? 70u : 30u)) {
      Odd o;
      o.v.fill(next++);
      q.push(o);
      ref.push_back(o);
    } else {
      auto got = q.pop();
      ASSERT_EQ(got.has_value(), !ref.empty()) << "step " << step;
      if (got) {
        ASSERT_EQ(*got, ref.front()) << "step " << step;
        ref.pop_front();
      }
    }
    ASSERT_EQ(q.size(), ref.size());
    ASSERT_EQ(q.empty(), ref.empty());
    if (!ref.empty()) {
      ASSERT_EQ(q.front(), ref.front());
      size_t i = rng.below(ref.size());
      ASSERT_EQ(q[i], ref[i]) << "step " << step << " index " << i;
    }
  }
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.pop().has_value());
}

}  // namespace
}  // namespace synack::base
