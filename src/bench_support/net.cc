#include "bench_support/net.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "base/prefetch.h"

namespace synack::bench {

namespace {
constexpr size_t kPacketAhead = 3;  // packets between a header prefetch and its demux prefetch
constexpr uint32_t kServerAddr = (10u << 24) | 1u;        // 10.0.0.1
constexpr uint32_t kClientBase = (10u << 24) | (1u << 16);  // 10.1.0.0
}  // namespace

// ---------------------------------------------------------------------------
// PacketFifo

PacketFifo::PacketFifo(size_t slot_bytes, size_t initial_slots) : slot_bytes_(slot_bytes) {
  size_t n = 1;
  while (n < initial_slots) n *= 2;
  grow(n);
}

void PacketFifo::reserve(size_t slots) {
  size_t n = dst_.size();
  while (n < slots) n *= 2;
  if (n > dst_.size()) grow(n);
}

void PacketFifo::grow(size_t slots) {
  std::vector<uint8_t> arena(slots * slot_bytes_);
  std::vector<uint32_t> dst(slots), off(slots), len(slots);
  size_t old = dst_.size();
  for (size_t k = 0; k < count_; ++k) {
    size_t from = (head_ + k) & (old - 1);
    std::memcpy(arena.data() + k * slot_bytes_ + off_[from], arena_.data() + from * slot_bytes_ + off_[from],
                len_[from]);
    dst[k] = dst_[from];
    off[k] = off_[from];
    len[k] = len_[from];
  }
  arena_ = std::move(arena);
  dst_ = std::move(dst);
  off_ = std::move(off);
  len_ = std::move(len);
  head_ = 0;
}

base::MutBytes PacketFifo::back_slot() {
  if (count_ == dst_.size()) grow(dst_.size() * 2);
  size_t s = (head_ + count_) & (dst_.size() - 1);
  return {arena_.data() + s * slot_bytes_, slot_bytes_};
}

const uint8_t* PacketFifo::slot_after_back(size_t ahead) const {
  if (count_ + ahead >= dst_.size()) return nullptr;
  size_t s = (head_ + count_ + ahead) & (dst_.size() - 1);
  return arena_.data() + s * slot_bytes_;
}

void PacketFifo::commit(uint32_t dst, base::Bytes packet_in_slot) {
  size_t s = (head_ + count_) & (dst_.size() - 1);
  const uint8_t* slot = arena_.data() + s * slot_bytes_;
  if (packet_in_slot.data() < slot || packet_in_slot.data() + packet_in_slot.size() > slot + slot_bytes_)
    throw BenchError("PacketFifo::commit: the packet is not in the back slot");
  dst_[s] = dst;
  off_[s] = static_cast<uint32_t>(packet_in_slot.data() - slot);
  len_[s] = static_cast<uint32_t>(packet_in_slot.size());
  ++count_;
}

PacketFifo::Packet PacketFifo::pop() {
  size_t s = head_;
  head_ = (head_ + 1) & (dst_.size() - 1);
  --count_;
  return {dst_[s], base::Bytes(arena_.data() + s * slot_bytes_ + off_[s], len_[s])};
}

PacketFifo::Packet PacketFifo::peek(size_t i) const {
  size_t s = (head_ + i) & (dst_.size() - 1);
  return {dst_[s], base::Bytes(arena_.data() + s * slot_bytes_ + off_[s], len_[s])};
}

// ---------------------------------------------------------------------------
// BenchNet

BenchNet::BenchNet(const NetConfig& cfg) : cfg_(cfg), wire_(stack::Stack::kTransmitHeadroom + cfg.stack.mtu) {
  if (cfg.clients == 0 || cfg.clients > 60000) throw BenchError("BenchNet: 1..60000 client stacks");
  size_t n = cfg.clients + 1;
  for (size_t i = 0; i < n; ++i) {
    stack::StackConfig sc = cfg.stack;
    sc.addr = addr_of(i);
    sc.port_secret = cfg.seed * 1000003u + i;
    isns_.push_back(std::make_unique<tcp::Rfc6528Isn>(tcp::Rfc6528Isn::key_from_seed(cfg.seed + i)));
    stacks_.push_back(std::make_unique<stack::Stack>(sc, *isns_.back()));
  }
  metered_.assign(n, 0);
  deadlines_.assign(n, base::Instant::never());
}

BenchNet::~BenchNet() = default;

wire::Ipv4Addr BenchNet::addr_of(size_t i) {
  return wire::Ipv4Addr(i == kServer ? kServerAddr : kClientBase + static_cast<uint32_t>(i));
}

size_t BenchNet::index_of(wire::Ipv4Addr a) const {
  uint32_t v = a.value();
  if (v == kServerAddr) return kServer;
  if (v > kClientBase && v - kClientBase < stacks_.size()) return v - kClientBase;
  throw BenchError("packet to an address no stack owns: " + a.to_string());
}

void BenchNet::collect(size_t i) {
  stack::Stack& s = *stacks_[i];
  for (;;) {
    // The stack may do real work here (it builds segments lazily), so its
    // heap growth is metered; the wire's own copy is not.
    std::optional<base::Bytes> p;
    base::MutBytes slot = wire_.back_slot();
    // The stack writes the headers into the start of the slot; the next slot
    // was last written a whole batch of packets ago (as a driver prefetches
    // its next transmit descriptor).
    if (cfg_.prefetch) {
      if (const uint8_t* next = wire_.slot_after_back(1)) {
        base::prefetch(next);
        base::prefetch(next + 64);
      }
    }
    if (metering_) {
      meter(i, [&] { p = s.poll_transmit_into(slot); });
    } else {
      p = s.poll_transmit_into(slot);
    }
    if (!p) return;
    if (p->size() < 20) throw BenchError("runt packet from a stack");
    wire_.commit(static_cast<uint32_t>(index_of(wire::Ipv4Addr(base::load_be32(p->data() + 16)))), *p);
  }
}

void BenchNet::note_deadline(size_t i) {
  deadlines_[i] = stacks_[i]->next_deadline();
  next_timer_ = std::min(next_timer_, deadlines_[i]);
}

void BenchNet::touched(size_t i) {
  collect(i);
  note_deadline(i);
}

void BenchNet::fire_due() {
  if (now_ < next_timer_) return;
  // Only the stacks whose (cached) deadline is due are called; the others'
  // deadlines are exact in the cache (refreshed after every call into them).
  base::Instant next = base::Instant::never();
  for (size_t i = 0; i < stacks_.size(); ++i) {
    if (deadlines_[i] <= now_) {
      stack::Stack& s = *stacks_[i];
      meter(i, [&] {
        s.on_timeout(now_);
        if (app_) app_->on_activity(i);
      });
      collect(i);
      deadlines_[i] = s.next_deadline();
    }
    next = std::min(next, deadlines_[i]);
  }
  next_timer_ = next;
}

bool BenchNet::deliver_one() {
  if (wire_.empty()) return false;
  PacketFifo::Packet p = wire_.pop();
  // Receive batching, as a driver loop over a ring of received packets does:
  // while this packet is processed, the next one's connection and the one
  // after's demux bucket are loaded (Stack::prefetch).
  if (cfg_.prefetch) {
    // Further ahead, the packet's own first bytes (the headers): slots written
    // a whole batch earlier have left the caches, and demux reads them first.
    if (wire_.size() > kPacketAhead) {
      const uint8_t* b = wire_.peek(kPacketAhead).bytes.data();
      base::prefetch(b);
      base::prefetch(b + 63);  // headers that straddle a line
    }
    if (wire_.size() > 0) {
      PacketFifo::Packet n = wire_.peek(0);
      stacks_[n.dst]->prefetch(n.bytes, stack::Stack::Prefetch::Connection);
    }
    if (wire_.size() > 1) {
      PacketFifo::Packet n = wire_.peek(1);
      stacks_[n.dst]->prefetch(n.bytes, stack::Stack::Prefetch::Demux);
    }
  }
  now_ += cfg_.tick;
  ++packets_;
  meter(p.dst, [&] {
    stacks_[p.dst]->on_packet(now_, p.bytes);
    if (app_) app_->on_activity(p.dst);
  });
  collect(p.dst);
  note_deadline(p.dst);
  fire_due();
  return true;
}

bool BenchNet::stall() {
  base::Instant next = base::Instant::never();
  for (base::Instant d : deadlines_) next = std::min(next, d);
  if (next.is_never()) return false;
  now_ = std::max(now_, next);
  next_timer_ = std::min(next_timer_, next);
  ++stalls_;
  fire_due();
  return true;
}

void BenchNet::advance(base::Duration d, LoopGuard& guard) {
  base::Instant end = now_ + d;
  for (;;) {
    guard.tick();
    if (deliver_one()) continue;
    base::Instant next = base::Instant::never();
    for (base::Instant dl : deadlines_) next = std::min(next, dl);
    if (next > end) break;
    now_ = std::max(now_, next);
    next_timer_ = std::min(next_timer_, next);
    fire_due();
  }
  now_ = std::max(now_, end);
}

}  // namespace synack::bench
