#pragma once
// Ephemeral port selection per RFC 6056 §3.3.3 (Algorithm 3, "Simple Hash-Based
// Port Selection"): the starting point is a keyed hash of the destination, so
// ports are hard to guess from outside yet spread per destination, and a
// counter moves on after each use.
#include <array>
#include <cstdint>

#include "wire/ipv4_addr.h"

namespace synack::stack {

class EphemeralPorts {
 public:
  EphemeralPorts(uint16_t lo, uint16_t hi, uint64_t secret);
  // Candidate number `attempt` (0, 1, 2, ...) for a connection to `remote`.
  uint16_t candidate(wire::Ipv4Addr local, const wire::Endpoint& remote, uint32_t attempt) const;
  // Called after a port was taken, so the next search starts further on.
  void advance() { ++counter_; }
  uint32_t range() const { return static_cast<uint32_t>(hi_ - lo_) + 1; }

 private:
  uint16_t lo_, hi_;
  std::array<uint8_t, 16> key_{};
  uint32_t counter_ = 0;
};

}  // namespace synack::stack
