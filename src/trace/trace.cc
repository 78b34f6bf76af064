#include "trace/trace.h"

namespace synack::trace {

// The stack::Observer of one host: forwards to the Trace with the host's index.
class Trace::HostObserver final : public stack::Observer {
 public:
  HostObserver(Trace& t, uint8_t host) : trace_(t), host_(host) {}
  void on_send(base::Instant t, const wire::FourTuple& tuple, const tcp::Segment& s) override {
    trace_.add_send(t, host_, tuple, s);
  }
  void on_receive(base::Instant t, const wire::FourTuple& tuple, const tcp::Segment& s,
                  tcp::DropReason r) override {
    trace_.add_recv(t, host_, tuple, s, r);
  }
  void on_packet_drop(base::Instant t, base::Bytes packet, tcp::DropReason r) override {
    trace_.add_packet_drop(t, host_, packet, r);
  }
  void on_state_change(base::Instant t, const wire::FourTuple& tuple, tcp::State from, tcp::State to,
                       tcp::Cause cause) override {
    trace_.add_state(t, host_, tuple, from, to, cause);
  }

 private:
  Trace& trace_;
  uint8_t host_;
};

Trace::Trace() = default;
Trace::~Trace() = default;

uint8_t Trace::host_index(std::string_view name) {
  for (size_t i = 0; i < hosts_.size(); ++i) {
    if (hosts_[i] == name) return static_cast<uint8_t>(i);
  }
  // Host indices are small by design (a trace is for people to read);
  // past 254 hosts everything beyond shares the last slot.
  if (hosts_.size() >= kNoHost - 1) return static_cast<uint8_t>(kNoHost - 1);
  hosts_.emplace_back(name);
  observers_.push_back(std::make_unique<HostObserver>(*this, static_cast<uint8_t>(hosts_.size() - 1)));
  endpoints_.emplace_back();
  unlinked_.emplace_back();
  unlinked_head_.push_back(0);
  delivering_.push_back(-1);
  return static_cast<uint8_t>(hosts_.size() - 1);
}

stack::Observer& Trace::observer(std::string_view name) { return *observers_[host_index(name)]; }

std::optional<wire::Endpoint> Trace::endpoint(uint8_t host) const {
  return host < endpoints_.size() ? endpoints_[host] : std::nullopt;
}

void Trace::note_endpoint(uint8_t host, const wire::FourTuple& tuple) {
  if (!endpoints_[host]) endpoints_[host] = tuple.local;
}

void Trace::add_send(base::Instant t, uint8_t host, const wire::FourTuple& tuple, const tcp::Segment& s) {
  note_endpoint(host, tuple);
  TraceEvent e;
  e.t = t;
  e.kind = TraceKind::Send;
  e.host = host;
  e.seg = SegmentInfo::outgoing(tuple, s);
  unlinked_[host].push_back(static_cast<int32_t>(events_.size()));
  events_.push_back(e);
}

int32_t Trace::take_delivery(uint8_t host) {
  int32_t m = delivering_[host];
  delivering_[host] = -1;
  return m;
}

void Trace::add_recv(base::Instant t, uint8_t host, const wire::FourTuple& tuple, const tcp::Segment& s,
                     tcp::DropReason r) {
  note_endpoint(host, tuple);
  TraceEvent e;
  e.t = t;
  e.kind = r == tcp::DropReason::None ? TraceKind::Recv : TraceKind::Drop;
  e.host = host;
  e.seg = SegmentInfo::incoming(tuple, s);
  e.reason = r;
  e.match = take_delivery(host);
  events_.push_back(e);
}

void Trace::add_packet_drop(base::Instant t, uint8_t host, base::Bytes ip_packet, tcp::DropReason r) {
  TraceEvent e;
  e.t = t;
  e.kind = TraceKind::Drop;
  e.host = host;
  e.seg = SegmentInfo::decode(ip_packet);
  e.reason = r;
  e.bytes = static_cast<uint32_t>(ip_packet.size());
  e.match = take_delivery(host);
  events_.push_back(e);
}

void Trace::add_state(base::Instant t, uint8_t host, const wire::FourTuple& tuple, tcp::State from,
                      tcp::State to, tcp::Cause cause) {
  note_endpoint(host, tuple);
  TraceEvent e;
  e.t = t;
  e.kind = TraceKind::State;
  e.host = host;
  e.from = from;
  e.to = to;
  e.cause = cause;
  events_.push_back(e);
}

// The host's oldest Send not yet tied to a link packet that matches `seg`.
// Sends the link never saw (no route) are skipped over.
int32_t Trace::match_sent(uint8_t host, const SegmentInfo& seg) {
  auto& q = unlinked_[host];
  size_t& head = unlinked_head_[host];
  for (size_t i = head; i < q.size(); ++i) {
    if (events_[q[i]].seg->same_wire(seg)) {
      head = i + 1;
      return q[i];
    }
  }
  return -1;
}

void Trace::on_link_event(const link::LinkEvent& e) {
  uint8_t from = host_index(e.from);
  uint8_t to = host_index(e.to);
  PacketKey key{from, to, e.number};
  if (e.kind == link::LinkEventKind::Sent) {
    auto seg = SegmentInfo::decode(e.packet);
    if (!seg) return;  // not TCP: nothing in the trace to tie it to
    int32_t idx = match_sent(from, *seg);
    if (idx < 0) return;
    events_[idx].peer = to;
    events_[idx].marks |= static_cast<uint8_t>(1u << static_cast<unsigned>(e.kind));
    packets_[key] = idx;
    return;
  }
  auto it = packets_.find(key);
  int32_t idx = it == packets_.end() ? -1 : it->second;
  if (e.kind == link::LinkEventKind::Delivered) {
    delivering_[to] = idx;  // the next arrival the receiving host reports is this packet
    return;
  }
  if (idx >= 0) events_[idx].marks |= static_cast<uint8_t>(1u << static_cast<unsigned>(e.kind));
}

}  // namespace synack::trace
