#pragma once
// sim::App — an application on a simulated host. The network polls every app
// after each step (and again while apps keep acting), so an app sees its
// stack's events at the virtual instant they happen.
#include "base/time.h"

namespace synack::sim {

class App {
 public:
  virtual ~App() = default;
  // Drain the stack's events and act on them. Return true if the app called
  // into its stack (the network then flushes and polls again at this instant).
  virtual bool poll(base::Instant now) = 0;
  // When the app wants to be polled even if nothing happens (never: no timer).
  virtual base::Instant next_wakeup() const { return base::Instant::never(); }
};

}  // namespace synack::sim
