// tcp::TimerTable: the two deadline slots of a connection, with the shared
// slot's kind packed into its deadline word.
#include "tcp/timer_table.h"

#include <gtest/gtest.h>

namespace synack::tcp {
namespace {

using base::Duration;

TEST(TimerTable, KeepsDeadlineAndKindOfTheSharedSlot) {
  TimerTable t;
  EXPECT_TRUE(t.main_free());
  EXPECT_TRUE(t.next().is_never());
  // Every kind, at instants with every residue modulo the packing factor,
  // around zero and negative (a caller's clock may start anywhere).
  for (int64_t us : {int64_t{0}, int64_t{1}, int64_t{7}, int64_t{8}, int64_t{-1}, int64_t{-8}, int64_t{-9},
                     int64_t{123456789}, int64_t{1} << 58, -(int64_t{1} << 58)}) {
    for (Timer k : {Timer::Retransmit, Timer::Persist, Timer::TimeWait, Timer::FinWait2, Timer::KeepAlive}) {
      TimerTable x;
      Instant at = Instant::from_micros(us);
      x.set(k, at);
      EXPECT_TRUE(x.armed(k)) << us;
      EXPECT_EQ(x.at(k), at) << us;
      EXPECT_EQ(x.next(), at) << us;
      EXPECT_FALSE(x.main_free());
      for (Timer other : {Timer::Retransmit, Timer::Persist, Timer::TimeWait, Timer::FinWait2, Timer::KeepAlive}) {
        if (other != k) {
          EXPECT_FALSE(x.armed(other)) << us;
        }
      }
      EXPECT_FALSE(x.expired(k, at - Duration::micros(1)));
      EXPECT_TRUE(x.expired(k, at));
      x.clear(k);
      EXPECT_TRUE(x.main_free());
    }
  }
}

TEST(TimerTable, DelayedAckHasItsOwnSlot_Rfc9293_3_8_6_3) {
  TimerTable t;
  t.set(Timer::Retransmit, Instant::from_micros(5000));
  t.set(Timer::DelayedAck, Instant::from_micros(3000));
  EXPECT_EQ(t.next(), Instant::from_micros(3000));
  t.clear(Timer::Persist);  // another kind: the retransmission deadline stays
  EXPECT_TRUE(t.armed(Timer::Retransmit));
  t.clear(Timer::DelayedAck);
  EXPECT_EQ(t.next(), Instant::from_micros(5000));
  t.set(Timer::Retransmit, Instant::never());
  EXPECT_TRUE(t.main_free());
  t.set(Timer::DelayedAck, Instant::from_micros(1));
  t.clear_all();
  EXPECT_TRUE(t.next().is_never());
}

}  // namespace
}  // namespace synack::tcp
