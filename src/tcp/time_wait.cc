#include "tcp/time_wait.h"

namespace synack::tcp {

TimeWaitVerdict time_wait_on_segment(const TimeWaitVars& tw, const Segment& seg, const Config& cfg) {
  using A = TimeWaitAction;
  if (seg.rst()) {
    // RFC 1337 "TIME-WAIT assassination": ignore RST in TIME-WAIT.
    if (cfg.rfc1337) return {A::Ignore, DropReason::RstTimeWait};
    bool exact = seg.seq == tw.rcv_nxt;
    bool in_window = SeqNum::in_window(seg.seq, tw.rcv_nxt, tw.rcv_wnd ? tw.rcv_wnd : 1);
    if (exact || (!cfg.rfc5961_rst && in_window)) return {A::Close, DropReason::None};
    if (in_window) return {A::Ack, DropReason::RstChallenged};
    return {A::Ignore, DropReason::RstOutOfWindow};
  }
  if (seg.syn() && !seg.has_ack()) {
    // A new SYN with a higher sequence number (RFC 9293 MAY-2, RFC 1122
    // §4.2.2.13), or with timestamps a newer TSval (RFC 6191 §2), may start a
    // new incarnation of the connection.
    bool newer_ts = tw.ts_ok && seg.options.timestamps &&
                    static_cast<int32_t>(seg.options.timestamps->val - tw.ts_recent) > 0;
    if (seg.seq.after(tw.rcv_nxt) || newer_ts) return {A::Reopen, DropReason::None};
    return {A::Ack, DropReason::SynChallenged};  // RFC 5961 §4
  }
  // The peer's FIN again (our ACK of it was lost): ACK and restart 2*MSL (§3.10.7.4).
  if (seg.fin() && seg.seq + seg.seq_len() == tw.rcv_nxt) return {A::AckAndRestart, DropReason::None};
  if (seg.syn()) return {A::Ack, DropReason::SynChallenged};
  if (!seg.has_ack()) return {A::Ignore, DropReason::NoAck};
  // Only a retransmitted FIN is expected here (§3.10.7.4). An exact duplicate
  // of the ACK we hold needs no answer; anything else — old, out of window,
  // carrying data — is answered with an ACK, which also tells a confused peer
  // where we are.
  if (seg.seq_len() == 0 && seg.seq == tw.rcv_nxt && seg.ack == tw.snd_nxt) return {A::Ignore, DropReason::None};
  return {A::Ack, DropReason::Unacceptable};
}

Segment time_wait_ack(const TimeWaitVars& tw, base::Instant now, uint16_t wnd_field) {
  Segment a;
  a.seq = tw.snd_nxt;
  a.ack = tw.rcv_nxt;
  a.flags = flags::kAck;
  a.wnd = wnd_field;
  if (tw.ts_ok) {
    uint32_t ms = static_cast<uint32_t>(now.us() / 1000);
    a.options.timestamps = wire::Timestamps{ms + tw.ts_offset, tw.ts_recent};
  }
  return a;
}

}  // namespace synack::tcp
