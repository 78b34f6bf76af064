#pragma once
// Expected<T, E>: a value or an error. g++ 12 has no std::expected; this keeps the
// subset of its API we use (has_value, value, error, operator*, operator->, bool)
// so it can be swapped for std::expected later.
#include <cassert>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>

namespace synack::base {

template <class E>
class Unexpected {
 public:
  constexpr explicit Unexpected(E e) : e_(std::move(e)) {}
  constexpr const E& error() const& { return e_; }
  constexpr E& error() & { return e_; }

 private:
  E e_;
};

template <class E>
Unexpected(E) -> Unexpected<E>;

template <class T, class E>
class Expected {
 public:
  constexpr Expected() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
  constexpr Expected(T v) : v_(std::in_place_index<0>, std::move(v)) {}  // NOLINT implicit
  template <class G>
  constexpr Expected(Unexpected<G> u) : v_(std::in_place_index<1>, E(std::move(u.error()))) {}  // NOLINT

  constexpr bool has_value() const { return v_.index() == 0; }
  constexpr explicit operator bool() const { return has_value(); }
  constexpr T& value() & { assert(has_value()); return std::get<0>(v_); }
  constexpr const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  constexpr T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  constexpr const E& error() const { assert(!has_value()); return std::get<1>(v_); }
  constexpr T& operator*() & { return value(); }
  constexpr const T& operator*() const& { return value(); }
  constexpr T* operator->() { return &value(); }
  constexpr const T* operator->() const { return &value(); }
  template <class U>
  constexpr T value_or(U&& u) const& { return has_value() ? value() : static_cast<T>(std::forward<U>(u)); }

 private:
  std::variant<T, E> v_;
};

// Expected<T, E> for a trivially copyable T and an enum E (the byte counts
// of send and recv, connection ids, parsed headers): plain members instead of
// std::variant, and the error and the flag in one word. A result of two
// words returns in two registers, but g++ assembles it in memory first: the
// variant's one-byte index (or separate byte-sized error and flag) stored
// and then loaded as part of a wider word stalls store forwarding, which perf
// put at ~8 % of `bench bulk` in Stack::recv alone. error() returns by value.
template <class T, class E>
  requires(std::is_trivially_copyable_v<T> && std::is_default_constructible_v<T> && std::is_enum_v<E> &&
           sizeof(E) <= 2)
class Expected<T, E> {
 public:
  constexpr Expected() = default;
  constexpr Expected(T v) : v_(v) {}  // NOLINT implicit
  template <class G>
  constexpr Expected(Unexpected<G> u)  // NOLINT implicit
      : err_(kFailed | static_cast<uint16_t>(static_cast<std::underlying_type_t<E>>(E(std::move(u.error()))))) {}

  constexpr bool has_value() const { return err_ == 0; }
  constexpr explicit operator bool() const { return has_value(); }
  constexpr T& value() & { assert(has_value()); return v_; }
  constexpr const T& value() const& { assert(has_value()); return v_; }
  constexpr T&& value() && { assert(has_value()); return std::move(v_); }
  constexpr E error() const {
    assert(!has_value());
    return static_cast<E>(static_cast<std::underlying_type_t<E>>(err_ & 0xffff));
  }
  constexpr T& operator*() & { return value(); }
  constexpr const T& operator*() const& { return value(); }
  constexpr T* operator->() { return &value(); }
  constexpr const T* operator->() const { return &value(); }
  template <class U>
  constexpr T value_or(U&& u) const& { return has_value() ? v_ : static_cast<T>(std::forward<U>(u)); }

 private:
  static constexpr uint32_t kFailed = uint32_t{1} << 16;
  T v_{};
  uint32_t err_ = 0;  // 0: a value; else kFailed | the error's bits
};

// Expected<void, E>: success or an error.
template <class E>
class Expected<void, E> {
 public:
  constexpr Expected() = default;
  template <class G>
  constexpr Expected(Unexpected<G> u) : e_(E(std::move(u.error()))), ok_(false) {}  // NOLINT

  constexpr bool has_value() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  constexpr const E& error() const { assert(!ok_); return e_; }

 private:
  E e_{};
  bool ok_ = true;
};

}  // namespace synack::base
