#include "stack/timer_wheel.h"

#include <algorithm>

namespace synack::stack {

TimerWheel::TimerWheel() : heads_(kSlots, kNone), bits_(kSlots / 64, 0), summary_(kSlots / 64 / 64, 0) {}

void TimerWheel::link(uint32_t id, uint32_t slot) {
  Node& n = nodes_[id];
  n.slot = slot;
  n.prev = kNone;
  n.next = heads_[slot];
  if (n.next != kNone) nodes_[n.next].prev = id;
  heads_[slot] = id;
  mark(slot);
  ++count_;
}

void TimerWheel::unlink(uint32_t id) {
  Node& n = nodes_[id];
  if (n.slot == kNone) return;
  if (n.prev != kNone) nodes_[n.prev].next = n.next;
  else heads_[n.slot] = n.next;
  if (n.next != kNone) nodes_[n.next].prev = n.prev;
  if (heads_[n.slot] == kNone) unmark(n.slot);
  n.slot = n.prev = n.next = kNone;
  n.at = Instant::never();
  --count_;
}

void TimerWheel::schedule(uint32_t id, Instant at) {
  if (id >= node_count_) {
    nodes_.resize(std::max<size_t>(id + 1, node_count_ * 2));
    node_count_ = nodes_.size();
  }
  if (nodes_[id].slot != kNone) {
    if (nodes_[id].at == at) return;
    unlink(id);
  }
  if (at.is_never()) return;
  // A deadline in the past fires at the next expire(): put it in the current slot.
  int64_t t = std::max(tick_of(at), cur_tick_);
  link(id, static_cast<uint32_t>(t & (kSlots - 1)));
  nodes_[id].at = at;
  if (at < next_) next_ = at;
}

uint32_t TimerWheel::next_busy_word(uint32_t word) const {
  for (uint32_t sw = word >> 6; sw < summary_.size(); ++sw) {
    uint64_t m = summary_[sw];
    if (sw == word >> 6) m &= ~uint64_t{0} << (word & 63);
    if (m) return (sw << 6) + static_cast<uint32_t>(__builtin_ctzll(m));
  }
  return kNone;
}

uint32_t TimerWheel::next_nonempty(uint32_t slot) const {
  uint32_t word = slot >> 6;
  uint64_t w = bits_[word] & (~uint64_t{0} << (slot & 63));
  if (w) return (word << 6) + static_cast<uint32_t>(__builtin_ctzll(w));
  // The words after this one, then round from the start (which reaches this
  // word's slots before `slot` last).
  uint32_t busy = word + 1 < bits_.size() ? next_busy_word(word + 1) : kNone;
  if (busy == kNone) busy = next_busy_word(0);
  if (busy == kNone) return kNone;
  return (busy << 6) + static_cast<uint32_t>(__builtin_ctzll(bits_[busy]));
}

void TimerWheel::expire(Instant now, std::vector<uint32_t>& out) {
  int64_t now_tick = tick_of(now);
  if (count_ == 0) {
    cur_tick_ = std::max(cur_tick_, now_tick);
    next_ = Instant::never();
    return;
  }
  // Visit each slot from cur_tick_ to now_tick once (at most one revolution).
  int64_t span = std::min<int64_t>(now_tick - cur_tick_, kSlots - 1);
  uint32_t start = static_cast<uint32_t>(cur_tick_ & (kSlots - 1));
  uint32_t visited = 0;
  uint32_t slot = start;
  while (visited <= span) {
    uint32_t s = next_nonempty(slot);
    if (s == kNone) break;
    uint32_t dist = (s - start) & (kSlots - 1);
    if (dist > span || (dist < visited)) break;
    for (uint32_t id = heads_[s]; id != kNone;) {
      uint32_t nx = nodes_[id].next;
      if (nodes_[id].at <= now) {
        unlink(id);
        out.push_back(id);
      }
      id = nx;
    }
    visited = dist + 1;
    slot = (s + 1) & (kSlots - 1);
  }
  cur_tick_ = std::max(cur_tick_, now_tick);
  recompute_next(cur_tick_);
}

void TimerWheel::recompute_next(int64_t from_tick) {
  next_ = Instant::never();
  if (count_ == 0) return;
  // The first non-empty slot from the current tick holds the earliest deadline
  // of this revolution; deadlines further out share slots, so take the minimum
  // over the first slot that has one due within the revolution.
  uint32_t start = static_cast<uint32_t>(from_tick & (kSlots - 1));
  uint32_t slot = start;
  Instant horizon = Instant::from_micros((from_tick + kSlots) * kTickUs);
  for (uint32_t guard = 0; guard <= kSlots; ++guard) {
    uint32_t s = next_nonempty(slot);
    if (s == kNone) return;
    Instant best = Instant::never();
    for (uint32_t id = heads_[s]; id != kNone; id = nodes_[id].next) best = std::min(best, nodes_[id].at);
    if (best < horizon) {
      next_ = best;
      return;
    }
    next_ = std::min(next_, best);
    uint32_t nxt = (s + 1) & (kSlots - 1);
    if (nxt == start) return;
    slot = nxt;
    if (((s - start) & (kSlots - 1)) >= kSlots - 1) return;
  }
}

}  // namespace synack::stack
