#pragma once
// trace::Trace — everything that happened on the hosts of a run, in order and
// with (virtual) time: segments sent, received and dropped (with the reason),
// state changes (from, to, cause), and what the links did with each packet
// (lost, duplicated, reordered, corrupted). Renderers turn it into a ladder
// diagram (ladder.h) or JSON lines (json_lines.h).
//
// Feed it with one stack::Observer per host (observer(name)) and, on the
// simulator, as the network's link::LinkObserver. Link events are tied to the
// segment they concern: the link numbers every packet it takes, and a host's
// packets reach the link in the order its stack sent them.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "link/link_event.h"
#include "stack/observer.h"
#include "tcp/drop_reason.h"
#include "tcp/event.h"
#include "tcp/state.h"
#include "trace/segment_info.h"

namespace synack::trace {

enum class TraceKind : uint8_t {
  Send,   // a segment left the host
  Recv,   // a segment reached TCP and was accepted
  Drop,   // a segment or packet that reached the host was dropped (`reason`)
  State,  // a connection changed state
};

inline constexpr uint8_t kNoHost = 0xff;

struct TraceEvent {
  base::Instant t;
  TraceKind kind = TraceKind::State;
  uint8_t host = 0;                  // index into Trace::hosts()
  std::optional<SegmentInfo> seg;    // Send, Recv, Drop (a Drop of an unparseable packet has none)
  tcp::DropReason reason = tcp::DropReason::None;  // Drop
  tcp::State from = tcp::State::Closed;            // State
  tcp::State to = tcp::State::Closed;
  tcp::Cause cause = tcp::Cause::UserOpen;
  uint32_t bytes = 0;                // Drop without a segment: the packet's size

  // Send only: what the link did with it.
  uint8_t peer = kNoHost;            // receiving host, once a link took the packet
  uint8_t marks = 0;                 // bit per link::LinkEventKind
  // Recv and Drop: the Send event this arrival is a copy of (index into
  // events()), when a link reported the delivery; -1 if unknown.
  int32_t match = -1;

  bool marked(link::LinkEventKind k) const { return marks & (1u << static_cast<unsigned>(k)); }
};

class Trace final : public link::LinkObserver {
 public:
  Trace();
  ~Trace() override;
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  // The observer recording for host `name` (made on first use; lives as long
  // as the Trace). Hosts are numbered in the order they are first named.
  stack::Observer& observer(std::string_view name);
  uint8_t host_index(std::string_view name);

  const std::vector<std::string>& hosts() const { return hosts_; }
  const std::vector<TraceEvent>& events() const { return events_; }
  // The host's local endpoint of the first segment it sent or received.
  std::optional<wire::Endpoint> endpoint(uint8_t host) const;

  // ---- Recording (what the observers call) ----
  void add_send(base::Instant t, uint8_t host, const wire::FourTuple& tuple, const tcp::Segment& s);
  void add_recv(base::Instant t, uint8_t host, const wire::FourTuple& tuple, const tcp::Segment& s,
                tcp::DropReason r);
  void add_packet_drop(base::Instant t, uint8_t host, base::Bytes ip_packet, tcp::DropReason r);
  void add_state(base::Instant t, uint8_t host, const wire::FourTuple& tuple, tcp::State from, tcp::State to,
                 tcp::Cause cause);
  void on_link_event(const link::LinkEvent& e) override;

 private:
  class HostObserver;
  using PacketKey = std::tuple<uint8_t, uint8_t, uint64_t>;  // from, to, link's number

  void note_endpoint(uint8_t host, const wire::FourTuple& tuple);
  int32_t take_delivery(uint8_t host);
  int32_t match_sent(uint8_t host, const SegmentInfo& seg);

  std::vector<std::string> hosts_;
  std::vector<std::unique_ptr<HostObserver>> observers_;
  std::vector<std::optional<wire::Endpoint>> endpoints_;
  std::vector<TraceEvent> events_;
  // Per host: Send events not yet tied to a link packet (a queue, by index).
  std::vector<std::vector<int32_t>> unlinked_;
  std::vector<size_t> unlinked_head_;
  std::map<PacketKey, int32_t> packets_;  // link packet -> Send event
  std::vector<int32_t> delivering_;       // per host: Send event of the packet being delivered
};

}  // namespace synack::trace
