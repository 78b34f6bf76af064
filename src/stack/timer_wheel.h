#pragma once
// TimerWheel: one hashed timing wheel for all of a stack's connections
// (Varghese & Lauck). Each id (a connection slot) has at most one deadline;
// scheduling, rescheduling and cancelling are O(1). Slots are 1 ms wide and the
// wheel spans 65.5 s; later deadlines wait in their slot until their turn.
#include <cstdint>
#include <vector>

#include "base/prefetch.h"
#include "base/time.h"

namespace synack::stack {

using base::Instant;

class TimerWheel {
 public:
  static constexpr uint32_t kNone = 0xffffffffu;

  TimerWheel();

  // Set id's deadline (replacing any previous one); Instant::never() cancels.
  void schedule(uint32_t id, Instant at);
  // Inline: after most segments the connection has no deadline or keeps its
  // own, and this is all the work there is.
  void cancel(uint32_t id) {
    if (scheduled(id)) unlink(id);
  }
  // Make sure id fires no later than `at`: reschedule only if that is earlier
  // than its current deadline. A deadline that moved later is left to fire
  // early; the owner then finds nothing due and schedules the real one. This
  // keeps a retransmission timer that is pushed back on every ACK from
  // touching the wheel on every ACK. No deadline at all (the connection went
  // idle) cancels at once: a stale entry would fire later on a connection
  // nobody touched since, which at a million connections is a cache miss
  // for nothing, while the node is still warm now.
  void schedule_no_later(uint32_t id, Instant at) {
    if (at.is_never()) {
      cancel(id);
      return;
    }
    if (scheduled(id) && nodes_[id].at <= at) return;
    schedule(id, at);
  }
  // Start loading id's node (see Stack::prefetch).
  void prefetch(uint32_t id) const {
    if (id < node_count_) base::prefetch(&nodes_[id]);
  }
  bool scheduled(uint32_t id) const { return id < node_count_ && nodes_[id].slot != kNone; }
  size_t size() const { return count_; }

  // A lower bound of the earliest deadline (exact after expire()).
  Instant next_deadline() const { return next_; }

  // Remove every id whose deadline is <= now and append it to `out`.
  void expire(Instant now, std::vector<uint32_t>& out);

 private:
  static constexpr uint32_t kSlotBits = 16;
  static constexpr uint32_t kSlots = 1u << kSlotBits;
  static constexpr int64_t kTickUs = 1000;

  struct Node {
    Instant at = Instant::never();
    uint32_t prev = kNone;
    uint32_t next = kNone;
    uint32_t slot = kNone;
  };

  static int64_t tick_of(Instant t) { return t.us() / kTickUs; }
  void link(uint32_t id, uint32_t slot);
  void unlink(uint32_t id);
  void recompute_next(int64_t from_tick);
  // Occupancy in two levels: a bit per slot, and a bit per 64-slot word that
  // has any slot set, so finding the next busy slot reads at most 16 summary
  // words instead of scanning 1024 (a sparse wheel is the common case).
  void mark(uint32_t slot) {
    bits_[slot >> 6] |= uint64_t{1} << (slot & 63);
    summary_[slot >> 12] |= uint64_t{1} << ((slot >> 6) & 63);
  }
  void unmark(uint32_t slot) {
    uint64_t& w = bits_[slot >> 6];
    w &= ~(uint64_t{1} << (slot & 63));
    if (w == 0) summary_[slot >> 12] &= ~(uint64_t{1} << ((slot >> 6) & 63));
  }
  // Next non-empty slot at or after `slot` (cyclically), or kNone.
  uint32_t next_nonempty(uint32_t slot) const;
  // First word at or after `word` (not wrapping) with a busy slot, or kNone.
  uint32_t next_busy_word(uint32_t word) const;

  std::vector<Node> nodes_;
  // nodes_.size(), kept because size() divides by sizeof(Node) (24 bytes) and
  // scheduled() runs after every segment.
  size_t node_count_ = 0;
  std::vector<uint32_t> heads_;
  std::vector<uint64_t> bits_;
  std::vector<uint64_t> summary_;
  int64_t cur_tick_ = 0;  // every deadline before this tick has fired
  Instant next_ = Instant::never();
  size_t count_ = 0;
};

}  // namespace synack::stack
