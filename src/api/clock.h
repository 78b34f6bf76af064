#pragma once
// The real clock the runtime feeds the stack: CLOCK_MONOTONIC in microseconds.
#include <time.h>

#include "base/time.h"

namespace synack::api {

inline base::Instant monotonic_now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return base::Instant::from_micros(int64_t{ts.tv_sec} * 1'000'000 + ts.tv_nsec / 1000);
}

}  // namespace synack::api
