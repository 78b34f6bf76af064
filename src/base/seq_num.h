#pragma once
// SeqNum: a 32-bit TCP sequence number with modular comparison (RFC 9293 §3.4,
// RFC 1982 serial-number arithmetic). There is deliberately no operator< : a
// sequence comparison is only meaningful inside half the sequence space, so
// callers say what they mean with before()/after()/in_window().
#include <cstdint>
#include <ostream>

namespace synack::base {

class SeqNum {
 public:
  constexpr SeqNum() = default;
  constexpr explicit SeqNum(uint32_t v) : v_(v) {}

  constexpr uint32_t value() const { return v_; }

  constexpr SeqNum operator+(uint32_t n) const { return SeqNum(v_ + n); }
  constexpr SeqNum operator-(uint32_t n) const { return SeqNum(v_ - n); }
  constexpr SeqNum& operator+=(uint32_t n) { v_ += n; return *this; }
  // Signed distance a - b, correct while |a - b| < 2^31.
  constexpr int32_t operator-(SeqNum b) const { return static_cast<int32_t>(v_ - b.v_); }

  constexpr bool operator==(const SeqNum&) const = default;
  constexpr bool before(SeqNum b) const { return (*this - b) < 0; }
  constexpr bool after(SeqNum b) const { return (*this - b) > 0; }
  constexpr bool before_eq(SeqNum b) const { return (*this - b) <= 0; }
  constexpr bool after_eq(SeqNum b) const { return (*this - b) >= 0; }

  // lo <= x < lo + len (RFC 9293 §3.4 "acceptable" comparisons are built on this).
  static constexpr bool in_window(SeqNum x, SeqNum lo, uint32_t len) {
    return static_cast<uint32_t>(x.v_ - lo.v_) < len;
  }
  // lo < x <= hi, the form used for acceptable ACKs (SND.UNA < SEG.ACK =< SND.NXT).
  static constexpr bool in_range_open_closed(SeqNum x, SeqNum lo, SeqNum hi) {
    return x.after(lo) && x.before_eq(hi);
  }

 private:
  uint32_t v_ = 0;
};

constexpr SeqNum seq_max(SeqNum a, SeqNum b) { return a.after(b) ? a : b; }
constexpr SeqNum seq_min(SeqNum a, SeqNum b) { return a.before(b) ? a : b; }

inline std::ostream& operator<<(std::ostream& os, SeqNum s) { return os << s.value(); }

}  // namespace synack::base
