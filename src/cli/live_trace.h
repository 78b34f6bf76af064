#pragma once
// LiveTrace: `--trace` for serve and connect — one line per segment sent or
// received, per drop and per state change, written as they happen:
//
//   +0.001234 10.77.0.2:80 < 10.77.0.1:40000  SYN seq=... len=0 win=64240 <mss 1460,sack_ok,ts 1 0,ws 7>
//   +0.001240 10.77.0.2:80 - 10.77.0.1:40000  LISTEN -> SYN_RECEIVED (rcv_syn)
//
// A thin stack::Observer over the trace module's segment description
// (trace::SegmentInfo) and identifiers (trace::cause_id, drop_reason_id), so
// a live trace reads like `synack demo`'s ladder and JSON.
#include <cstdio>

#include "stack/observer.h"

namespace synack::cli {

class LiveTrace final : public stack::Observer {
 public:
  LiveTrace(std::FILE* out, base::Instant start) : out_(out), start_(start) {}
  void on_send(base::Instant now, const wire::FourTuple& t, const tcp::Segment& s) override;
  void on_receive(base::Instant now, const wire::FourTuple& t, const tcp::Segment& s,
                  tcp::DropReason r) override;
  void on_packet_drop(base::Instant now, base::Bytes packet, tcp::DropReason r) override;
  void on_state_change(base::Instant now, const wire::FourTuple& t, tcp::State from, tcp::State to,
                       tcp::Cause cause) override;

 private:
  double secs(base::Instant now) const { return (now - start_).secs(); }
  std::FILE* out_;
  base::Instant start_;
};

}  // namespace synack::cli
