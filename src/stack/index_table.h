#pragma once
// IndexTable: an open-addressing hash index from a 4-tuple to a 32-bit value
// (a slot number, a record position). The key itself is not stored:
// `key_of(value)` fetches it from where the value points. Beside each value
// sits the upper half of the key's hash, so a probe that meets another key
// almost never follows the value (at a million connections each such visit is
// a cache miss), and growing or deleting never needs a key at all. 8 bytes per
// entry, at most half full by default (the demux: short probes on every
// segment); fuller for tables probed rarely (TIME-WAIT: memory per record).
// Linear probing, backward-shift deletion.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "base/prefetch.h"
#include "wire/ipv4_addr.h"

namespace synack::stack {

template <class KeyOf>
class IndexTable {
 public:
  static constexpr uint32_t kEmpty = 0xffffffffu;

  // max_load_percent: grow before an insert would fill more of the table
  // than this (clamped to 10..90; linear probing degrades past that).
  explicit IndexTable(KeyOf key_of, unsigned max_load_percent = 50)
      : key_of_(key_of), max_load_(std::clamp(max_load_percent, 10u, 90u)), slots_(64) {}

  // The secret that keys the hash (FourTuple::hash); set while empty.
  void set_key(uint64_t key) {
    if (n_ == 0) key_ = key;
  }
  size_t size() const { return n_; }
  size_t memory_bytes() const { return slots_.capacity() * sizeof(Entry); }

  // The stored value for `key`, or nullptr.
  uint32_t* find(const wire::FourTuple& key) {
    const uint32_t h = tag(key);
    for (size_t i = home(h);; i = next(i)) {
      Entry& e = slots_[i];
      if (e.value == kEmpty) return nullptr;
      if (e.hash == h && key_of_(e.value) == key) return &e.value;
    }
  }
  const uint32_t* find(const wire::FourTuple& key) const { return const_cast<IndexTable*>(this)->find(key); }

  // Start loading the line where a lookup of `key` begins (see Stack::prefetch).
  void prefetch(const wire::FourTuple& key) const { base::prefetch(&slots_[home(tag(key))]); }
  // The first value on `key`'s probe path whose hash matches, unverified
  // (kEmpty if none nearby): where a lookup will most likely end, good enough
  // to prefetch what it points to.
  uint32_t guess(const wire::FourTuple& key) const {
    const uint32_t h = tag(key);
    for (size_t i = home(h), k = 0; k < 8; i = next(i), ++k) {  // about one cache line
      const Entry& e = slots_[i];
      if (e.value == kEmpty) break;
      if (e.hash == h) return e.value;
    }
    return kEmpty;
  }

  // Insert or replace the value for `key` (key_of(value) must equal key);
  // returns the value replaced, or kEmpty.
  uint32_t put(const wire::FourTuple& key, uint32_t value) {
    if ((n_ + 1) * 100 > slots_.size() * max_load_) grow();
    const uint32_t h = tag(key);
    for (size_t i = home(h);; i = next(i)) {
      Entry& e = slots_[i];
      if (e.value == kEmpty) {
        e = Entry{value, h};
        ++n_;
        return kEmpty;
      }
      if (e.hash == h && key_of_(e.value) == key) return std::exchange(e.value, value);
    }
  }

  bool erase(const wire::FourTuple& key) {
    const uint32_t h = tag(key);
    size_t i = home(h);
    for (;; i = next(i)) {
      if (slots_[i].value == kEmpty) return false;
      if (slots_[i].hash == h && key_of_(slots_[i].value) == key) break;
    }
    // Backward shift: pull later entries of the cluster into the hole unless
    // that would put one before its home position.
    size_t hole = i;
    for (size_t j = next(i); slots_[j].value != kEmpty; j = next(j)) {
      size_t hj = home(slots_[j].hash);
      bool between = hole <= j ? (hj > hole && hj <= j) : (hj > hole || hj <= j);
      if (!between) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = Entry{};
    --n_;
    return true;
  }

 private:
  struct Entry {
    uint32_t value = kEmpty;
    uint32_t hash = 0;  // the upper half of key.hash(): home position and filter
  };
  uint32_t tag(const wire::FourTuple& k) const { return static_cast<uint32_t>(k.hash(key_) >> 32); }
  size_t home(uint32_t h) const { return h & (slots_.size() - 1); }
  size_t next(size_t i) const { return (i + 1) & (slots_.size() - 1); }
  void grow() {
    std::vector<Entry> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Entry& e : old) {
      if (e.value == kEmpty) continue;
      for (size_t i = home(e.hash);; i = next(i)) {
        if (slots_[i].value == kEmpty) {
          slots_[i] = e;
          break;
        }
      }
    }
  }

  KeyOf key_of_;
  unsigned max_load_;
  uint64_t key_ = 0;
  std::vector<Entry> slots_;
  size_t n_ = 0;
};

}  // namespace synack::stack
