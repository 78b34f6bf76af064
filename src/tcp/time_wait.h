#pragma once
// TIME-WAIT rules (RFC 9293 §3.10.7.4, RFC 1337, RFC 5961, RFC 6191) as one
// function over the little state TIME-WAIT needs. The Connection uses it while
// it is in TIME-WAIT, and the stack uses it for its compact TIME-WAIT records,
// so both answer a segment the same way.
#include <cstdint>

#include "base/seq_num.h"
#include "base/time.h"
#include "tcp/config.h"
#include "tcp/drop_reason.h"
#include "tcp/segment.h"

namespace synack::tcp {

struct TimeWaitVars {
  SeqNum snd_nxt;
  SeqNum rcv_nxt;
  uint32_t rcv_wnd = 0;     // the window we last advertised
  uint32_t ts_recent = 0;   // TS.Recent, if timestamps are in use (RFC 7323)
  uint32_t ts_offset = 0;   // our TSval = milliseconds + ts_offset
  bool ts_ok = false;
};

// The ACK TIME-WAIT sends: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, with
// timestamps if they are in use (RFC 7323 §3.2: every non-RST segment).
Segment time_wait_ack(const TimeWaitVars& tw, base::Instant now, uint16_t wnd_field);

enum class TimeWaitAction : uint8_t {
  Ignore,         // drop silently
  Ack,            // send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
  AckAndRestart,  // a retransmitted FIN: ACK it and restart the 2*MSL timer
  Close,          // RST accepted (only when RFC 1337 protection is off)
  Reopen,         // a new SYN above RCV.NXT may open a new incarnation (RFC 6191, MAY-2)
};

struct TimeWaitVerdict {
  TimeWaitAction action;
  DropReason reason;
};

TimeWaitVerdict time_wait_on_segment(const TimeWaitVars& tw, const Segment& seg, const Config& cfg);

}  // namespace synack::tcp
