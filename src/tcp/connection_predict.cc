// Header prediction (V. Jacobson's, as in BSD tcp_input and Linux
// tcp_rcv_established): in ESTABLISHED nearly every segment is either the next
// in-order data segment or a pure ACK of new data, from a peer whose window
// has not changed. For those two the general path of RFC 9293 §3.10.7.4 finds
// the sequence number acceptable with nothing to trim, no RST, SYN, URG or FIN,
// and an acceptable ACK; what is left of its eight checks is done here, in the
// same order and by the same functions. Anything else, or any doubt, returns
// false and the segment takes the general path.
#include "tcp/connection.h"

namespace synack::tcp {

bool Connection::predicted(Instant now, const Segment& seg) {
  if (!env_->config.header_prediction) return false;
  // ACK, perhaps PSH, and nothing else (ECE and CWR too go the long way).
  if ((seg.flags & ~flags::kPsh) != flags::kAck) return false;
  // Exactly RCV.NXT, so acceptable with nothing to trim at the left; no SACK
  // blocks for the scoreboard; the window we already use (BSD's tiwin == snd_wnd).
  if (seg.seq != rcv_.nxt || !seg.options.timestamps_only()) return false;
  if ((static_cast<uint32_t>(seg.wnd) << snd_.wscale) != snd_.wnd) return false;
  // RFC 7323 §3.2 and §5.3 R1: a timestamp is required and must pass PAWS; a
  // segment that fails is dropped by the general path.
  if (ts_ok_ && (!seg.options.timestamps || paws_reject(now, seg))) return false;

  uint32_t len = seg.len();
  if (len == 0) {
    // A pure ACK of new data, SND.UNA < SEG.ACK =< SND.MAX, outside loss recovery.
    if (in_recovery_ || !SeqNum::in_range_open_closed(seg.ack, snd_.una, snd_.max)) return false;
    // fifth: the ACK field (no SACK blocks: the scoreboard has nothing to learn).
    process_new_ack(now, seg);
    update_send_window(seg);
    update_ts_recent(now, seg);  // RFC 7323 §4.3
    return true;
  }
  // In-order data that acknowledges nothing new and fits the window entirely
  // (nothing to trim at the right), while the application still reads (SHLD-3).
  if (seg.ack != snd_.una || len > acceptance_window() || app_closed_) return false;
  // fifth: SEG.ACK == SND.UNA with data is no duplicate ACK (RFC 5681 §2);
  // only the window rule applies.
  update_send_window(seg);
  update_ts_recent(now, seg);  // RFC 7323 §4.3
  process_text(now, seg);      // seventh: the segment text
  return true;
}

}  // namespace synack::tcp
