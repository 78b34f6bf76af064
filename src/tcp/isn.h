#pragma once
// Initial sequence numbers (RFC 9293 §3.4.1, RFC 6528). The connection never
// draws randomness: an IsnGenerator is injected.
#include <array>
#include <cstdint>

#include "base/seq_num.h"
#include "base/time.h"
#include "wire/ipv4_addr.h"

namespace synack::tcp {

class IsnGenerator {
 public:
  virtual ~IsnGenerator() = default;
  virtual base::SeqNum generate(base::Instant now, const wire::FourTuple& tuple) = 0;
};

// RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), where
// M is a timer ticking every 4 microseconds (MUST-8) and F is SipHash-2-4 keyed
// with a 128-bit secret (MUST-9: outsiders cannot compute it).
class Rfc6528Isn final : public IsnGenerator {
 public:
  using Key = std::array<uint8_t, 16>;
  explicit Rfc6528Isn(const Key& key) : key_(key) {}
  // Key from the operating system's random source (getrandom via libsodium).
  static Key random_key();
  // Key derived from a seed, for reproducible simulations.
  static Key key_from_seed(uint64_t seed);

  base::SeqNum generate(base::Instant now, const wire::FourTuple& tuple) override;

 private:
  Key key_;
};

// A fixed ISN, for demos and tests ("client ISN 100, server ISN 300").
class FixedIsn final : public IsnGenerator {
 public:
  explicit FixedIsn(uint32_t isn) : isn_(isn) {}
  base::SeqNum generate(base::Instant, const wire::FourTuple&) override { return base::SeqNum(isn_); }

 private:
  uint32_t isn_;
};

}  // namespace synack::tcp
