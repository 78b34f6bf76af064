#pragma once
// A trace as JSON lines for programs: one object per event, in order.
//
//   {"t_us":20000,"host":"client","event":"state","from":"SYN_SENT","to":"ESTABLISHED","cause":"rcv_syn_ack"}
//   {"t_us":10000,"host":"server","event":"send","flags":"SYN,ACK","seq":300,"ack":101,"len":0,
//    "win":65535,"options":{"mss":1460,"ws":3}}
//
// Keys come in this order. "event" is "state", "send", "recv" or "drop";
// segment events always carry flags, seq, ack (0 without the ACK flag), len,
// win and options; a drop adds "reason" (and has only "bytes" instead of the
// segment fields when the packet could not be parsed). A send may add
// "retransmission":true, "loss_probe":true and "link":[...] with what the link did to it
// ("lost", "duplicated", "reordered", "corrupted", "too_big").
#include <ostream>
#include <string>

#include "trace/trace.h"

namespace synack::trace {

// One event as a single line of JSON (no newline).
std::string json_line(const Trace& trace, const TraceEvent& e);
void write_json_lines(const Trace& trace, std::ostream& os);

// Identifiers used in the JSON: "bad_checksum", "rcv_syn_ack", ...
std::string drop_reason_id(tcp::DropReason r);
std::string_view cause_id(tcp::Cause c);

}  // namespace synack::trace
