// The compact TIME-WAIT table (RFC 9293 §3.6.1, 2*MSL; RFC 6191 reuse is the
// stack's business): records in arrival order with an index.
#include <gtest/gtest.h>

#include <map>

#include "base/rng.h"
#include "stack/time_wait_table.h"

namespace synack::stack {
namespace {

using base::Duration;
using base::Instant;

wire::FourTuple tuple(uint32_t i) {
  return {{wire::Ipv4Addr(10, 0, 0, 1), static_cast<uint16_t>(1000 + i % 60000)},
          {wire::Ipv4Addr(10, 1, static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 8)), 80}};
}

tcp::TimeWaitVars vars(uint32_t i) {
  tcp::TimeWaitVars v;
  v.snd_nxt = tcp::SeqNum(i);
  v.rcv_nxt = tcp::SeqNum(i * 7);
  v.ts_ok = true;
  v.ts_recent = i + 1;
  return v;
}

TEST(TimeWaitTable, InsertFindEraseAndExpireInOrder) {
  TimeWaitTable tw;
  Instant t0 = Instant::from_micros(10'000'000);
  for (uint32_t i = 0; i < 5000; ++i) tw.insert(tuple(i), vars(i), 100, 2, t0 + Duration::millis(i));
  EXPECT_EQ(tw.size(), 5000u);
  const auto* r = tw.find(tuple(1234));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->vars().rcv_nxt, tcp::SeqNum(1234 * 7));
  EXPECT_EQ(r->vars().rcv_wnd, 400u);
  EXPECT_TRUE(r->vars().ts_ok);
  EXPECT_TRUE(tw.erase(tuple(0)));
  EXPECT_FALSE(tw.erase(tuple(0)));
  EXPECT_EQ(tw.next_expiry(), t0 + Duration::millis(1));
  std::vector<wire::FourTuple> gone;
  tw.expire(t0 + Duration::millis(99), [&](const wire::FourTuple& t) { gone.push_back(t); });
  ASSERT_EQ(gone.size(), 99u);  // 1..99 (0 was erased)
  EXPECT_EQ(gone.front(), tuple(1));
  EXPECT_EQ(tw.find(tuple(50)), nullptr);
  EXPECT_NE(tw.find(tuple(100)), nullptr);
  tw.expire(t0 + Duration::seconds(10), [](const wire::FourTuple&) {});
  EXPECT_EQ(tw.size(), 0u);
  EXPECT_EQ(tw.next_expiry(), Instant::never());
}

TEST(TimeWaitTable, RestartMovesARecordToTheBack_Rfc9293_3_10_7_4) {
  TimeWaitTable tw;
  Instant t0 = Instant::from_micros(1'000'000);
  tw.insert(tuple(1), vars(1), 10, 0, t0 + Duration::seconds(60));
  tw.insert(tuple(2), vars(2), 10, 0, t0 + Duration::seconds(61));
  tw.restart(tuple(1), t0 + Duration::seconds(90));  // a retransmitted FIN
  std::vector<wire::FourTuple> gone;
  tw.expire(t0 + Duration::seconds(70), [&](const wire::FourTuple& t) { gone.push_back(t); });
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0], tuple(2));
  EXPECT_NE(tw.find(tuple(1)), nullptr);
  EXPECT_EQ(tw.next_expiry(), t0 + Duration::seconds(90));
}

// A 4-tuple has one record: inserting it again (a connection that reused it,
// RFC 6191, entering TIME-WAIT again) replaces the record, expiry included.
TEST(TimeWaitTable, InsertingATupleAgainReplacesItsRecord) {
  TimeWaitTable tw;
  Instant t0 = Instant::from_micros(1'000'000);
  tw.insert(tuple(1), vars(1), 10, 0, t0 + Duration::seconds(60));
  tw.insert(tuple(2), vars(2), 10, 0, t0 + Duration::seconds(61));
  tw.insert(tuple(1), vars(9), 10, 0, t0 + Duration::seconds(90));
  EXPECT_EQ(tw.size(), 2u);
  ASSERT_NE(tw.find(tuple(1)), nullptr);
  EXPECT_EQ(tw.find(tuple(1))->vars().rcv_nxt, tcp::SeqNum(9 * 7));
  std::vector<wire::FourTuple> gone;
  tw.expire(t0 + Duration::seconds(70), [&](const wire::FourTuple& t) { gone.push_back(t); });
  ASSERT_EQ(gone.size(), 1u);  // the replaced record does not expire in its old place
  EXPECT_EQ(gone[0], tuple(2));
  EXPECT_NE(tw.find(tuple(1)), nullptr);
  EXPECT_EQ(tw.next_expiry(), t0 + Duration::seconds(90));
  tw.expire(t0 + Duration::seconds(90), [&](const wire::FourTuple& t) { gone.push_back(t); });
  EXPECT_EQ(tw.size(), 0u);
  EXPECT_EQ(gone.back(), tuple(1));
}

// next_expiry() is kept up to date by every change rather than looked up:
// after each of thousands of random inserts (with increasing expiries, as the
// stack makes them), erases, restarts and expiries it must equal the earliest
// expiry among the records a reference map holds.
TEST(TimeWaitTable, NextExpiryFollowsEveryChange) {
  TimeWaitTable tw;
  base::Rng rng(2 * 60);
  std::map<uint32_t, Instant> ref;  // tuple index -> expiry
  Instant now = Instant::from_micros(5'000'000);
  for (int step = 0; step < 20'000; ++step) {
    uint32_t i = static_cast<uint32_t>(rng.below(300));
    switch (rng.below(4)) {
      case 0:
      case 1:
        tw.insert(tuple(i), vars(i), 1, 0, now + Duration::millis(60'000));
        ref[i] = now + Duration::millis(60'000);
        break;
      case 2:
        EXPECT_EQ(tw.erase(tuple(i)), ref.erase(i) == 1);
        break;
      default:
        if (rng.chance(0.5)) {
          tw.restart(tuple(i), now + Duration::millis(60'000));
          if (ref.count(i)) ref[i] = now + Duration::millis(60'000);
        } else {
          tw.expire(now, [&](const wire::FourTuple&) {});
          std::erase_if(ref, [&](const auto& kv) { return kv.second <= now; });
        }
        break;
    }
    now += Duration::millis(static_cast<int64_t>(rng.below(40)));
    Instant want = Instant::never();
    for (const auto& [k, e] : ref) want = std::min(want, e);
    ASSERT_EQ(tw.next_expiry(), want) << "step " << step;
    ASSERT_EQ(tw.size(), ref.size()) << "step " << step;
  }
}

TEST(TimeWaitTable, AFewDozenBytesPerRecord) {
  TimeWaitTable tw;
  Instant t0 = Instant::from_micros(0);
  constexpr uint32_t kN = 100'000;
  for (uint32_t i = 0; i < kN; ++i) tw.insert(tuple(i), vars(i), 1, 0, t0 + Duration::seconds(60));
  ASSERT_EQ(tw.size(), kN);
  EXPECT_LE(tw.memory_bytes() / kN, 64u);  // the design budget (issue 6), chunk slack included
}

}  // namespace
}  // namespace synack::stack
