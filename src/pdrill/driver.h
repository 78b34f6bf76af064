#pragma once
// Driver: one synack Stack on a virtual clock, seen from the link. The runner injects
// packets, runs the stack's timers up to a time (so 2*MSL costs no wall time), and
// takes the packets the stack sent, each stamped with the virtual time it left.
#include <deque>
#include <functional>
#include <memory>

#include "base/bytes.h"
#include "base/time.h"
#include "pdrill/live_packet.h"
#include "pdrill/run_log.h"
#include "pdrill/seq_map.h"
#include "stack/observer.h"
#include "stack/stack.h"
#include "tcp/isn.h"
#include "trace/trace.h"

namespace synack::pdrill {

class Driver final : private stack::Observer {
 public:
  // `seed` keys the ISN generator and the ephemeral-port hash (deterministic runs).
  Driver(const stack::StackConfig& cfg, uint64_t seed);
  ~Driver() override;
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  stack::Stack& stack() { return *stack_; }
  const stack::Stack& stack() const { return *stack_; }
  base::Instant now() const { return now_; }
  RunLog& log() { return log_; }
  // src/trace's ladder of the run: synack on the left, the script on the right.
  std::vector<std::string> ladder() const;
  // The script took this outbound packet (the ladder's arrow reaches it).
  void delivered(const Captured& c);

  // Called after every timer batch and every injected packet (blocking calls check
  // whether they can return).
  void set_step_hook(std::function<void()> hook) { hook_ = std::move(hook); }

  // Fire every stack timer due at or before `t`, in order, then set the clock to `t`.
  // Never moves the clock backwards.
  void advance_to(base::Instant t);
  // Fire only the next timer batch if it is due at or before `limit`; false if none.
  bool step(base::Instant limit);
  void inject(base::Bytes ip_packet);
  // After any application call on the stack: take what it sent.
  void collect();

  std::deque<Captured>& outbound() { return out_; }

 private:
  void on_send(base::Instant, const wire::FourTuple&, const tcp::Segment&) override;
  void on_receive(base::Instant, const wire::FourTuple&, const tcp::Segment&, tcp::DropReason) override;
  void on_packet_drop(base::Instant, base::Bytes, tcp::DropReason) override;
  void on_state_change(base::Instant, const wire::FourTuple&, tcp::State, tcp::State, tcp::Cause) override;

  std::unique_ptr<tcp::IsnGenerator> isn_;
  std::unique_ptr<stack::Stack> stack_;
  base::Instant now_ = base::Instant::zero();
  std::deque<Captured> out_;
  RunLog log_;
  trace::Trace trace_;
  stack::Observer* synack_trace_ = nullptr;  // trace_'s observer for the synack host
  uint8_t synack_host_ = 0;
  uint8_t script_host_ = 0;
  SeqMap display_;  // for the log only: every outbound SYN resets it
  std::function<void()> hook_;
};

}  // namespace synack::pdrill
