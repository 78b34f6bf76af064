#pragma once
// ByteRing: a growable circular byte buffer. The TCP send and receive buffers sit
// on it: the send side keeps [SND.UNA, end of queued data), the receive side keeps
// [first unread byte, RCV.NXT) plus out-of-order bytes written ahead in place.
// Memory is taken on demand (power-of-two capacity, grown by doubling up to a
// limit) and can be released when empty, so an idle connection holds none.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <utility>

namespace synack::base {

class ByteRing {
 public:
  ByteRing() = default;
  ByteRing(ByteRing&&) noexcept = default;
  ByteRing& operator=(ByteRing&&) noexcept = default;

  static constexpr size_t kMinCapacity = 1024;

  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return size_ == 0; }

  // Make room for `n` bytes in total (size + window ahead). Grows by doubling.
  void reserve(size_t n) {
    if (n <= cap_) return;
    size_t c = cap_ ? cap_ : kMinCapacity;
    while (c < n) c *= 2;
    // Not zero-filled: the ring only hands out bytes that were written into it.
    auto fresh = std::make_unique_for_overwrite<uint8_t[]>(c);
    // Copy the whole old capacity in logical order, so bytes written ahead of
    // size() (out-of-order data) survive growth too.
    if (cap_) copy_out(0, {fresh.get(), cap_});
    buf_ = std::move(fresh);
    cap_ = c;
    head_ = 0;
  }

  // Free the storage if nothing is buffered.
  void release_if_empty() {
    if (size_ == 0 && buf_) {
      buf_.reset();
      cap_ = 0;
      head_ = 0;
    }
  }

  // Drop the contents and hand the storage over (to recycle it); the ring is
  // left empty, holding none.
  std::unique_ptr<uint8_t[]> take_storage() {
    cap_ = head_ = size_ = 0;
    return std::move(buf_);
  }

  // Give a ring that holds no storage `storage` of `capacity` bytes (a power of
  // two), such as a block from take_storage.
  void adopt_storage(std::unique_ptr<uint8_t[]> storage, size_t capacity) {
    buf_ = std::move(storage);
    cap_ = capacity;
    head_ = size_ = 0;
  }

  // Append bytes at the tail (caller has reserved room).
  void append(std::span<const uint8_t> data) {
    write_at(size_, data);
    size_ += data.size();
  }

  // Write bytes at logical offset `off` (may be beyond size(): out-of-order data).
  void write_at(size_t off, std::span<const uint8_t> data) {
    size_t pos = (head_ + off) & (cap_ - 1);
    size_t first = std::min(data.size(), cap_ - pos);
    std::memcpy(buf_.get() + pos, data.data(), first);
    if (first < data.size()) std::memcpy(buf_.get(), data.data() + first, data.size() - first);
  }

  // Count bytes previously written ahead (by write_at) as part of the contents.
  void commit(size_t n) { size_ += n; }

  // Copy bytes at logical offset `off` into `out`.
  void copy_out(size_t off, std::span<uint8_t> out) const {
    if (out.empty()) return;
    size_t pos = (head_ + off) & (cap_ - 1);
    size_t first = std::min(out.size(), cap_ - pos);
    std::memcpy(out.data(), buf_.get() + pos, first);
    if (first < out.size()) std::memcpy(out.data() + first, buf_.get(), out.size() - first);
  }

  // The `len` bytes at logical offset `off` where they lie: one span, or two
  // when they wrap around the end of the storage (the second then empty or
  // starting at the storage's beginning). For a caller that reads them its own
  // way (copying and summing them at once, say).
  std::pair<std::span<const uint8_t>, std::span<const uint8_t>> pieces(size_t off, size_t len) const {
    if (len == 0) return {};
    size_t pos = (head_ + off) & (cap_ - 1);
    size_t first = std::min(len, cap_ - pos);
    return {{buf_.get() + pos, first}, {buf_.get(), len - first}};
  }

  // Drop `n` bytes from the head. The head keeps moving even when the ring
  // empties: bytes written ahead (out-of-order data) stay where they are.
  void consume(size_t n) {
    n = std::min(n, size_);
    if (n == 0) return;
    size_ -= n;
    head_ = (head_ + n) & (cap_ - 1);
  }

 private:
  std::unique_ptr<uint8_t[]> buf_;
  size_t cap_ = 0;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace synack::base
