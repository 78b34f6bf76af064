#pragma once
// When an event is due and how far off it may be (dialect §1.2, packetdrill run.c
// verify_time). Times are microseconds since the script start on the virtual clock.
#include <cstdint>

#include "script/script.h"

namespace synack::pdrill {

struct Tolerance {
  int64_t usecs = 4000;   // --tolerance_usecs
  double percent = 12.5;  // --tolerance_percent (nplab, the FreeBSD suite's tool, uses 5)
};

// max(usecs, percent% of the interval since the previous event).
int64_t tolerance_for(const Tolerance& t, int64_t interval_usecs);

struct EventTiming {
  bool any = false;       // `*`: any time
  int64_t start = 0;      // when the event is scheduled (a range's first instant)
  int64_t end = 0;        // a range's last instant, a blocking call's return time; else start
  int64_t tolerance = 0;
  // The window an outbound packet (or a blocking call's return) must fall in.
  int64_t lo() const { return start - tolerance; }
  int64_t hi() const { return end + tolerance; }
  int64_t end_lo() const { return end - tolerance; }
};

// `base` is the actual time of the previous event (packetdrill's relative base).
EventTiming resolve_timing(const script::TimeSpec& t, int64_t base, const Tolerance& tol);

}  // namespace synack::pdrill
