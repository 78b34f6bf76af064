#pragma once
// Expected<T, E>: a value or an error. g++ 12 has no std::expected; this keeps the
// subset of its API we use (has_value, value, error, operator*, operator->, bool)
// so it can be swapped for std::expected later.
#include <cassert>
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

// Expected<T, E> for small trivially copyable T and E (the byte counts of send
// and recv, parsed headers): plain members instead of std::variant. The variant's
// copy writes its one-byte index and reads it back as part of a wider word, and
// the resulting store-forwarding stalls showed up as ~8 % of `bench bulk` in
// Stack::recv alone. Same API as above.
template <class T, class E>
  requires(std::is_trivially_copyable_v<T> && std::is_trivially_copyable_v<E> &&
           std::is_default_constructible_v<T> && std::is_default_constructible_v<E>)
class Expected<T, E> {
 public:
  constexpr Expected() = default;
  constexpr Expected(T v) : v_(v) {}  // NOLINT implicit
  template <class G>
  constexpr Expected(Unexpected<G> u) : e_(E(std::move(u.error()))), ok_(false) {}  // NOLINT

  constexpr bool has_value() const { return ok_; }
  constexpr explicit operator bool() const { return ok_; }
  constexpr T& value() & { assert(ok_); return v_; }
  constexpr const T& value() const& { assert(ok_); return v_; }
  constexpr T&& value() && { assert(ok_); return std::move(v_); }
  constexpr const E& error() const { assert(!ok_); return e_; }
  constexpr T& operator*() & { return value(); }
  constexpr const T& operator*() const& { return value(); }
  constexpr T* operator->() { return &value(); }
  constexpr const T* operator->() const { return &value(); }
  template <class U>
  constexpr T value_or(U&& u) const& { return ok_ ? v_ : static_cast<T>(std::forward<U>(u)); }

 private:
  T v_{};
  E e_{};
  bool ok_ = true;
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
