#pragma once
// IndexTable: an open-addressing hash index that stores only 32-bit values
// (slot numbers, record positions). The key is not stored: `key_of(value)`
// fetches it from where the value points, so an entry costs 4 bytes and the
// table stays at most half full. Linear probing, backward-shift deletion.
#include <cstdint>
#include <vector>

#include "wire/ipv4_addr.h"

namespace synack::stack {

template <class KeyOf>
class IndexTable {
 public:
  static constexpr uint32_t kEmpty = 0xffffffffu;

  explicit IndexTable(KeyOf key_of) : key_of_(key_of), slots_(64, kEmpty) {}

  size_t size() const { return n_; }
  size_t memory_bytes() const { return slots_.capacity() * sizeof(uint32_t); }

  // The stored value for `key`, or nullptr.
  uint32_t* find(const wire::FourTuple& key) {
    for (size_t i = home(key);; i = next(i)) {
      if (slots_[i] == kEmpty) return nullptr;
      if (key_of_(slots_[i]) == key) return &slots_[i];
    }
  }
  const uint32_t* find(const wire::FourTuple& key) const { return const_cast<IndexTable*>(this)->find(key); }

  // Start loading the line where a lookup of `key` begins (see Stack::prefetch).
  void prefetch(const wire::FourTuple& key) const { __builtin_prefetch(&slots_[home(key)]); }
  // The value at `key`'s home position, unverified (kEmpty if none): a guess
  // of where a lookup will end, good enough to prefetch what it points to.
  uint32_t guess(const wire::FourTuple& key) const { return slots_[home(key)]; }

  // Insert or replace the value for `key` (key_of(value) must equal key).
  void put(const wire::FourTuple& key, uint32_t value) {
    if ((n_ + 1) * 2 > slots_.size()) grow();
    for (size_t i = home(key);; i = next(i)) {
      if (slots_[i] == kEmpty) {
        slots_[i] = value;
        ++n_;
        return;
      }
      if (key_of_(slots_[i]) == key) {
        slots_[i] = value;
        return;
      }
    }
  }

  bool erase(const wire::FourTuple& key) {
    size_t i = home(key);
    for (;; i = next(i)) {
      if (slots_[i] == kEmpty) return false;
      if (key_of_(slots_[i]) == key) break;
    }
    size_t hole = i;
    for (size_t j = next(i); slots_[j] != kEmpty; j = next(j)) {
      size_t h = home(key_of_(slots_[j]));
      bool between = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
      if (!between) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = kEmpty;
    --n_;
    return true;
  }

 private:
  size_t home(const wire::FourTuple& k) const { return static_cast<size_t>(k.hash()) & (slots_.size() - 1); }
  size_t next(size_t i) const { return (i + 1) & (slots_.size() - 1); }
  void grow() {
    std::vector<uint32_t> old(slots_.size() * 2, kEmpty);
    old.swap(slots_);
    for (uint32_t v : old) {
      if (v == kEmpty) continue;
      for (size_t i = home(key_of_(v));; i = next(i)) {
        if (slots_[i] == kEmpty) {
          slots_[i] = v;
          break;
        }
      }
    }
  }

  KeyOf key_of_;
  std::vector<uint32_t> slots_;
  size_t n_ = 0;
};

}  // namespace synack::stack
