#pragma once
// Two stacks joined back to back in memory (no delay, no loss), stepped on a
// virtual clock. For stack tests; the full simulator lives in src/sim.
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "stack/stack.h"

namespace synack::testing {

class StackPair {
 public:
  explicit StackPair(stack::StackConfig base = {}, uint32_t isn_a = 100, uint32_t isn_b = 300)
      : StackPair(base, base, isn_a, isn_b) {}
  // Each stack from its own template (addresses and port secrets are set here).
  StackPair(stack::StackConfig base_a, stack::StackConfig base_b, uint32_t isn_a = 100, uint32_t isn_b = 300)
      : isn_a_(isn_a), isn_b_(isn_b) {
    stack::StackConfig ca = base_a, cb = base_b;
    ca.addr = wire::Ipv4Addr(10, 0, 0, 1);
    cb.addr = wire::Ipv4Addr(10, 0, 0, 2);
    ca.port_secret = 1;
    cb.port_secret = 2;
    a_ = std::make_unique<stack::Stack>(ca, isn_a_);
    b_ = std::make_unique<stack::Stack>(cb, isn_b_);
  }
  stack::Stack& a() { return *a_; }
  stack::Stack& b() { return *b_; }
  base::Instant now() const { return now_; }
  // Optional filter: return false to drop a packet travelling a->b (to_b) or b->a.
  std::function<bool(std::vector<uint8_t>&, bool to_b)> filter;
  // Optional: how a stack's next packet is taken (default: poll_transmit()).
  std::function<std::optional<base::Bytes>(stack::Stack&)> drain;
  // Optional: every packet either stack sent, in order, before the filter.
  std::vector<std::vector<uint8_t>>* sent = nullptr;

  // Move packets until both stacks are quiet (no timers are advanced).
  void exchange() {
    for (int i = 0; i < 100000; ++i) {
      bool moved = false;
      take(*a_, true);
      take(*b_, false);
      while (!q_.empty()) {
        auto [bytes, to_b] = std::move(q_.front());
        q_.pop_front();
        moved = true;
        if (filter && !filter(bytes, to_b)) continue;
        (to_b ? b_ : a_)->on_packet(now_, bytes);
        break;
      }
      if (!moved) return;
    }
  }
  // Advance virtual time by d, firing timers and exchanging packets.
  void advance(base::Duration d) {
    base::Instant end = now_ + d;
    exchange();
    for (int i = 0; i < 1000000; ++i) {
      base::Instant next = std::min(a_->next_deadline(), b_->next_deadline());
      if (next > end) break;
      now_ = std::max(now_, next);
      a_->on_timeout(now_);
      b_->on_timeout(now_);
      exchange();
    }
    now_ = end;
  }

 private:
  void take(stack::Stack& s, bool to_b) {
    for (int n = 0; n < 100000; ++n) {
      auto p = drain ? drain(s) : s.poll_transmit();
      if (!p) return;
      q_.push_back({std::vector<uint8_t>(p->begin(), p->end()), to_b});
      if (sent) sent->push_back(q_.back().first);
    }
  }
  tcp::FixedIsn isn_a_, isn_b_;
  std::unique_ptr<stack::Stack> a_, b_;
  base::Instant now_ = base::Instant::from_micros(1'000'000);
  std::deque<std::pair<std::vector<uint8_t>, bool>> q_;
};

}  // namespace synack::testing
