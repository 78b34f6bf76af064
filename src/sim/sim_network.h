#pragma once
// sim::SimNetwork — a deterministic discrete-event simulation of hosts (each a
// stack::Stack with its own address and ISN generator) joined by SimLinks, on
// a virtual clock.
//
// One step() handles the earliest pending event: a packet arriving on a link,
// a stack timer, or an app's wake-up (ties in that order, then by host and
// link index). Then every app is polled and every stack's output is moved
// onto the links. Nothing reads the real clock and all randomness comes from
// the seed, so the same seed and the same calls give the same run, byte for
// byte. Every run_* loop is bounded in steps and in virtual time.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"
#include "link/link_event.h"
#include "link/pcap_recorder.h"
#include "sim/app.h"
#include "sim/link_params.h"
#include "sim/sim_link.h"
#include "stack/stack.h"

namespace synack::sim {

using base::Duration;
using base::Instant;
using HostId = uint32_t;

struct HostConfig {
  std::string name;
  wire::Ipv4Addr addr;
  stack::StackConfig stack;  // its addr is set to `addr`; port_secret 0 is derived from the seed
  // Null: RFC 6528 ISNs keyed from the network's seed and the host's index.
  std::unique_ptr<tcp::IsnGenerator> isn;
};

struct RunLimits {
  uint64_t max_steps = 20'000'000;
  Duration max_time = Duration::seconds(24 * 3600);  // virtual time, from the start of the run
};

enum class RunStatus : uint8_t {
  Idle,       // nothing left to happen: no packet in flight, no timer, no wake-up
  Done,       // run_until's predicate became true
  Elapsed,    // run_for's duration has passed
  StepLimit,  // RunLimits::max_steps reached
  TimeLimit,  // the next event lies beyond RunLimits::max_time
};
std::string_view to_string(RunStatus s);

class SimNetwork {
 public:
  explicit SimNetwork(uint64_t seed, Instant start = Instant::zero());
  ~SimNetwork();
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  // ---- Topology ----
  base::Expected<HostId, SimError> add_host(HostConfig cfg);
  // A link between a and b, with parameters per direction.
  base::Expected<void, SimError> add_link(HostId a, HostId b, const LinkParams& a_to_b,
                                          const LinkParams& b_to_a);
  base::Expected<void, SimError> add_link(HostId a, HostId b, const LinkParams& both) {
    return add_link(a, b, both, both);
  }

  // ---- Hosts ----
  size_t host_count() const { return hosts_.size(); }
  stack::Stack& stack(HostId h);
  const stack::Stack& stack(HostId h) const;
  const std::string& name(HostId h) const;
  wire::Ipv4Addr addr(HostId h) const;
  void set_app(HostId h, App* app);                  // not owned; null removes it
  void set_observer(HostId h, stack::Observer* o);   // the host stack's observer
  // Record every packet the host sends and receives at its interface (sent
  // packets before the link impairs them, received ones as they arrive).
  void record(HostId h, link::PcapRecorder* rec);
  void set_link_observer(link::LinkObserver* o);
  const SimLink* link(HostId from, HostId to) const;  // null if not linked

  // ---- Running ----
  Instant now() const { return now_; }
  uint64_t steps() const { return steps_; }
  uint64_t no_route() const { return no_route_; }  // packets to an address no link reaches
  // Move every stack's queued output onto the links and poll the apps (for
  // callers that acted on a stack directly). step() starts with this.
  void flush();
  // Handle the earliest event. False if there is none (the network is idle).
  bool step();
  RunStatus run_until_idle(const RunLimits& limits = {});
  // Handle every event up to now + d, then set the clock to now + d.
  RunStatus run_for(Duration d, const RunLimits& limits = {});
  // Step until pred() is true (checked before the first step and after each).
  RunStatus run_until(const std::function<bool()>& pred, const RunLimits& limits = {});

 private:
  struct Host;
  struct Route {
    wire::Ipv4Addr dst;
    SimLink* link;
  };
  enum class What : uint8_t { None, Packet, Timer, Wakeup };
  struct Next {
    Instant at = Instant::never();
    What what = What::None;
    size_t index = 0;
  };

  Host& host(HostId h);
  const Host& host(HostId h) const;
  Next next_event() const;
  void deliver(size_t link_index);
  void transmit(Host& h, base::Bytes packet);
  bool poll_apps();
  RunStatus bounded(const RunLimits& limits, Instant start, uint64_t first_step) const;

  uint64_t seed_;
  Instant now_;
  uint64_t steps_ = 0;
  uint64_t no_route_ = 0;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::vector<std::unique_ptr<SimLink>> links_;
  std::vector<HostId> link_dst_;  // receiving host of links_[i]
  link::LinkObserver* link_observer_ = nullptr;
  std::vector<uint8_t> rx_buf_;
};

}  // namespace synack::sim
