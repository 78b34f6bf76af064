#pragma once
// The deadlines a connection keeps, in two slots. The retransmission, persist,
// TIME-WAIT and FIN-WAIT-2 timers never run at the same time (persist runs only
// with nothing in flight; TIME-WAIT and FIN-WAIT-2 only once everything sent is
// acknowledged), so they share one slot tagged with its kind; the delayed ACK
// has its own. Keep-alive waits in the shared slot only while it is free (it
// matters only with nothing in flight or queued): any other timer of that
// slot replaces it, and the connection puts it back when the slot is free
// again. The stack's timer wheel only needs the earliest (next()).
#include <cassert>
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
  KeepAlive,   // §3.8.4: idle time, then the probe interval
};

class TimerTable {
 public:
  void set(Timer t, Instant at) {
    if (t == Timer::DelayedAck) {
      delack_ = at;
      return;
    }
    assert(main_kind_ == t || main_.is_never() || t == Timer::TimeWait || main_kind_ == Timer::KeepAlive);
    main_ = at;
    main_kind_ = t;
  }
  void clear(Timer t) {
    if (t == Timer::DelayedAck) delack_ = Instant::never();
    else if (main_kind_ == t) main_ = Instant::never();
  }
  bool armed(Timer t) const {
    if (t == Timer::DelayedAck) return !delack_.is_never();
    return main_kind_ == t && !main_.is_never();
  }
  Instant at(Timer t) const { return armed(t) ? (t == Timer::DelayedAck ? delack_ : main_) : Instant::never(); }
  bool expired(Timer t, Instant now) const { return armed(t) && at(t) <= now; }
  // No retransmission, persist, TIME-WAIT, FIN-WAIT-2 or keep-alive deadline.
  bool main_free() const { return main_.is_never(); }
  void clear_all() { main_ = delack_ = Instant::never(); }
  Instant next() const { return base::earliest(main_, delack_); }

 private:
  Instant main_ = Instant::never();
  Instant delack_ = Instant::never();
  Timer main_kind_ = Timer::Retransmit;
};

}  // namespace synack::tcp
