#pragma once
// RingQueue<T>: a FIFO on a circular array that doubles when full and never
// shrinks, so steady-state push/pop allocates nothing.
#include <cstddef>
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
    if (n_ == buf_.size()) grow();
    buf_[(head_ + n_) & (buf_.size() - 1)] = std::move(v);
    ++n_;
  }
  std::optional<T> pop() {
    if (n_ == 0) return std::nullopt;
    T v = std::move(buf_[head_]);
    head_ = (head_ + 1) & (buf_.size() - 1);
    --n_;
    return v;
  }
  T& front() { return buf_[head_]; }
  const T& front() const { return buf_[head_]; }
  T& operator[](size_t i) { return buf_[(head_ + i) & (buf_.size() - 1)]; }
  const T& operator[](size_t i) const { return buf_[(head_ + i) & (buf_.size() - 1)]; }
  void clear() { head_ = n_ = 0; }

 private:
  void grow() {
    std::vector<T> b(buf_.empty() ? 16 : buf_.size() * 2);
    for (size_t i = 0; i < n_; ++i) b[i] = std::move(buf_[(head_ + i) & (buf_.size() - 1)]);
    buf_ = std::move(b);
    head_ = 0;
  }
  std::vector<T> buf_;
  size_t head_ = 0;
  size_t n_ = 0;
};

}  // namespace synack::base
