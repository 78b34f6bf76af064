#pragma once
// Observer: how traces, ladders and pcaps watch a stack without the stack
// knowing about them. Every segment sent or received, every drop and every
// state change passes through here.
#include <cstdint>

#include "base/bytes.h"
#include "base/time.h"
#include "tcp/drop_reason.h"
#include "tcp/event.h"
#include "tcp/segment.h"
#include "wire/ipv4_addr.h"

namespace synack::stack {

class Observer {
 public:
  virtual ~Observer() = default;
  // A TCP segment leaving the stack; `tuple` is from the local side.
  virtual void on_send(base::Instant, const wire::FourTuple&, const tcp::Segment&) {}
  // A TCP segment that reached TCP input; reason None if accepted.
  virtual void on_receive(base::Instant, const wire::FourTuple&, const tcp::Segment&, tcp::DropReason) {}
  // A packet dropped before TCP could look at it (IP errors, checksums...):
  // always the whole IPv4 packet as it arrived.
  virtual void on_packet_drop(base::Instant, base::Bytes, tcp::DropReason) {}
  virtual void on_state_change(base::Instant, const wire::FourTuple&, tcp::State, tcp::State, tcp::Cause) {}
};

}  // namespace synack::stack
