#include "stack/time_wait_table.h"

namespace synack::stack {

tcp::TimeWaitVars TimeWaitTable::Record::vars() const {
  tcp::TimeWaitVars v;
  v.snd_nxt = snd_nxt;
  v.rcv_nxt = rcv_nxt;
  v.rcv_wnd = uint32_t{wnd_field} << rcv_wscale;
  v.ts_ok = flags & kTsOk;
  v.ts_recent = ts_recent;
  v.ts_offset = ts_offset;
  return v;
}

TimeWaitTable::TimeWaitTable() : index_(64, kEmpty) {}

size_t TimeWaitTable::memory_bytes() const {
  return chunks_.size() * kChunk * sizeof(Record) + chunks_.capacity() * sizeof(chunks_[0]) +
         index_.size() * sizeof(uint32_t);
}

uint32_t TimeWaitTable::push_tail(const Record& r) {
  if (tail_ - base_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<Record[]>(kChunk));
  uint32_t pos = tail_++;
  at(pos) = r;
  return pos;
}

void TimeWaitTable::pop_head() {
  ++head_;
  if (head_ - base_ == kChunk) {  // the first chunk is used up
    chunks_.erase(chunks_.begin());
    base_ += kChunk;
  }
  if (head_ == tail_ && live_ == 0 && !chunks_.empty()) {
    // Empty: give the memory back and start again at the current position.
    chunks_.clear();
    base_ = head_ = tail_ = tail_ & ~(kChunk - 1);
  }
}

uint32_t* TimeWaitTable::index_find(const wire::FourTuple& t) {
  for (size_t i = slot_of(t);; i = (i + 1) & (index_.size() - 1)) {
    if (index_[i] == kEmpty) return nullptr;
    if (at(index_[i]).tuple == t) return &index_[i];
  }
}

void TimeWaitTable::index_put(const wire::FourTuple& t, uint32_t pos) {
  if ((live_ + 1) * 2 > index_.size()) index_grow();
  for (size_t i = slot_of(t);; i = (i + 1) & (index_.size() - 1)) {
    if (index_[i] == kEmpty || at(index_[i]).tuple == t) {
      index_[i] = pos;
      return;
    }
  }
}

void TimeWaitTable::index_erase(const wire::FourTuple& t, uint32_t pos) {
  size_t i = slot_of(t);
  for (;; i = (i + 1) & (index_.size() - 1)) {
    if (index_[i] == kEmpty) return;
    if (index_[i] == pos) break;
  }
  // Backward-shift deletion keeps probe runs unbroken.
  size_t hole = i;
  for (size_t j = (i + 1) & (index_.size() - 1); index_[j] != kEmpty; j = (j + 1) & (index_.size() - 1)) {
    size_t home = slot_of(at(index_[j]).tuple);
    bool between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!between) {
      index_[hole] = index_[j];
      hole = j;
    }
  }
  index_[hole] = kEmpty;
}

void TimeWaitTable::index_grow() {
  std::vector<uint32_t> old(index_.size() * 2, kEmpty);
  old.swap(index_);
  for (uint32_t pos : old) {
    if (pos == kEmpty) continue;
    for (size_t i = slot_of(at(pos).tuple);; i = (i + 1) & (index_.size() - 1)) {
      if (index_[i] == kEmpty) {
        index_[i] = pos;
        break;
      }
    }
  }
}

void TimeWaitTable::insert(const wire::FourTuple& t, const tcp::TimeWaitVars& v, uint16_t wnd_field,
                           uint8_t rcv_wscale, base::Instant expiry) {
  erase(t);
  ref_ms_ = expiry.us() / 1000;
  Record r;
  r.tuple = t;
  r.snd_nxt = v.snd_nxt;
  r.rcv_nxt = v.rcv_nxt;
  r.ts_recent = v.ts_recent;
  r.ts_offset = v.ts_offset;
  r.expiry_ms = ms(expiry);
  r.wnd_field = wnd_field;
  r.rcv_wscale = rcv_wscale;
  r.flags = v.ts_ok ? kTsOk : 0;
  uint32_t pos = push_tail(r);
  index_put(t, pos);
  ++live_;
}

TimeWaitTable::Record* TimeWaitTable::find(const wire::FourTuple& t) {
  uint32_t* p = index_find(t);
  return p ? &at(*p) : nullptr;
}

bool TimeWaitTable::erase(const wire::FourTuple& t) {
  uint32_t* p = index_find(t);
  if (!p) return false;
  uint32_t pos = *p;
  index_erase(t, pos);
  at(pos).flags |= kDead;
  --live_;
  while (head_ != tail_ && (at(head_).flags & kDead)) pop_head();
  return true;
}

void TimeWaitTable::restart(const wire::FourTuple& t, base::Instant expiry) {
  uint32_t* p = index_find(t);
  if (!p) return;
  Record r = at(*p);
  at(*p).flags |= kDead;
  r.expiry_ms = ms(expiry);
  uint32_t pos = push_tail(r);
  *index_find(t) = pos;
  while (head_ != tail_ && (at(head_).flags & kDead)) pop_head();
}

base::Instant TimeWaitTable::next_expiry() const {
  for (uint32_t pos = head_; pos != tail_; ++pos) {
    const Record& r = at(pos);
    if (!(r.flags & kDead)) {
      int64_t d = static_cast<int32_t>(r.expiry_ms - static_cast<uint32_t>(ref_ms_));
      return base::Instant::from_micros((ref_ms_ + d) * 1000);
    }
  }
  return base::Instant::never();
}

}  // namespace synack::stack
