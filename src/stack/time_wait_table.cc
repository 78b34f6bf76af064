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

TimeWaitTable::TimeWaitTable() = default;

size_t TimeWaitTable::memory_bytes() const {
  return chunks_.size() * kChunk * sizeof(Record) + chunks_.capacity() * sizeof(chunks_[0]) +
         index_.memory_bytes();
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

void TimeWaitTable::insert(const wire::FourTuple& t, const tcp::TimeWaitVars& v, uint16_t wnd_field,
                           uint8_t rcv_wscale, base::Instant expiry, uint8_t tos) {
  ref_ms_ = expiry.us() / 1000;
  Record r;
  r.tuple = t;
  r.snd_nxt = v.snd_nxt;
  r.rcv_nxt = v.rcv_nxt;
  r.ts_recent = v.ts_recent;
  r.ts_offset = v.ts_offset;
  r.expiry_ms = ms(expiry);
  r.wnd_field = wnd_field;
  r.rcv_wscale = rcv_wscale & 0x0f;
  r.flags = v.ts_ok ? kTsOk : 0;
  r.tos = tos;
  uint32_t pos = push_tail(r);
  // One probe of the index: a record the 4-tuple already had is replaced.
  uint32_t old = index_.put(t, pos);
  if (old == kNoRecord) {
    ++live_;
  } else {
    at(old).flags |= kDead;
    while (head_ != tail_ && (at(head_).flags & kDead)) pop_head();
  }
  note_head();
}

TimeWaitTable::Record* TimeWaitTable::find(const wire::FourTuple& t) {
  uint32_t* p = index_.find(t);
  return p ? &at(*p) : nullptr;
}

bool TimeWaitTable::erase(const wire::FourTuple& t) {
  uint32_t* p = index_.find(t);
  if (!p) return false;
  uint32_t pos = *p;
  index_.erase(t);
  at(pos).flags |= kDead;
  --live_;
  while (head_ != tail_ && (at(head_).flags & kDead)) pop_head();
  note_head();
  return true;
}

void TimeWaitTable::restart(const wire::FourTuple& t, base::Instant expiry) {
  uint32_t* p = index_.find(t);
  if (!p) return;
  Record r = at(*p);
  at(*p).flags |= kDead;
  r.expiry_ms = ms(expiry);
  uint32_t pos = push_tail(r);
  *index_.find(t) = pos;
  while (head_ != tail_ && (at(head_).flags & kDead)) pop_head();
  note_head();
}

void TimeWaitTable::note_head() {
  head_expiry_ = base::Instant::never();
  for (uint32_t pos = head_; pos != tail_; ++pos) {
    const Record& r = at(pos);
    if (!(r.flags & kDead)) {
      int64_t d = static_cast<int32_t>(r.expiry_ms - static_cast<uint32_t>(ref_ms_));
      head_expiry_ = base::Instant::from_micros((ref_ms_ + d) * 1000);
      return;
    }
  }
}

}  // namespace synack::stack
static_assert(sizeof(synack::stack::TimeWaitTable::Record) <= 40, "a TIME-WAIT record is 40 bytes (bench memory: <= 64 B per entry with its index)");
