#pragma once
// Congestion control behind one small interface: the sender reports what
// happened (new data ACKed, loss detected by duplicate ACKs or SACK, a timeout,
// an idle period) and reads cwnd. Loss *detection* (duplicate ACK counting, the
// recovery point, the SACK scoreboard) stays in the sender; the algorithms only
// decide window sizes.
//
//  - NewReno: RFC 5681 slow start / congestion avoidance, fast recovery with the
//    RFC 6582 partial-ACK rules.
//  - CUBIC (RFC 9438): the cubic window growth with the Reno-friendly region
//    and fast convergence; slow start and recovery mechanics as NewReno.
//
// The CUBIC state is not part of this class: it only matters once data flows,
// so a connection keeps it with its on-demand Buffers and passes it to each
// call (nullptr: NewReno). That keeps cwnd, ssthresh and the ABC counter, all
// an idle connection needs, at 12 bytes of the control block.
#include <algorithm>
#include <cstdint>

#include "base/time.h"
#include "tcp/config.h"

namespace synack::tcp {

// RFC 6928 §2: IW = min(10*MSS, max(2*MSS, 14600)).
constexpr uint32_t initial_window(uint32_t smss) {
  return std::min(10 * smss, std::max(2 * smss, 14600u));
}

// RFC 9438 state of one connection.
struct CubicState {
  double w_max = 0;             // segments: the window before the last reduction
  double k = 0;                 // seconds: time to grow back to w_max (eq. 2)
  double w_est = 0;             // segments: the Reno-friendly estimate (eq. 4)
  double cwnd_epoch = 0;        // segments: cwnd when the epoch began
  int64_t epoch_start_us = -1;  // start of the current congestion-avoidance epoch
};

class CongestionControl {
 public:
  // cwnd = IW, ssthresh "arbitrarily high" (RFC 5681 §3.1).
  void init(uint32_t smss);

  uint32_t cwnd() const { return cwnd_; }
  uint32_t ssthresh() const { return ssthresh_; }
  bool in_slow_start() const { return cwnd_ < ssthresh_; }

  // New data was cumulatively acknowledged while not in fast recovery.
  void on_ack(base::Instant now, uint32_t acked, uint32_t smss, base::Duration srtt, CubicState* cubic);
  // Entering fast recovery after the third duplicate ACK (RFC 5681 §3.2 steps
  // 2-3: cwnd = ssthresh + 3*SMSS), or SACK-based recovery (RFC 6675 §5 step
  // 4.2: cwnd = ssthresh, the pipe estimate does the rest).
  void on_enter_recovery(uint32_t flight_size, uint32_t smss, CubicState* cubic, bool sack = false);
  // Another duplicate ACK in NewReno fast recovery: inflate (RFC 5681 §3.2 step 4).
  void on_recovery_dupack(uint32_t smss) { cwnd_ += smss; }
  // A partial ACK in NewReno fast recovery (RFC 6582 §3.2 step 5): deflate by
  // the amount acknowledged, then add back one SMSS if at least one SMSS was
  // acknowledged.
  void on_partial_ack(uint32_t acked, uint32_t smss);
  // A full ACK ends fast recovery (RFC 6582 §3.2 step 6, option 1).
  void on_exit_recovery(uint32_t flight_size, uint32_t smss);
  // A tail loss probe repaired a loss without fast recovery (RFC 8985 §7.4):
  // the same reduction, ssthresh as on entering recovery, cwnd no higher.
  void on_loss_repaired(uint32_t flight_size, uint32_t smss, CubicState* cubic) {
    ssthresh_ = reduce(flight_size, smss, cubic);
    cwnd_ = std::min(cwnd_, ssthresh_);
  }
  // An ECN-Echo (RFC 3168 §6.1.2): the reduction a loss would bring (RFC 9438
  // §4.6 for CUBIC), without the retransmission; slow start ends. The same
  // response as a repaired loss.
  void on_ecn_echo(uint32_t flight_size, uint32_t smss, CubicState* cubic) {
    on_loss_repaired(flight_size, smss, cubic);
  }
  // Retransmission timeout (RFC 5681 §3.1 eq. 4 and the loss window; RFC 9438 §4.8).
  void on_rto(uint32_t flight_size, uint32_t smss, bool first_timeout, CubicState* cubic);
  // Restart after an idle period longer than one RTO (RFC 5681 §4.1).
  void on_idle_restart(uint32_t smss, CubicState* cubic);
  // The sender used less than cwnd for a whole RTO (the application, or the
  // peer's window, kept the flight at `used` bytes at most): cwnd decays
  // halfway to what was used, and ssthresh keeps 3/4 of the old cwnd so slow
  // start can climb back (RFC 2861 §3, as Linux's
  // tcp_cwnd_application_limited). A window the path has not carried for a
  // while is no longer known to be safe.
  void on_application_limited(uint32_t used, CubicState* cubic) {
    if (used >= cwnd_) return;
    ssthresh_ = std::max(ssthresh_, cwnd_ / 2 + cwnd_ / 4);
    cwnd_ = (cwnd_ + used) / 2;
    if (cubic) cubic->epoch_start_us = -1;  // the cubic curve restarts from the new cwnd
  }

 private:
  void cubic_ack(base::Instant now, uint32_t acked, uint32_t smss, base::Duration srtt, CubicState& c);
  uint32_t reduce(uint32_t flight_size, uint32_t smss, CubicState* cubic);  // new ssthresh

  static constexpr uint32_t kInitialSsthresh = 0xffffffffu;  // "arbitrarily high" (RFC 5681 §3.1)
  uint32_t cwnd_ = 0;
  uint32_t ssthresh_ = kInitialSsthresh;
  uint32_t bytes_acked_ = 0;         // congestion-avoidance byte counter (RFC 5681 §3.1, ABC)
};

}  // namespace synack::tcp
