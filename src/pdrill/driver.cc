#include "pdrill/driver.h"

#include <sstream>
#include <string>

#include "trace/ladder.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::pdrill {

namespace {
// A segment decoded from an IPv4 packet, with the 4-tuple seen from its sender.
struct Decoded {
  wire::FourTuple from_sender;
  tcp::Segment seg;
};

std::optional<Decoded> decode_segment(base::Bytes packet) {
  auto ip = wire::Ipv4View::parse(packet);
  if (!ip || ip->protocol() != wire::kProtoTcp) return std::nullopt;
  auto tcp = wire::TcpView::parse(ip->payload());
  if (!tcp) return std::nullopt;
  return Decoded{{{ip->src(), tcp->src_port()}, {ip->dst(), tcp->dst_port()}}, tcp::Segment::from_view(*tcp)};
}
}  // namespace

Driver::Driver(const stack::StackConfig& cfg, uint64_t seed)
    : isn_(std::make_unique<tcp::Rfc6528Isn>(tcp::Rfc6528Isn::key_from_seed(seed))) {
  synack_host_ = trace_.host_index("synack");
  script_host_ = trace_.host_index("script");
  synack_trace_ = &trace_.observer("synack");
  stack::StackConfig c = cfg;
  c.port_secret = seed;
  stack_ = std::make_unique<stack::Stack>(c, *isn_);
  stack_->set_observer(this);
}

Driver::~Driver() { stack_->set_observer(nullptr); }

bool Driver::step(base::Instant limit) {
  base::Instant d = stack_->next_deadline();
  if (d.is_never() || d > limit) return false;
  if (d > now_) now_ = d;
  stack_->on_timeout(now_);
  collect();
  if (hook_) hook_();
  return true;
}

void Driver::advance_to(base::Instant t) {
  // A timer that does not move its deadline forward would loop for ever.
  for (int guard = 0; guard < 10'000'000 && step(t); ++guard) {
  }
  if (t > now_) now_ = t;
}

void Driver::inject(base::Bytes ip_packet) {
  if (auto d = decode_segment(ip_packet)) trace_.add_send(now_, script_host_, d->from_sender, d->seg);
  stack_->on_packet(now_, ip_packet);
  collect();
  if (hook_) hook_();
}

void Driver::collect() {
  while (auto p = stack_->poll_transmit()) {
    Captured c{now_, std::vector<uint8_t>(p->begin(), p->end())};
    LivePacket lp = decode_live(c);
    if (lp.is_tcp && lp.syn()) display_.learn_local_isn(lp.seq, 0);
    log_.add(now_, LogKind::Outbound, describe_live(lp, display_));
    out_.push_back(std::move(c));
  }
  while (stack_->poll_event()) {
  }
}

void Driver::delivered(const Captured& c) {
  if (auto d = decode_segment(c.bytes)) {
    wire::FourTuple at_script{d->from_sender.remote, d->from_sender.local};
    trace_.add_recv(c.at, script_host_, at_script, d->seg, tcp::DropReason::None);
  }
}

std::vector<std::string> Driver::ladder() const {
  std::vector<std::string> lines;
  std::istringstream in(trace::render_ladder(trace_, {false, synack_host_, script_host_}));
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

void Driver::on_send(base::Instant at, const wire::FourTuple& t, const tcp::Segment& s) {
  synack_trace_->on_send(at, t, s);
}

void Driver::on_receive(base::Instant at, const wire::FourTuple& t, const tcp::Segment& s, tcp::DropReason r) {
  synack_trace_->on_receive(at, t, s, r);
  if (r != tcp::DropReason::None) log_.add(at, LogKind::Drop, "dropped: " + std::string(tcp::to_string(r)));
}

void Driver::on_packet_drop(base::Instant at, base::Bytes b, tcp::DropReason r) {
  synack_trace_->on_packet_drop(at, b, r);
  log_.add(at, LogKind::Drop, "dropped before TCP: " + std::string(tcp::to_string(r)));
}

void Driver::on_state_change(base::Instant at, const wire::FourTuple& t, tcp::State from, tcp::State to,
                             tcp::Cause c) {
  synack_trace_->on_state_change(at, t, from, to, c);
  log_.add(at, LogKind::State,
           std::string(tcp::to_string(from)) + " -> " + std::string(tcp::to_string(to)) + " (" +
               std::string(tcp::to_string(c)) + ", port " + std::to_string(t.local.port) + ")");
}

}  // namespace synack::pdrill
