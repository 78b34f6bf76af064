#pragma once
// The deadlines a connection keeps, in two slots. The retransmission (or in its
// place the loss probe), persist, TIME-WAIT and FIN-WAIT-2 timers never run at
// the same time (persist runs only
// with nothing in flight; TIME-WAIT and FIN-WAIT-2 only once everything sent is
// acknowledged), so they share one slot tagged with its kind; the delayed ACK
// has its own. Keep-alive waits in the shared slot only while it is free (it
// matters only with nothing in flight or queued): any other timer of that
// slot replaces it, and the connection puts it back when the slot is free
// again. The stack's timer wheel only needs the earliest (next()).
#include <cassert>
#include <cstdint>
#include <limits>

#include "base/time.h"

namespace synack::tcp {

using base::Instant;

enum class Timer : uint8_t {
  Retransmit,  // RFC 6298 retransmission timer (SYN, SYN+ACK, data, FIN)
  Persist,     // zero-window probe / sender SWS override (§3.8.6.1, §3.8.6.2.1)
  DelayedAck,  // §3.8.6.3
  TimeWait,    // 2*MSL (§3.6.1 MUST-13)
  FinWait2,    // orphaned FIN-WAIT-2 (application closed, peer silent)
  KeepAlive,   // §3.8.4: idle time, then the probe interval
  LossProbe,   // RFC 8985 §7: the probe timeout (PTO), armed instead of the RTO
};

class TimerTable {
 public:
  void set(Timer t, Instant at) {
    if (t == Timer::DelayedAck) {
      delack_ = at;
      return;
    }
    assert(main_kind() == t || main_free() || t == Timer::TimeWait || main_kind() == Timer::KeepAlive ||
           (rto_like(t) && rto_like(main_kind())));
    assert(at.is_never() || (at.us() >= -kMaxUs && at.us() <= kMaxUs));
    main_ = at.is_never() ? kFree : at.us() * kKinds + static_cast<int64_t>(t);
  }
  void clear(Timer t) {
    if (t == Timer::DelayedAck) delack_ = Instant::never();
    else if (armed(t)) main_ = kFree;
  }
  bool armed(Timer t) const {
    if (t == Timer::DelayedAck) return !delack_.is_never();
    return !main_free() && main_kind() == t;
  }
  Instant at(Timer t) const { return armed(t) ? (t == Timer::DelayedAck ? delack_ : main_at()) : Instant::never(); }
  bool expired(Timer t, Instant now) const { return armed(t) && at(t) <= now; }
  // No retransmission, persist, TIME-WAIT, FIN-WAIT-2 or keep-alive deadline.
  bool main_free() const { return main_ == kFree; }
  void clear_all() {
    main_ = kFree;
    delack_ = Instant::never();
  }
  Instant next() const { return base::earliest(main_at(), delack_); }

 private:
  // The shared slot's deadline and kind in one word (deadline·8 + kind), so
  // the table takes 16 bytes instead of 24: deadlines are microseconds, and
  // ±2^59 µs (18 000 years) is more than any clock we are handed.
  static constexpr int kKindBits = 3;
  static constexpr int64_t kKinds = int64_t{1} << kKindBits;
  static constexpr int64_t kMaxUs = int64_t{1} << 59;
  static constexpr int64_t kFree = std::numeric_limits<int64_t>::max();
  // The PTO stands in for the RTO and the RTO replaces it (RFC 8985 §7.2-7.3).
  static constexpr bool rto_like(Timer t) { return t == Timer::Retransmit || t == Timer::LossProbe; }
  // C++20 shifts negative values arithmetically (rounding down) and defines &
  // on two's complement, so decoding is a shift and a mask at any sign.
  Timer main_kind() const { return static_cast<Timer>(main_ & (kKinds - 1)); }
  Instant main_at() const { return main_free() ? Instant::never() : Instant::from_micros(main_ >> kKindBits); }

  int64_t main_ = kFree;
  Instant delack_ = Instant::never();
};

}  // namespace synack::tcp
