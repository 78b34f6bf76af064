#pragma once
// Two tcp::Connections joined by an in-memory path with seeded loss,
// duplication and reordering, on a virtual clock. Used by property tests, the
// allocation test and the core benchmark. Header-only; no stack, no IP.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

#include "base/rng.h"
#include "tcp/connection.h"

namespace synack::testing {

using base::Duration;
using base::Instant;
using tcp::Connection;
using tcp::Segment;

struct PathParams {
  Duration delay = Duration::millis(10);
  Duration jitter = Duration::zero();  // uniform extra delay: reorders segments
  double loss = 0;
  double duplicate = 0;
};

class ConnPair {
 public:
  static constexpr size_t kMaxInFlight = 4096;
  static constexpr size_t kMaxPayload = 9000;

  ConnPair(const tcp::Config& cfg, uint64_t seed, PathParams path = {})
      : isn_a_(1000), isn_b_(5000), rng_(seed), path_(path) {
    env_a_.config = cfg;
    env_a_.isn = &isn_a_;
    env_b_.config = cfg;
    env_b_.isn = &isn_b_;
    wire::FourTuple ta{{wire::Ipv4Addr(10, 0, 0, 1), 40000}, {wire::Ipv4Addr(10, 0, 0, 2), 80}};
    wire::FourTuple tb{ta.remote, ta.local};
    a_.emplace_back(env_a_, ta);
    b_.emplace_back(env_b_, tb);
    pool_.resize(kMaxInFlight);
    for (auto& p : pool_) p.data.resize(kMaxPayload);
    free_.reserve(kMaxInFlight);
    for (size_t i = 0; i < kMaxInFlight; ++i) free_.push_back(kMaxInFlight - 1 - i);
    queue_.reserve(kMaxInFlight);
    scratch_.resize(kMaxPayload);
  }

  Connection& a() { return a_.front(); }
  Connection& b() { return b_.front(); }
  Instant now() const { return now_; }
  uint64_t delivered() const { return delivered_; }
  uint64_t dropped_by_path() const { return lost_; }
  // Observes every delivered segment (to: 0 = a, 1 = b).
  std::function<void(int to, const Segment&)> on_deliver;
  // Drops chosen segments as they leave (from: 0 = a, 1 = b); true = drop.
  std::function<bool(int from, const Segment&)> drop_if;
  // Exceeded the in-flight pool: the test's path model overflowed.
  bool overflowed() const { return overflow_; }

  // Pull every pending segment out of both connections onto the path.
  void flush() {
    flush_one(a(), 0);
    flush_one(b(), 1);
  }

  // Advance to the next event (delivery or timer) and process it. Returns false
  // when nothing at all is pending.
  bool step() {
    flush();
    Instant next = std::min(a().next_deadline(), b().next_deadline());
    // Earliest delivery first; FIFO among equal times (the path itself does not
    // reorder unless jitter says so).
    auto it = std::min_element(queue_.begin(), queue_.end(), [&](size_t x, size_t y) {
      return pool_[x].at < pool_[y].at || (pool_[x].at == pool_[y].at && pool_[x].order < pool_[y].order);
    });
    if (it != queue_.end()) next = std::min(next, pool_[*it].at);
    if (next.is_never()) return false;
    now_ = std::max(now_, next);
    if (it != queue_.end() && pool_[*it].at <= now_) {
      size_t idx = *it;
      *it = queue_.back();
      queue_.pop_back();
      Packet& p = pool_[idx];
      Segment s = p.seg;
      s.payload = base::Bytes(p.data.data(), p.len);
      if (on_deliver) on_deliver(p.to, s);
      (p.to == 0 ? a() : b()).on_segment(now_, s);
      ++delivered_;
      free_.push_back(idx);
    }
    if (a().next_deadline() <= now_) a().on_timeout(now_);
    if (b().next_deadline() <= now_) b().on_timeout(now_);
    flush();
    return true;
  }

  // Step until `done()` or `max_steps`; returns whether done() became true.
  template <class Done>
  bool run_until(Done done, size_t max_steps) {
    for (size_t i = 0; i < max_steps; ++i) {
      if (done()) return true;
      if (!step()) return done();
    }
    return done();
  }

 private:
  struct Packet {
    Instant at;
    uint64_t order = 0;
    int to = 0;
    Segment seg;
    std::vector<uint8_t> data;
    size_t len = 0;
  };

  void flush_one(Connection& c, int from) {
    for (int i = 0; i < 100000; ++i) {
      auto s = c.poll_transmit(now_, scratch_);
      if (!s) return;
      if ((drop_if && drop_if(from, *s)) || (path_.loss > 0 && rng_.chance(path_.loss))) {
        ++lost_;
        continue;
      }
      int copies = (path_.duplicate > 0 && rng_.chance(path_.duplicate)) ? 2 : 1;
      for (int k = 0; k < copies; ++k) enqueue(*s, 1 - from);
    }
  }

  void enqueue(const Segment& s, int to) {
    if (free_.empty()) {
      overflow_ = true;
      return;
    }
    size_t idx = free_.back();
    free_.pop_back();
    Packet& p = pool_[idx];
    Duration d = path_.delay;
    if (path_.jitter > Duration::zero())
      d += Duration::micros(static_cast<int64_t>(rng_.below(static_cast<uint64_t>(path_.jitter.us()) + 1)));
    p.at = now_ + d;
    p.order = next_order_++;
    p.to = to;
    p.seg = s;
    p.len = s.payload.size();
    if (p.len) std::memcpy(p.data.data(), s.payload.data(), p.len);
    p.seg.payload = {};
    queue_.push_back(idx);
  }

  tcp::Env env_a_, env_b_;
  tcp::FixedIsn isn_a_, isn_b_;
  std::vector<Connection> a_, b_;  // vectors: Connection is not default-constructible
  base::Rng rng_;
  PathParams path_;
  Instant now_ = Instant::from_micros(1'000'000);
  std::vector<Packet> pool_;
  std::vector<size_t> free_;
  std::vector<size_t> queue_;
  std::vector<uint8_t> scratch_;
  uint64_t next_order_ = 0;
  uint64_t delivered_ = 0;
  uint64_t lost_ = 0;
  bool overflow_ = false;
};

// A byte pattern that depends on the position, so any misplaced byte shows.
inline uint8_t pattern_byte(uint64_t i, uint64_t salt) {
  return static_cast<uint8_t>((i * 131 + (i >> 8) * 7 + salt) & 0xff);
}

}  // namespace synack::testing
