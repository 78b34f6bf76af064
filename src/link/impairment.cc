// Impairment: seeded loss, duplication and corruption in both directions.
#include "link/impairment.h"

#include <algorithm>

namespace synack::link {

Impairment::Impairment(Link& inner, const ImpairmentConfig& cfg)
    : inner_(&inner),
      cfg_(cfg),
      out_rng_(cfg.seed),
      in_rng_(cfg.seed ^ 0x5bd1e995a5a5a5a5ULL) {}

void Impairment::flip_bit(base::Rng& rng, base::MutBytes p) {
  if (p.empty()) return;
  uint64_t bit = rng.below(p.size() * 8);
  p[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
}

void Impairment::send(base::Instant now, base::Bytes packet) {
  if (!cfg_.outbound) return inner_->send(now, packet);
  if (out_rng_.chance(cfg_.loss)) {
    ++counters_.out_dropped;
    return;
  }
  base::Bytes p = packet;
  if (out_rng_.chance(cfg_.corrupt)) {
    scratch_.assign(packet.begin(), packet.end());
    flip_bit(out_rng_, scratch_);
    p = scratch_;
    ++counters_.out_corrupted;
  }
  inner_->send(now, p);
  if (out_rng_.chance(cfg_.duplicate)) {
    inner_->send(now, p);
    ++counters_.out_duplicated;
  }
}

std::optional<size_t> Impairment::receive(base::Instant now, base::MutBytes buf) {
  if (dup_pending_) {
    dup_pending_ = false;
    size_t n = std::min(dup_.size(), buf.size());
    std::copy_n(dup_.begin(), n, buf.begin());
    return n;
  }
  for (;;) {
    auto n = inner_->receive(now, buf);
    if (!n || !cfg_.inbound) return n;
    if (in_rng_.chance(cfg_.loss)) {
      ++counters_.in_dropped;
      continue;
    }
    if (in_rng_.chance(cfg_.corrupt)) {
      flip_bit(in_rng_, buf.first(*n));
      ++counters_.in_corrupted;
    }
    if (in_rng_.chance(cfg_.duplicate)) {
      dup_.assign(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
      dup_pending_ = true;
      ++counters_.in_duplicated;
    }
    return n;
  }
}

base::Instant Impairment::next_arrival() const {
  return dup_pending_ ? base::Instant::zero() : inner_->next_arrival();
}

}  // namespace synack::link
