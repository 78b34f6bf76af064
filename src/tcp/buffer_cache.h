#pragma once
// tcp::BufferCache — Buffers and minimum-size ring blocks left by closed
// connections, kept for the next ones (one cache per stack, in the Env): in
// steady state a connection lifecycle then takes nothing from the heap. At
// most kKeep Buffers and 2 * kKeep blocks are kept, a few tens of KiB however
// many connections come and go; rings grown beyond the minimum by bulk data
// go back to the heap.
#include <array>
#include <cstddef>
#include <memory>

#include "base/ring_buffer.h"
#include "tcp/buffers.h"

namespace synack::tcp {

class BufferCache {
 public:
  static constexpr size_t kKeep = 16;

  // Buffers in their initial state (holding no ring storage).
  std::unique_ptr<Buffers> take() {
    if (n_bufs_ == 0) return std::make_unique<Buffers>();
    return std::move(bufs_[--n_bufs_]);
  }

  // A connection is done with `b`.
  void give(std::unique_ptr<Buffers> b) {
    release(b->snd);
    release(b->rcv);
    if (n_bufs_ == kKeep) return;
    // Back to the initial state in place: cheaper than assigning a temporary.
    std::destroy_at(b.get());
    std::construct_at(b.get());
    bufs_[n_bufs_++] = std::move(b);
  }

  // ByteRing::reserve, starting from a kept block if the ring holds no storage.
  void reserve(base::ByteRing& r, size_t n) {
    if (r.capacity() == 0 && n > 0 && n <= kBlock && n_blocks_ > 0) {
      r.adopt_storage(std::move(blocks_[--n_blocks_]), kBlock);
    }
    r.reserve(n);
  }

  // Drop a ring's contents and its storage, keeping the storage if it is a
  // minimum-size block.
  void release(base::ByteRing& r) {
    if (r.capacity() == kBlock && n_blocks_ < blocks_.size()) {
      blocks_[n_blocks_++] = r.take_storage();
    } else {
      r = {};
    }
  }

 private:
  static constexpr size_t kBlock = base::ByteRing::kMinCapacity;
  std::array<std::unique_ptr<Buffers>, kKeep> bufs_;
  std::array<std::unique_ptr<uint8_t[]>, 2 * kKeep> blocks_;
  size_t n_bufs_ = 0;
  size_t n_blocks_ = 0;
};

}  // namespace synack::tcp
