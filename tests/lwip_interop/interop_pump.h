#pragma once
// InteropPump: a synack Stack (10.0.0.1) and the process's LwipPeer
// (10.0.0.2) joined by an in-memory link, one thread, one virtual clock.
//
// One step: the apps on both sides do what they can (send, read, close), then
// every packet waiting on either side crosses the link (synack's
// poll_transmit -> lwIP's ip4_input, lwIP's netif output -> Stack::on_packet),
// through an optional seeded loss filter. When a step moves nothing, the
// clock jumps to the earliest of synack's next_deadline() and lwIP's next
// timeout (sys_timeouts_sleeptime) and both fire their due timers. Every loop
// is bounded in steps and in virtual time; a bound that runs out is a test
// failure whose report() shows the last packets on the wire, both sides'
// states and the apps' progress.
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/rng.h"
#include "lwip_peer.h"
#include "stack/stack.h"
#include "trace/segment_info.h"

namespace synack::lwip_interop {

using base::Duration;

// The synack side's application for one connection (the same plan as LwipApp).
class SynackApp {
 public:
  explicit SynackApp(const AppPlan& plan) : plan_(plan) {}
  // Server role: accept the first connection that arrives on `port`.
  void accept_on(uint16_t port) { listen_port_ = port; }
  void attach(stack::ConnId id) { id_ = id; }

  // Accept, send, read and verify, and close passively when planned.
  void service(stack::Stack& s, Instant now);
  void on_event(const stack::StackEvent& e);
  // Active close: Stack::close gives up the handle; the stack finishes the close.
  void close(stack::Stack& s, Instant now);

  std::optional<stack::ConnId> id() const { return id_; }
  const wire::FourTuple& tuple() const { return tuple_; }
  uint64_t sent() const { return sent_; }
  uint64_t received() const { return received_; }
  bool eof() const { return eof_; }
  bool closed() const { return closed_; }
  std::optional<tcp::Error> error() const { return error_; }
  const std::string& problem() const { return problem_; }
  std::string describe() const;

 private:
  AppPlan plan_;
  uint16_t listen_port_ = 0;
  std::optional<stack::ConnId> id_;
  wire::FourTuple tuple_;
  uint64_t sent_ = 0;
  uint64_t received_ = 0;
  bool eof_ = false;
  bool closed_ = false;
  std::optional<tcp::Error> error_;
  std::string problem_;
  std::vector<uint8_t> buf_ = std::vector<uint8_t>(64 * 1024);
};

// What crossed the link in one direction.
struct DirectionStats {
  uint64_t packets = 0;
  uint64_t dropped = 0;       // by the loss filter
  uint64_t payload_bytes = 0; // delivered or not
  uint32_t max_payload = 0;
  uint64_t rst = 0;
  uint64_t with_timestamps = 0;     // segments without SYN that carry TSopt
  uint64_t with_sack_blocks = 0;    // segments carrying SACK blocks
  std::optional<wire::TcpOptions> syn_options;     // first SYN (no ACK) sent this way
  std::optional<wire::TcpOptions> syn_ack_options; // first SYN,ACK sent this way
};

// A state change synack reported to the observer.
struct StateChange {
  Instant at;
  wire::FourTuple tuple;
  tcp::State from;
  tcp::State to;
  tcp::Cause cause;
};

class InteropPump final : private stack::Observer {
 public:
  static constexpr wire::Ipv4Addr kSynackAddr{10, 0, 0, 1};

  InteropPump(LwipPeer& peer, const stack::StackConfig& cfg, uint32_t synack_isn);
  ~InteropPump() override;
  InteropPump(const InteropPump&) = delete;
  InteropPump& operator=(const InteropPump&) = delete;

  stack::Stack& synack() { return *stack_; }
  LwipPeer& lwip() { return peer_; }
  SynackApp& app() { return app_; }
  void set_app(const AppPlan& plan) { app_ = SynackApp(plan); }
  Instant now() const { return peer_.now(); }

  // Drop each packet with probability `p` (both directions), seeded.
  void set_loss(double p, uint64_t seed) {
    loss_ = p;
    rng_ = base::Rng(seed);
  }

  // Steps until done() holds. False if `max_time` of virtual time or
  // `max_steps` steps pass first; failure() then says what was waited for.
  bool run_until(const std::function<bool()>& done, std::string_view what,
                 Duration max_time = Duration::seconds(600), uint64_t max_steps = 2'000'000);
  // Runs for `d` of virtual time (timers fire, packets flow).
  void advance(Duration d);

  const DirectionStats& to_lwip() const { return to_lwip_; }
  const DirectionStats& to_synack() const { return to_synack_; }
  const std::vector<StateChange>& state_changes() const { return changes_; }
  // Transitions that are not edges of the RFC 9293 diagram (should be empty).
  const std::vector<std::string>& illegal_transitions() const { return illegal_; }
  // The synack-side path of one connection: its states in order, starting with the first `from`.
  std::vector<tcp::State> synack_path(const wire::FourTuple& t) const;
  const std::string& failure() const { return failure_; }
  // The last packets on the wire, both sides' states, the apps' progress.
  std::string report() const;

 private:
  struct Sent {
    Instant at;
    bool to_lwip;
    bool dropped;
    std::optional<trace::SegmentInfo> seg;
    size_t bytes;
  };
  bool step();
  void fire_timers(Instant limit);
  void carry(base::Bytes packet, bool to_lwip);
  void on_state_change(Instant now, const wire::FourTuple& t, tcp::State from, tcp::State to,
                       tcp::Cause cause) override;

  static constexpr size_t kHeadLen = 8;    // the handshake
  static constexpr size_t kTraceLen = 48;  // the latest packets
  static constexpr size_t kControlLen = 32; // SYN, FIN and RST packets
  LwipPeer& peer_;
  tcp::FixedIsn isn_;
  std::unique_ptr<stack::Stack> stack_;
  SynackApp app_{AppPlan{}};
  double loss_ = 0;
  base::Rng rng_{1};
  Instant start_;
  uint64_t steps_ = 0;
  DirectionStats to_lwip_, to_synack_;
  std::vector<Sent> head_;
  std::vector<Sent> control_;
  std::deque<Sent> trace_;
  std::vector<StateChange> changes_;
  std::vector<std::string> illegal_;
  std::string failure_;
};

}  // namespace synack::lwip_interop
