#include "tcp/congestion.h"

#include <cmath>

namespace synack::tcp {

namespace {
constexpr double kCubicC = 0.4;     // RFC 9438 §5.1
constexpr double kCubicBeta = 0.7;  // RFC 9438 §4.6 β_cubic
// α_cubic = 3 (1 - β) / (1 + β): Reno-friendly growth (RFC 9438 §4.3).
constexpr double kCubicAlpha = 3.0 * (1.0 - kCubicBeta) / (1.0 + kCubicBeta);
}  // namespace

void CongestionControl::init(uint32_t smss) {
  cwnd_ = initial_window(smss);
  ssthresh_ = kInitialSsthresh;
  bytes_acked_ = 0;
}

void CongestionControl::on_ack(base::Instant now, uint32_t acked, uint32_t smss, base::Duration srtt,
                               CubicState* cubic) {
  if (cwnd_ < ssthresh_) {
    // Slow start with appropriate byte counting: cwnd += min(N, L) per ACK
    // (RFC 5681 eq. 2, RFC 3465 §2.2). L = 2*SMSS, so that a receiver that
    // ACKs every other segment still doubles cwnd each round trip. Once
    // ssthresh has been set by a loss, L = 1*SMSS: that covers the slow start
    // after an RTO, where one ACK may cover much retransmitted data and L must
    // be 1*SMSS (RFC 3465 §2.3).
    const uint32_t limit = ssthresh_ == kInitialSsthresh ? 2 * smss : smss;
    cwnd_ += std::min(acked, limit);
    return;
  }
  if (cubic) {
    cubic_ack(now, acked, smss, srtt, *cubic);
    return;
  }
  // Congestion avoidance with appropriate byte counting: one SMSS per cwnd of
  // bytes acknowledged (RFC 5681 §3.1, RFC 3465).
  bytes_acked_ += acked;
  if (bytes_acked_ >= cwnd_) {
    bytes_acked_ -= cwnd_;
    cwnd_ += smss;
  }
}

void CongestionControl::cubic_ack(base::Instant now, uint32_t acked, uint32_t smss, base::Duration srtt,
                                  CubicState& c) {
  double seg = smss;
  double cwnd = cwnd_ / seg;
  if (c.epoch_start_us < 0) {
    // A new epoch: the first ACK in congestion avoidance (RFC 9438 §4.2).
    c.epoch_start_us = now.us();
    c.cwnd_epoch = cwnd;
    c.w_est = cwnd;
    if (c.w_max < cwnd) c.w_max = cwnd;
    c.k = std::cbrt((c.w_max - c.cwnd_epoch) / kCubicC);  // eq. 2
  }
  double t = static_cast<double>(now.us() - c.epoch_start_us) / 1e6;
  double rtt = std::max(srtt.secs(), 0.001);
  auto w_cubic = [&](double at) { return kCubicC * std::pow(at - c.k, 3) + c.w_max; };  // eq. 1
  // Reno-friendly estimate (eq. 4): α_cubic segments per window of ACKed data.
  c.w_est += kCubicAlpha * (acked / seg) / cwnd;
  double target;
  if (w_cubic(t) < c.w_est) {
    target = c.w_est;  // the Reno-friendly region (§4.3)
    cwnd_ = static_cast<uint32_t>(std::max(target, cwnd) * seg);
    return;
  }
  // Concave or convex region (§4.4, §4.5): aim for W_cubic(t + RTT), growing
  // at most 1.5x per RTT.
  target = std::clamp(w_cubic(t + rtt), cwnd, 1.5 * cwnd);
  double grow = (target - cwnd) / cwnd * (acked / seg);
  bytes_acked_ += static_cast<uint32_t>(grow * seg);
  if (bytes_acked_ >= 1) {
    cwnd_ += bytes_acked_;
    bytes_acked_ = 0;
  }
}

uint32_t CongestionControl::reduce(uint32_t flight_size, uint32_t smss, CubicState* cubic) {
  bytes_acked_ = 0;
  if (!cubic) return std::max(flight_size / 2, 2 * smss);  // RFC 5681 eq. 4
  // RFC 9438 §4.6-4.7: multiplicative decrease by β_cubic, and fast
  // convergence: if the window shrank since the last loss, release bandwidth.
  CubicState& c = *cubic;
  double cwnd = static_cast<double>(cwnd_) / smss;
  c.w_max = cwnd < c.w_max ? cwnd * (1.0 + kCubicBeta) / 2.0 : cwnd;
  c.epoch_start_us = -1;
  return std::max(static_cast<uint32_t>(cwnd_ * kCubicBeta), 2 * smss);
}

void CongestionControl::on_enter_recovery(uint32_t flight_size, uint32_t smss, CubicState* cubic, bool sack) {
  ssthresh_ = reduce(flight_size, smss, cubic);
  cwnd_ = sack ? ssthresh_ : ssthresh_ + 3 * smss;
}

void CongestionControl::on_partial_ack(uint32_t acked, uint32_t smss) {
  cwnd_ = cwnd_ > acked ? cwnd_ - acked : 0;
  if (acked >= smss) cwnd_ += smss;
  cwnd_ = std::max(cwnd_, smss);
}

void CongestionControl::on_exit_recovery(uint32_t flight_size, uint32_t smss) {
  // RFC 6582 §3.2 step 6 option (1): min(ssthresh, max(FlightSize, SMSS) + SMSS).
  cwnd_ = std::min(ssthresh_, std::max(flight_size, smss) + smss);
}

void CongestionControl::on_rto(uint32_t flight_size, uint32_t smss, bool first_timeout, CubicState* cubic) {
  // ssthresh is reduced only for the first timeout of a segment (RFC 5681
  // §3.1); the loss window is one segment.
  if (first_timeout) ssthresh_ = reduce(flight_size, smss, cubic);
  if (cubic) cubic->epoch_start_us = -1;
  cwnd_ = smss;
  bytes_acked_ = 0;
}

void CongestionControl::on_idle_restart(uint32_t smss, CubicState* cubic) {
  cwnd_ = std::min(cwnd_, initial_window(smss));  // RW = min(IW, cwnd)
  if (cubic) cubic->epoch_start_us = -1;
}

}  // namespace synack::tcp
