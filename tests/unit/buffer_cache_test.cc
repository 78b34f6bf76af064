// tcp::BufferCache: Buffers and ring blocks of closed connections come back in
// their initial state; only minimum-size ring blocks are kept.
#include <gtest/gtest.h>

#include <vector>

#include "tcp/buffer_cache.h"

namespace synack::tcp {
namespace {

TEST(BufferCache, RecycledBuffersStartFresh) {
  BufferCache cache;
  auto b = cache.take();
  std::vector<uint8_t> data(10, 'x');
  cache.reserve(b->snd, data.size());
  b->snd.append(data);
  b->ooo.insert(SeqNum(1), SeqNum(5));
  b->snd_urgent = true;
  b->counters.drops = 3;
  const Buffers* first = b.get();
  cache.give(std::move(b));

  auto again = cache.take();
  EXPECT_EQ(again.get(), first);  // recycled, not reallocated
  EXPECT_EQ(again->snd.size(), 0u);
  EXPECT_EQ(again->snd.capacity(), 0u);  // rings hold no storage until used
  EXPECT_TRUE(again->ooo.empty());
  EXPECT_FALSE(again->snd_urgent);
  EXPECT_EQ(again->counters.drops, 0u);
}

TEST(BufferCache, KeepsMinimumBlocksAndFreesGrownRings) {
  BufferCache cache;
  base::ByteRing small, grown;
  cache.reserve(small, 100);
  cache.reserve(grown, 5000);
  EXPECT_EQ(small.capacity(), base::ByteRing::kMinCapacity);
  EXPECT_EQ(grown.capacity(), 8192u);
  cache.release(small);
  cache.release(grown);
  EXPECT_EQ(small.capacity(), 0u);
  EXPECT_EQ(grown.capacity(), 0u);

  // The kept block serves the next small ring; a ring that needs more than a
  // block starts from the heap as before.
  base::ByteRing next, big;
  cache.reserve(next, 1);
  cache.reserve(big, 3000);
  EXPECT_EQ(next.capacity(), base::ByteRing::kMinCapacity);
  EXPECT_EQ(big.capacity(), 4096u);
  std::vector<uint8_t> in{1, 2, 3}, out(3);
  next.append(in);
  next.copy_out(0, out);
  EXPECT_EQ(out, in);
}

}  // namespace
}  // namespace synack::tcp
