#pragma once
// CorePair: two tcp::Connections joined by a lossless, zero-delay FIFO on a
// virtual clock (1 us per segment), for the core micro-benchmarks. Leaner than
// tests/common/conn_pair.h (no delay queue to scan, no loss model), so the
// figures are the core's. Payloads are copied into the FIFO like a wire would.
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "tcp/connection.h"

namespace synack::bench {

class CorePair {
 public:
  explicit CorePair(const tcp::Config& cfg) : isn_a_(1000), isn_b_(5000), scratch_(cfg.mss) {
    env_a_.config = cfg;
    env_a_.isn = &isn_a_;
    env_b_.config = cfg;
    env_b_.isn = &isn_b_;
    slots_.resize(kSlots);
    for (auto& s : slots_) s.data.resize(cfg.mss);
  }

  // Fresh connections: a (client, 10.0.0.1:40000) and b (server, listening).
  void reset() {
    wire::FourTuple ta{{wire::Ipv4Addr(10, 0, 0, 1), 40000}, {wire::Ipv4Addr(10, 0, 0, 2), 80}};
    a_.reset();
    b_.reset();
    drain_events();
    a_.emplace(env_a_, ta);
    b_.emplace(env_b_, wire::FourTuple{ta.remote, ta.local});
    (void)b_->listen();
    drain_events();
  }

  tcp::Connection& a() { return *a_; }
  tcp::Connection& b() { return *b_; }
  base::Instant now() const { return now_; }
  uint64_t delivered() const { return delivered_; }

  // Move segments until both connections are quiet (timers are fired when due).
  // Returns false if the bound was hit.
  bool run(size_t max_segments = 1'000'000) {
    for (size_t i = 0; i < max_segments; ++i) {
      flush(*a_, 1);
      flush(*b_, 0);
      if (count_ == 0) return true;
      Slot& s = slots_[head_];
      head_ = (head_ + 1) % kSlots;
      --count_;
      now_ += base::Duration::micros(1);
      tcp::Segment seg = s.seg;
      seg.payload = base::Bytes(s.data.data(), s.len);
      (s.to == 0 ? *a_ : *b_).on_segment(now_, seg);
      ++delivered_;
      drain_events();
      fire_timers();
    }
    return false;
  }

 private:
  static constexpr size_t kSlots = 4096;
  struct Slot {
    tcp::Segment seg;
    std::vector<uint8_t> data;
    uint32_t len = 0;
    int to = 0;
  };

  void flush(tcp::Connection& c, int to) {
    for (int i = 0; i < 100000; ++i) {
      auto s = c.poll_transmit(now_, scratch_);
      if (!s) return;
      if (count_ == kSlots) std::abort();  // window larger than the FIFO
      Slot& slot = slots_[(head_ + count_) % kSlots];
      ++count_;
      slot.seg = *s;
      slot.len = static_cast<uint32_t>(s->payload.size());
      if (slot.len) std::memcpy(slot.data.data(), s->payload.data(), slot.len);
      slot.to = to;
    }
  }
  void drain_events() {
    while (!env_a_.events.empty()) env_a_.events.pop();
    while (!env_b_.events.empty()) env_b_.events.pop();
  }
  void fire_timers() {
    if (a_ && a_->next_deadline() <= now_) a_->on_timeout(now_);
    if (b_ && b_->next_deadline() <= now_) b_->on_timeout(now_);
    drain_events();
  }

  tcp::FixedIsn isn_a_, isn_b_;
  tcp::Env env_a_, env_b_;
  std::optional<tcp::Connection> a_, b_;
  std::vector<Slot> slots_;
  size_t head_ = 0, count_ = 0;
  std::vector<uint8_t> scratch_;
  base::Instant now_ = base::Instant::from_micros(1'000'000);
  uint64_t delivered_ = 0;
};

}  // namespace synack::bench
