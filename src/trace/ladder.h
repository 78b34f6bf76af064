#pragma once
// The ladder diagram: a trace drawn for people, two hosts side by side, one
// line per segment, as RFC 9293's figures draw connections.
//
//   t (ms)  client 10.0.0.1:50123                                   server 10.0.0.2:80
//           CLOSED                                                  LISTEN
//    0.000  SYN_SENT     ---- SYN seq=100 len=0 win=65535 <mss 1460,ws 3> ---->
//   10.000               <--- SYN,ACK seq=300 ack=101 ... ---------------------  SYN_RECEIVED
//
// The time is when the segment was sent (virtual time in the simulator). A
// state a host enters is printed on its own side: on the line of the segment
// it sends in response at that instant if it sends one, else on the line of
// the segment whose arrival caused it, else on a line of its own (TIME-WAIT's
// end: "CLOSED  (after 2MSL)"). Marks in brackets tell what else happened:
// [retransmission], [loss probe] (RFC 8985 §7.3), [lost], [duplicated], [reordered], [corrupted],
// [too big for MTU], [dropped: <reason>] at the receiver; an arrow that never
// reached the other side's TCP ends in X.
#include <cstdint>
#include <string>

#include "trace/trace.h"

namespace synack::trace {

struct LadderOptions {
  bool color = false;  // ANSI colours (for terminals)
  uint8_t left = 0;    // host indices of the two columns
  uint8_t right = 1;
};

std::string render_ladder(const Trace& trace, const LadderOptions& options = {});

}  // namespace synack::trace
