#include "tcp/congestion.h"

namespace synack::tcp {

void CongestionControl::init(CcAlgorithm alg, uint32_t smss) {
  alg_ = alg;
  cwnd_ = initial_window(smss);
  ssthresh_ = 0xffffffffu;
  bytes_acked_ = 0;
}

void CongestionControl::on_ack(base::Instant, uint32_t acked, uint32_t smss, base::Duration) {
  if (cwnd_ < ssthresh_) {
    // Slow start: cwnd += min(N, SMSS) per ACK (RFC 5681 eq. 2, L = 1 SMSS).
    cwnd_ += std::min(acked, smss);
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

void CongestionControl::on_enter_recovery(uint32_t flight_size, uint32_t smss, bool sack) {
  ssthresh_ = std::max(flight_size / 2, 2 * smss);  // RFC 5681 eq. 4
  cwnd_ = sack ? ssthresh_ : ssthresh_ + 3 * smss;
  bytes_acked_ = 0;
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

void CongestionControl::on_rto(uint32_t flight_size, uint32_t smss) {
  ssthresh_ = std::max(flight_size / 2, 2 * smss);
  cwnd_ = smss;  // loss window LW = 1 SMSS
  bytes_acked_ = 0;
}

void CongestionControl::on_idle_restart(uint32_t smss) {
  cwnd_ = std::min(cwnd_, initial_window(smss));  // RW = min(IW, cwnd)
}

}  // namespace synack::tcp
