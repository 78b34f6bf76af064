#pragma once
// FlatMap: an open-addressing hash map with linear probing and backward-shift
// deletion (no tombstones), for O(1) demultiplexing without allocation per
// lookup. Keys provide hash(); the table doubles at 7/8 load.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

namespace synack::stack {

template <class K, class V>
class FlatMap {
 public:
  explicit FlatMap(size_t initial_capacity = 64) { rehash(round_up(initial_capacity)); }

  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  size_t memory_bytes() const { return cap_ * sizeof(Entry); }

  V* find(const K& k) {
    size_t i = index(k);
    for (;;) {
      Entry& e = table_[i];
      if (!e.used) return nullptr;
      if (e.key == k) return &e.value;
      i = (i + 1) & (cap_ - 1);
    }
  }
  const V* find(const K& k) const { return const_cast<FlatMap*>(this)->find(k); }

  // Insert or overwrite. Returns a pointer to the stored value.
  V* insert(const K& k, V v) {
    if ((size_ + 1) * 8 > cap_ * 7) rehash(cap_ * 2);
    size_t i = index(k);
    for (;;) {
      Entry& e = table_[i];
      if (!e.used) {
        e.used = true;
        e.key = k;
        e.value = std::move(v);
        ++size_;
        return &e.value;
      }
      if (e.key == k) {
        e.value = std::move(v);
        return &e.value;
      }
      i = (i + 1) & (cap_ - 1);
    }
  }

  bool erase(const K& k) {
    size_t i = index(k);
    for (;;) {
      Entry& e = table_[i];
      if (!e.used) return false;
      if (e.key == k) break;
      i = (i + 1) & (cap_ - 1);
    }
    // Backward-shift deletion: move later entries of the probe run back.
    size_t hole = i;
    size_t j = i;
    for (;;) {
      j = (j + 1) & (cap_ - 1);
      Entry& e = table_[j];
      if (!e.used) break;
      size_t home = index(e.key);
      // Move e into the hole if its home is not cyclically within (hole, j].
      bool in_between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!in_between) {
        table_[hole] = std::move(e);
        hole = j;
      }
    }
    table_[hole].used = false;
    table_[hole].value = V{};
    --size_;
    return true;
  }

  template <class F>
  void for_each(F&& f) {
    for (size_t i = 0; i < cap_; ++i)
      if (table_[i].used) f(table_[i].key, table_[i].value);
  }

 private:
  struct Entry {
    K key{};
    V value{};
    bool used = false;
  };

  static size_t round_up(size_t n) {
    size_t c = 8;
    while (c < n) c *= 2;
    return c;
  }
  size_t index(const K& k) const { return static_cast<size_t>(k.hash()) & (cap_ - 1); }

  void rehash(size_t new_cap) {
    auto old = std::move(table_);
    size_t old_cap = cap_;
    table_ = std::make_unique<Entry[]>(new_cap);
    cap_ = new_cap;
    size_ = 0;
    for (size_t i = 0; i < old_cap; ++i)
      if (old[i].used) insert(old[i].key, std::move(old[i].value));
  }

  std::unique_ptr<Entry[]> table_;
  size_t cap_ = 0;
  size_t size_ = 0;
};

// A port as a FlatMap key.
struct PortKey {
  uint16_t port = 0;
  bool operator==(const PortKey&) const = default;
  uint64_t hash() const { return (uint64_t{port} * 0x9e3779b97f4a7c15ULL) >> 20; }
};

}  // namespace synack::stack
