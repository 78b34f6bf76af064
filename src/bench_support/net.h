#pragma once
// BenchNet: one server stack and C client stacks in one process, joined by an
// in-memory wire, on a virtual clock. The benchmarks' common ground.
//
// - Every packet is in the wire's own memory, a FIFO of slots, as in a NIC's
//   transmit ring: the stack builds it there (Stack::poll_transmit_into), the
//   one copy of its payload on the way out, as the anchors make one (lwIP's
//   pbuf_clone, the kernel's copy from the socket). The wire delivers it to
//   the stack that owns the destination address, one packet at a time and
//   never re-entrantly.
// - The clock is virtual and advances only with the work: `tick` per packet
//   delivered. When the wire is empty and only a timer is pending, it jumps to
//   that timer (a "stall", counted). So TIME-WAIT records (2*MSL = 60 s)
//   accumulate over a run as they do in the lwIP anchor's run.
// - Addresses: the server is 10.0.0.1, client i is 10.1.0.0 + i + 1.
//
// An application (StackApp) sits on top: after anything happened to stack i
// (a packet arrived, a timer fired) BenchNet calls app->on_activity(i), which
// drains that stack's events and may call it (and no other stack); BenchNet
// then moves the stack's packets onto the wire and notes its next deadline.
// After an application call made outside on_activity, call touched(i).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/time.h"
#include "bench_support/measure.h"
#include "stack/stack.h"
#include "tcp/isn.h"

namespace synack::bench {

struct NetConfig {
  stack::StackConfig stack;  // template for every stack; addr and port_secret are set per stack
  size_t clients = 1;
  base::Duration tick = base::Duration::micros(1);
  uint64_t seed = 1;
  // Hint each stack about the next packets (Stack::prefetch). It pays with
  // tables larger than the caches (the scale benchmark turns it on) and costs
  // a few hundred instructions per lifecycle when everything is cached.
  bool prefetch = false;
};

class StackApp {
 public:
  virtual ~StackApp() = default;
  virtual void on_activity(size_t stack_index) = 0;
};

// The wire: a FIFO of packets in fixed-size slots, grown by doubling.
class PacketFifo {
 public:
  explicit PacketFifo(size_t slot_bytes, size_t initial_slots = 1024);
  // Packets are built in place: the slot the next packet goes in, then
  // commit with the packet (a view inside that slot).
  base::MutBytes back_slot();
  // The slot `ahead` places after the back one (for a prefetch), or nothing
  // if the FIFO would have to grow first.
  const uint8_t* slot_after_back(size_t ahead) const;
  void commit(uint32_t dst, base::Bytes packet_in_slot);
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }
  // The oldest packet; its bytes stay valid until the next back_slot.
  struct Packet {
    uint32_t dst;
    base::Bytes bytes;
  };
  Packet pop();
  // The i-th oldest packet (i < size()), left in place.
  Packet peek(size_t i) const;
  void reserve(size_t slots);

 private:
  void grow(size_t slots);
  size_t slot_bytes_;
  std::vector<uint8_t> arena_;
  std::vector<uint32_t> dst_, off_, len_;
  size_t head_ = 0, count_ = 0;
};

class BenchNet {
 public:
  static constexpr size_t kServer = 0;

  explicit BenchNet(const NetConfig& cfg);
  ~BenchNet();
  BenchNet(const BenchNet&) = delete;
  BenchNet& operator=(const BenchNet&) = delete;

  size_t stack_count() const { return stacks_.size(); }
  stack::Stack& stack(size_t i) { return *stacks_[i]; }
  stack::Stack& server() { return *stacks_[kServer]; }
  static wire::Ipv4Addr addr_of(size_t i);
  base::Instant now() const { return now_; }
  const NetConfig& config() const { return cfg_; }

  void set_app(StackApp* app) { app_ = app; }
  // After an application call on stack i made outside on_activity.
  void touched(size_t i);
  // Deliver the oldest packet, then fire any timer that fell due. false: the wire was empty.
  bool deliver_one();
  // With the wire empty: jump to the earliest timer and fire it. false: no timer pending.
  bool stall();
  // Deliver packets and fire timers until the wire is empty and no timer is
  // due before now + d; the clock then reads now + d (for work outside the timing).
  void advance(base::Duration d, LoopGuard& guard);

  size_t in_flight() const { return wire_.size(); }
  uint64_t packets() const { return packets_; }
  uint64_t stalls() const { return stalls_; }
  void reserve_wire(size_t packets) { wire_.reserve(packets); }

  // Heap metering (memory benchmark): while on, the heap growth during each
  // stack's work (input, timers, output, the application's calls) is added to
  // that stack's account. Off, it costs one branch.
  void set_metering(bool on) { metering_ = on; }
  int64_t metered(size_t i) const { return metered_[i]; }
  template <class F>
  void meter(size_t i, F&& f) {
    if (!metering_) return f();
    size_t before = heap_in_use();
    f();
    metered_[i] += static_cast<int64_t>(heap_in_use()) - static_cast<int64_t>(before);
  }

 private:
  size_t index_of(wire::Ipv4Addr a) const;
  void collect(size_t i);
  void note_deadline(size_t i);
  void fire_due();

  NetConfig cfg_;
  std::vector<std::unique_ptr<tcp::Rfc6528Isn>> isns_;
  std::vector<std::unique_ptr<stack::Stack>> stacks_;
  PacketFifo wire_;
  StackApp* app_ = nullptr;
  base::Instant now_ = base::Instant::from_micros(1'000'000);
  std::vector<base::Instant> deadlines_;  // each stack's next_deadline() after the last call into it
  base::Instant next_timer_ = base::Instant::never();  // the earliest of deadlines_
  uint64_t packets_ = 0;
  uint64_t stalls_ = 0;
  bool metering_ = false;
  std::vector<int64_t> metered_;
};

}  // namespace synack::bench
