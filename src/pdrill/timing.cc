#include "pdrill/timing.h"

#include <algorithm>
#include <cmath>

namespace synack::pdrill {

int64_t tolerance_for(const Tolerance& t, int64_t interval_usecs) {
  double pct = t.percent / 100.0 * static_cast<double>(std::max<int64_t>(interval_usecs, 0));
  return std::max(t.usecs, static_cast<int64_t>(std::llround(pct)));
}

EventTiming resolve_timing(const script::TimeSpec& t, int64_t base, const Tolerance& tol) {
  EventTiming e;
  switch (t.kind) {
    case script::TimeKind::Any:
      e.any = true;
      e.start = e.end = base;
      return e;
    case script::TimeKind::Absolute:
      e.start = t.start_usecs;
      break;
    case script::TimeKind::Relative:
      e.start = base + t.start_usecs;
      break;
  }
  e.end = e.start;
  switch (t.end) {
    case script::TimeEnd::None:
      break;
    case script::TimeEnd::Range:
    case script::TimeEnd::Blocking:
      e.end = t.end_relative ? base + t.end_usecs : t.end_usecs;
      break;
  }
  e.tolerance = tolerance_for(tol, e.start - base);
  return e;
}

}  // namespace synack::pdrill
