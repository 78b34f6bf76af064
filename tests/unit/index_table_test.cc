// The demux index (IndexTable): open addressing over slot numbers, with the
// key's hash kept beside each value so that probes rarely follow a value.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <unordered_map>
#include <vector>

#include "stack/index_table.h"

namespace synack::stack {
namespace {

struct TupleStore {
  std::vector<wire::FourTuple>* keys;
  uint64_t* lookups;  // how many times the table followed a value to its key
  wire::FourTuple operator()(uint32_t v) const {
    ++*lookups;
    return (*keys)[v];
  }
};

wire::FourTuple tuple(uint32_t i) {
  return {{wire::Ipv4Addr(10, 0, 0, 1), static_cast<uint16_t>(1024 + i % 50000)},
          {wire::Ipv4Addr(10, 1, static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 8)),
           static_cast<uint16_t>(80 + i % 7)}};
}

// At the demux's load (half full), the TIME-WAIT index's (3/4) and the
// highest allowed (9/10), where clusters are long and backward shifts move
// many entries.
TEST(IndexTable, AgreesWithAReferenceMapUnderRandomInsertsAndErases) {
  for (unsigned load : {50u, 75u, 90u}) {
    SCOPED_TRACE(load);
    std::vector<wire::FourTuple> keys;
    uint64_t lookups = 0;
    IndexTable<TupleStore> t{TupleStore{&keys, &lookups}, load};
    std::unordered_map<uint32_t, uint32_t> ref;  // key number -> value stored
    std::mt19937 rng(7);
    for (uint32_t i = 0; i < 20000; ++i) keys.push_back(tuple(i));
    for (int step = 0; step < 200000; ++step) {
      uint32_t k = static_cast<uint32_t>(rng() % 20000);
      switch (rng() % 3) {
        case 0:  // put: the value is the key's position, as slot numbers are
          t.put(keys[k], k);
          ref[k] = k;
          break;
        case 1:
          ASSERT_EQ(t.erase(keys[k]), ref.erase(k) == 1) << "step " << step;
          break;
        default: {
          const uint32_t* v = t.find(keys[k]);
          auto it = ref.find(k);
          ASSERT_EQ(v != nullptr, it != ref.end()) << "step " << step;
          if (v) {
            ASSERT_EQ(*v, it->second);
          }
        }
      }
      ASSERT_EQ(t.size(), ref.size());
    }
    // Everything still present after the growth and backward shifts above.
    for (const auto& [k, v] : ref) {
      const uint32_t* found = t.find(keys[k]);
      ASSERT_NE(found, nullptr);
      EXPECT_EQ(*found, v);
    }
  }
}

// The table grows only when an insert would pass its maximum load: 10 200
// entries (a TIME-WAIT table at 10k) fit 16 384 slots at 3/4 but need
// 32 768 at 1/2.
TEST(IndexTable, GrowsAtItsMaximumLoad) {
  std::vector<wire::FourTuple> keys;
  uint64_t lookups = 0;
  IndexTable<TupleStore> half{TupleStore{&keys, &lookups}}, three_quarters{TupleStore{&keys, &lookups}, 75};
  for (uint32_t i = 0; i < 10200; ++i) {
    keys.push_back(tuple(i));
    half.put(keys[i], i);
    three_quarters.put(keys[i], i);
  }
  EXPECT_EQ(half.memory_bytes(), 32768u * 8);
  EXPECT_EQ(three_quarters.memory_bytes(), 16384u * 8);
  for (uint32_t i = 10200; i < 12288; ++i) {  // 3/4 of 16384: still no growth
    keys.push_back(tuple(i));
    three_quarters.put(keys[i], i);
  }
  EXPECT_EQ(three_quarters.memory_bytes(), 16384u * 8);
  keys.push_back(tuple(12288));
  three_quarters.put(keys[12288], 12288);
  EXPECT_EQ(three_quarters.memory_bytes(), 32768u * 8);
}

TEST(IndexTable, ProbesFollowOnlyValuesWhoseHashMatches) {
  // The point of keeping the hash: at 1M connections each value followed is a
  // cache miss in the slot table. A miss must follow none, a hit exactly one
  // (32-bit hash collisions aside: none among these keys), and erasing or
  // growing none beyond the erased key itself.
  std::vector<wire::FourTuple> keys;
  uint64_t lookups = 0;
  IndexTable<TupleStore> t{TupleStore{&keys, &lookups}};
  constexpr uint32_t kN = 50000;
  for (uint32_t i = 0; i < 2 * kN; ++i) keys.push_back(tuple(i));
  for (uint32_t i = 0; i < kN; ++i) t.put(keys[i], i);  // grows many times
  EXPECT_EQ(lookups, 0u) << "inserting new keys (and growing) followed values";
  lookups = 0;
  for (uint32_t i = kN; i < 2 * kN; ++i) EXPECT_EQ(t.find(keys[i]), nullptr);
  EXPECT_EQ(lookups, 0u) << "lookups of absent keys followed values";
  lookups = 0;
  for (uint32_t i = 0; i < kN; ++i) ASSERT_NE(t.find(keys[i]), nullptr);
  EXPECT_EQ(lookups, kN);
  lookups = 0;
  for (uint32_t i = 0; i < kN; i += 2) ASSERT_TRUE(t.erase(keys[i]));
  EXPECT_EQ(lookups, kN / 2) << "backward-shift deletion followed values";
  for (uint32_t i = 1; i < kN; i += 2) ASSERT_NE(t.find(keys[i]), nullptr);
}

TEST(IndexTable, GuessNamesTheValueALookupWouldFindOrNone) {
  std::vector<wire::FourTuple> keys;
  uint64_t lookups = 0;
  IndexTable<TupleStore> t{TupleStore{&keys, &lookups}};
  for (uint32_t i = 0; i < 2000; ++i) keys.push_back(tuple(i));
  for (uint32_t i = 0; i < 1000; ++i) t.put(keys[i], i);
  int right = 0;
  for (uint32_t i = 0; i < 1000; ++i) right += t.guess(keys[i]) == i;
  EXPECT_GT(right, 990);  // only clusters longer than the guess looks miss
  for (uint32_t i = 1000; i < 2000; ++i) EXPECT_EQ(t.guess(keys[i]), (IndexTable<TupleStore>::kEmpty));
  EXPECT_EQ(lookups, 0u);
}

TEST(IndexTable, WhichTuplesCollideDependsOnTheKey) {
  // Hash flooding: a peer that knows the hash picks tuples with the same home
  // bucket. Gather 32 tuples that share one of 1024 buckets under key A; under
  // another key they must spread out again.
  constexpr uint64_t kA = 0x0123456789abcdefULL, kB = 0xfedcba9876543210ULL;
  auto bucket = [](const wire::FourTuple& t, uint64_t key) { return (t.hash(key) >> 32) & 1023; };
  std::vector<wire::FourTuple> same;
  for (uint32_t i = 0; i < 2'000'000 && same.size() < 32; ++i) {
    wire::FourTuple t{{wire::Ipv4Addr(10, 0, 0, 1), 80},
                      {wire::Ipv4Addr(10, 1, static_cast<uint8_t>(i >> 24), static_cast<uint8_t>(i >> 16)),
                       static_cast<uint16_t>(i)}};
    if (bucket(t, kA) == 7) same.push_back(t);
  }
  ASSERT_EQ(same.size(), 32u);
  std::set<uint64_t> spread;
  for (const auto& t : same) spread.insert(bucket(t, kB));
  EXPECT_GE(spread.size(), 24u);  // 32 balls in 1024 bins: almost all distinct
  // And the key reaches the ports too: one address pair, every port.
  std::set<uint64_t> by_port;
  for (uint32_t p = 0; p < 4096; ++p) {
    wire::FourTuple t{{wire::Ipv4Addr(10, 0, 0, 1), 80}, {wire::Ipv4Addr(10, 1, 0, 1), static_cast<uint16_t>(p)}};
    if (bucket(t, kA) == bucket(t, kB)) by_port.insert(p);
  }
  EXPECT_LT(by_port.size(), 40u);  // about 4 expected by chance
}

}  // namespace
}  // namespace synack::stack
