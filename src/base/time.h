#pragma once
// Time as values: Duration and Instant with microsecond resolution. The TCP core
// never reads a clock; every entry point is handed `now`.
#include <compare>
#include <cstdint>
#include <limits>
#include <ostream>

namespace synack::base {

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration micros(int64_t us) { return Duration(us); }
  static constexpr Duration millis(int64_t ms) { return Duration(ms * 1000); }
  static constexpr Duration seconds(int64_t s) { return Duration(s * 1000000); }
  static constexpr Duration zero() { return Duration(0); }
  static constexpr Duration max() { return Duration(std::numeric_limits<int64_t>::max() / 4); }

  constexpr int64_t us() const { return us_; }
  constexpr int64_t ms() const { return us_ / 1000; }
  constexpr double secs() const { return static_cast<double>(us_) / 1e6; }

  constexpr Duration operator+(Duration o) const { return Duration(us_ + o.us_); }
  constexpr Duration operator-(Duration o) const { return Duration(us_ - o.us_); }
  constexpr Duration operator*(int64_t k) const { return Duration(us_ * k); }
  constexpr Duration operator/(int64_t k) const { return Duration(us_ / k); }
  constexpr Duration& operator+=(Duration o) { us_ += o.us_; return *this; }
  constexpr Duration& operator-=(Duration o) { us_ -= o.us_; return *this; }
  constexpr auto operator<=>(const Duration&) const = default;

 private:
  constexpr explicit Duration(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

class Instant {
 public:
  constexpr Instant() = default;
  static constexpr Instant from_micros(int64_t us) { return Instant(us); }
  static constexpr Instant zero() { return Instant(0); }
  // "Never": a deadline that does not fire.
  static constexpr Instant never() { return Instant(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t us() const { return us_; }
  constexpr bool is_never() const { return us_ == std::numeric_limits<int64_t>::max(); }

  constexpr Instant operator+(Duration d) const { return is_never() ? *this : Instant(us_ + d.us()); }
  constexpr Instant operator-(Duration d) const { return Instant(us_ - d.us()); }
  constexpr Duration operator-(Instant o) const { return Duration::micros(us_ - o.us_); }
  constexpr Instant& operator+=(Duration d) { *this = *this + d; return *this; }
  constexpr auto operator<=>(const Instant&) const = default;

 private:
  constexpr explicit Instant(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

constexpr Instant earliest(Instant a, Instant b) { return a < b ? a : b; }

inline std::ostream& operator<<(std::ostream& os, Duration d) { return os << d.us() << "us"; }
inline std::ostream& operator<<(std::ostream& os, Instant t) {
  return t.is_never() ? os << "never" : os << "t=" << t.us() << "us";
}

}  // namespace synack::base
