#include "pdrill/driver.h"

#include <string>

namespace synack::pdrill {

Driver::Driver(const stack::StackConfig& cfg, uint64_t seed)
    : isn_(std::make_unique<tcp::Rfc6528Isn>(tcp::Rfc6528Isn::key_from_seed(seed))) {
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

void Driver::on_receive(base::Instant at, const wire::FourTuple&, const tcp::Segment&, tcp::DropReason r) {
  if (r != tcp::DropReason::None) log_.add(at, LogKind::Drop, "dropped: " + std::string(tcp::to_string(r)));
}

void Driver::on_packet_drop(base::Instant at, base::Bytes, tcp::DropReason r) {
  log_.add(at, LogKind::Drop, "dropped before TCP: " + std::string(tcp::to_string(r)));
}

void Driver::on_state_change(base::Instant at, const wire::FourTuple& t, tcp::State from, tcp::State to,
                             tcp::Cause c) {
  log_.add(at, LogKind::State,
           std::string(tcp::to_string(from)) + " -> " + std::string(tcp::to_string(to)) + " (" +
               std::string(tcp::to_string(c)) + ", port " + std::to_string(t.local.port) + ")");
}

}  // namespace synack::pdrill
