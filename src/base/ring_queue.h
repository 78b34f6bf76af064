#pragma once
// RingQueue<T>: a FIFO on a circular array that doubles when full and never
// shrinks, so steady-state push/pop allocates nothing.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace synack::base {

template <class T>
class RingQueue {
 public:
  bool empty() const { return n_ == 0; }
  size_t size() const { return n_; }
  void push(T v) {
    if (n_ == cap_) grow();
    buf_[(head_ + n_) & (cap_ - 1)] = std::move(v);
    ++n_;
  }
  // push() for a caller that fills the new element field by field where it
  // lies. A small struct built in a temporary from byte-sized fields and then
  // copied with wider loads stalls store forwarding (~12 cycles on x86); the
  // event queues paid that on every segment.
  T& push_slot() {
    if (n_ == cap_) grow();
    return buf_[(head_ + n_++) & (cap_ - 1)];
  }
  std::optional<T> pop() {
    if (n_ == 0) return std::nullopt;
    T v = std::move(buf_[head_]);
    head_ = (head_ + 1) & (cap_ - 1);
    --n_;
    return v;
  }
  // pop() without the copy out, for a caller that has read front().
  void drop_front() {
    head_ = (head_ + 1) & (cap_ - 1);
    --n_;
  }
  T& front() { return buf_[head_]; }
  const T& front() const { return buf_[head_]; }
  T& operator[](size_t i) { return buf_[(head_ + i) & (cap_ - 1)]; }
  const T& operator[](size_t i) const { return buf_[(head_ + i) & (cap_ - 1)]; }
  void clear() { head_ = n_ = 0; }

 private:
  // Out of line: growing is rare, and inlined into every push it costs the
  // callers registers and stack frame on the common path.
  [[gnu::noinline]] void grow() {
    std::vector<T> b(buf_.empty() ? 16 : buf_.size() * 2);
    for (size_t i = 0; i < n_; ++i) b[i] = std::move(buf_[(head_ + i) & (cap_ - 1)]);
    buf_ = std::move(b);
    cap_ = static_cast<uint32_t>(buf_.size());
    head_ = 0;
  }
  std::vector<T> buf_;
  // The capacity is kept beside the indices: vector::size() divides by
  // sizeof(T), a multiply and shifts on every push and pop when sizeof(T) is
  // not a power of two. Three 32-bit words take the place of two size_t, so
  // the queue is no larger.
  uint32_t cap_ = 0;
  uint32_t head_ = 0;
  uint32_t n_ = 0;
};

}  // namespace synack::base
