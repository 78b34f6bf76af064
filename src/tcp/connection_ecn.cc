// Explicit Congestion Notification (RFC 3168 §6.1): a router on the path marks
// a packet CE instead of dropping it; the receiver echoes the mark with ECE on
// its ACKs until the sender's CWR says it has cut its window, once per round
// trip, as it would for a loss. Negotiated in the handshake (negotiate_options;
// the SYN flags are set in poll_transmit).
#include "tcp/connection.h"

namespace synack::tcp {

void Connection::ecn_mark(Segment& s) {
  // §6.1.3: ECE on every ACK until the peer's CWR says it reacted.
  if (ecn_echo_) s.flags |= flags::kEce;
  // Only new data is ECN-capable: not pure ACKs (§6.1.4), not retransmissions
  // (§6.1.5), not window probes (§6.1.6; data sent into a zero window is one).
  // The first new data after a window cut carries CWR (§6.1.2).
  if (s.len() == 0 || s.retransmission || snd_.wnd == 0) return;
  s.ecn = ecn::kEct0;
  if (ecn_cwr_) {
    s.flags |= flags::kCwr;
    ecn_cwr_ = false;
  }
}

void Connection::ecn_receive(Instant now, const Segment& seg) {
  // §6.1.3: CWR ends the echo, a CE mark (on this same segment too) starts it.
  if (seg.cwr()) ecn_echo_ = false;
  if (seg.ecn != ecn::kCe) return;
  ++stats().ecn_ce_received;
  if (!ecn_echo_) {
    ecn_echo_ = true;
    // Tell the sender without waiting for the delayed-ACK timer (as Linux).
    schedule_ack(now, true);
  }
}

void Connection::ecn_echo_received() {
  // §6.1.2: react as to a loss, ssthresh and cwnd halved, but at most once per
  // round trip: not again until data sent after the cut is acknowledged, and
  // not during loss recovery, which has cut the window already.
  Buffers& b = bufs();
  if (in_recovery_ || (b.ecn_cut && snd_.una.before_eq(b.ecn_recover))) return;
  cc_.on_ecn_echo(static_cast<uint32_t>(snd_.max - snd_.una), send_mss(), cubic_state());
  b.ecn_cut = true;
  b.ecn_recover = snd_.max;
  ecn_cwr_ = true;
  ++b.counters.ecn_reductions;
}

}  // namespace synack::tcp
