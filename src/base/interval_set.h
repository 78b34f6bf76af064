#pragma once
// SeqRangeSet: a small, fixed-capacity set of disjoint half-open sequence ranges
// [begin, end), kept sorted and merged. Used for out-of-order reassembly (which
// ranges above RCV.NXT we already hold) and the SACK scoreboard. Fixed capacity
// means no allocation per segment; when full, the caller decides (drop the
// segment and count it).
#include <array>
#include <cstddef>
#include <cstdint>

#include "base/seq_num.h"

namespace synack::base {

struct SeqRange {
  SeqNum begin;
  SeqNum end;
  uint32_t len() const { return static_cast<uint32_t>(end - begin); }
  bool operator==(const SeqRange&) const = default;
};

template <size_t N>
class SeqRangeSet {
 public:
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const SeqRange& operator[](size_t i) const { return r_[i]; }
  const SeqRange* begin() const { return r_.data(); }
  const SeqRange* end() const { return r_.data() + n_; }
  void clear() { n_ = 0; }

  // Insert [b, e). Returns false (and leaves the set unchanged) if the range
  // would need a new slot and none is free.
  bool insert(SeqNum b, SeqNum e) {
    if (!b.before(e)) return true;
    size_t i = 0;
    while (i < n_ && r_[i].end.before(b)) ++i;  // first range that ends at/after b
    size_t j = i;
    SeqNum nb = b, ne = e;
    while (j < n_ && r_[j].begin.before_eq(e)) {  // ranges overlapping or touching
      nb = seq_min(nb, r_[j].begin);
      ne = seq_max(ne, r_[j].end);
      ++j;
    }
    if (i == j) {  // no overlap: insert new slot at i
      if (n_ == N) return false;
      for (size_t k = n_; k > i; --k) r_[k] = r_[k - 1];
      r_[i] = {nb, ne};
      ++n_;
      return true;
    }
    r_[i] = {nb, ne};
    size_t removed = j - i - 1;
    for (size_t k = i + 1; k + removed < n_; ++k) r_[k] = r_[k + removed];
    n_ -= removed;
    return true;
  }

  // Remove everything before `s` (ranges are trimmed).
  void remove_before(SeqNum s) {
    size_t k = 0;
    for (size_t i = 0; i < n_; ++i) {
      if (r_[i].end.before_eq(s)) continue;
      SeqRange r = r_[i];
      if (r.begin.before(s)) r.begin = s;
      r_[k++] = r;
    }
    n_ = k;
  }

  // True if [b, e) is entirely covered.
  bool contains(SeqNum b, SeqNum e) const {
    for (size_t i = 0; i < n_; ++i)
      if (r_[i].begin.before_eq(b) && r_[i].end.after_eq(e)) return true;
    return false;
  }

  // The range containing s, if any.
  const SeqRange* find(SeqNum s) const {
    for (size_t i = 0; i < n_; ++i)
      if (r_[i].begin.before_eq(s) && r_[i].end.after(s)) return &r_[i];
    return nullptr;
  }

  // Pop the first range if it begins at s; returns its length (0 if none).
  uint32_t pop_front_at(SeqNum s) {
    if (n_ == 0 || r_[0].begin != s) return 0;
    uint32_t len = r_[0].len();
    for (size_t k = 1; k < n_; ++k) r_[k - 1] = r_[k];
    --n_;
    return len;
  }

 private:
  std::array<SeqRange, N> r_{};
  size_t n_ = 0;
};

}  // namespace synack::base
