#pragma once
// link::Impairment — a Link decorator that loses, duplicates and corrupts
// packets at random, reproducibly: the same seed and the same packet sequence
// give the same faults. Each direction draws from its own generator, so what
// happens to outgoing packets does not depend on how many came in meanwhile.
#include <cstdint>
#include <vector>

#include "base/rng.h"
#include "link/link.h"

namespace synack::link {

struct ImpairmentConfig {
  double loss = 0;       // probability a packet is dropped
  double duplicate = 0;  // probability a packet is delivered twice
  double corrupt = 0;    // probability one bit of a packet is flipped
  uint64_t seed = 1;
  bool outbound = true;  // impair packets the stack sends
  bool inbound = true;   // impair packets the stack receives
};

struct ImpairmentCounters {
  uint64_t out_dropped = 0;
  uint64_t out_duplicated = 0;
  uint64_t out_corrupted = 0;
  uint64_t in_dropped = 0;
  uint64_t in_duplicated = 0;
  uint64_t in_corrupted = 0;
};

class Impairment final : public Link {
 public:
  Impairment(Link& inner, const ImpairmentConfig& cfg);

  void send(base::Instant now, base::Bytes packet) override;
  std::optional<size_t> receive(base::Instant now, base::MutBytes buf) override;
  base::Instant next_arrival() const override;
  int fd() const override { return inner_->fd(); }

  const ImpairmentCounters& counters() const { return counters_; }

 private:
  // Flip one random bit of `p`.
  static void flip_bit(base::Rng& rng, base::MutBytes p);

  Link* inner_;
  ImpairmentConfig cfg_;
  base::Rng out_rng_;
  base::Rng in_rng_;
  std::vector<uint8_t> scratch_;  // a corrupted copy of an outgoing packet
  std::vector<uint8_t> dup_;      // an incoming packet to deliver again
  bool dup_pending_ = false;
  ImpairmentCounters counters_;
};

}  // namespace synack::link
