#pragma once
// Retransmission timeout estimation per RFC 6298.
#include <algorithm>
#include <cstdint>

#include "base/time.h"

namespace synack::tcp {

using base::Duration;

class RttEstimator {
 public:
  // G, the clock granularity, is 1 us here (RFC 6298 §2: K*RTTVAR floored at G).
  explicit RttEstimator(Duration initial = Duration::seconds(1))
      : rto_us_(static_cast<uint32_t>(initial.us())) {}
  void reset(Duration initial) { *this = RttEstimator(initial); }

  // A new RTT measurement R (RFC 6298 §2.2-2.3). Karn's rule is the caller's job:
  // never sample a retransmitted segment.
  void sample(Duration r, Duration min_rto, Duration max_rto) {
    int64_t rus = std::clamp<int64_t>(r.us(), 1, kMaxSampleUs);
    if (srtt_us_ == 0) {
      srtt_us_ = static_cast<uint32_t>(rus);
      rttvar_us_ = static_cast<uint32_t>(rus / 2);
    } else {
      // RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'| ; SRTT <- 7/8 SRTT + 1/8 R'
      int64_t delta = int64_t{srtt_us_} - rus;
      if (delta < 0) delta = -delta;
      rttvar_us_ = static_cast<uint32_t>((3 * int64_t{rttvar_us_} + delta) / 4);
      srtt_us_ = static_cast<uint32_t>((7 * int64_t{srtt_us_} + rus) / 8);
    }
    int64_t rto = int64_t{srtt_us_} + std::max<int64_t>(1, 4 * int64_t{rttvar_us_});
    rto_us_ = static_cast<uint32_t>(std::clamp(rto, min_rto.us(), max_rto.us()));
  }

  // Exponential backoff after a timeout (RFC 6298 §5.5).
  void back_off(Duration max_rto) {
    rto_us_ = static_cast<uint32_t>(std::min<int64_t>(int64_t{rto_us_} * 2, max_rto.us()));
  }

  Duration rto() const { return Duration::micros(rto_us_); }
  bool has_sample() const { return srtt_us_ != 0; }
  Duration srtt() const { return Duration::micros(srtt_us_); }
  Duration rttvar() const { return Duration::micros(rttvar_us_); }

 private:
  // Microseconds in 32 bits (up to 71 minutes) keep the control block small.
  static constexpr int64_t kMaxSampleUs = 600'000'000;
  uint32_t srtt_us_ = 0;
  uint32_t rttvar_us_ = 0;
  uint32_t rto_us_;
};

}  // namespace synack::tcp
