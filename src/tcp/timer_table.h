#pragma once
// The few deadlines a connection keeps. The stack's timer wheel only needs the
// earliest of them (next()); the connection checks which expired on_timeout().
#include <array>
#include <cstdint>

#include "base/time.h"

namespace synack::tcp {

using base::Instant;

enum class Timer : uint8_t {
  Retransmit,  // RFC 6298 retransmission timer (SYN, SYN+ACK, data, FIN)
  Persist,     // zero-window probe / sender SWS override (§3.8.6.1, §3.8.6.2.1)
  DelayedAck,  // §3.8.6.3
  TimeWait,    // 2*MSL (§3.6.1 MUST-13)
  FinWait2,    // orphaned FIN-WAIT-2 (application closed, peer silent)
};
constexpr int kNumTimers = 5;

class TimerTable {
 public:
  TimerTable() { at_.fill(Instant::never()); }
  void set(Timer t, Instant at) { at_[idx(t)] = at; }
  void clear(Timer t) { at_[idx(t)] = Instant::never(); }
  bool armed(Timer t) const { return !at_[idx(t)].is_never(); }
  Instant at(Timer t) const { return at_[idx(t)]; }
  bool expired(Timer t, Instant now) const { return armed(t) && at_[idx(t)] <= now; }
  void clear_all() { at_.fill(Instant::never()); }
  Instant next() const {
    Instant n = Instant::never();
    for (auto a : at_) n = base::earliest(n, a);
    return n;
  }

 private:
  static constexpr size_t idx(Timer t) { return static_cast<size_t>(t); }
  std::array<Instant, kNumTimers> at_;
};

}  // namespace synack::tcp
