#pragma once
// Ephemeral port selection per RFC 6056 §3.3.3 (Algorithm 3, "Simple Hash-Based
// Port Selection"): the starting point is a keyed hash of the destination, so
// ports are hard to guess from outside yet spread per destination, and a
// counter moves on after each use.
#include <array>
#include <cstdint>
#include <optional>

#include "wire/ipv4_addr.h"

namespace synack::stack {

class EphemeralPorts {
 public:
  EphemeralPorts(uint16_t lo, uint16_t hi, uint64_t secret);
  // offset = F(local IP, remote IP, remote port, secret) for a connection to
  // `remote`. It depends on nothing else, so the last destination's is kept: a
  // client usually connects to the same server again and again.
  uint32_t offset(wire::Ipv4Addr local, const wire::Endpoint& remote);
  // Candidate number `attempt` (0, 1, 2, ...) for a destination's offset.
  uint16_t candidate(uint32_t offset, uint32_t attempt) const {
    return static_cast<uint16_t>(lo_ + (offset + counter_ + attempt) % range());
  }
  // Called after candidate `attempts - 1` was taken: the next search starts
  // after it (RFC 6056 §3.3.3 steps next_ephemeral on every attempt), so
  // ports found in use are not tried again first.
  void advance(uint32_t attempts) { counter_ += attempts; }
  uint32_t range() const { return static_cast<uint32_t>(hi_ - lo_) + 1; }

 private:
  struct Last {
    wire::Ipv4Addr local;
    wire::Endpoint remote;
    uint32_t offset = 0;
  };
  uint16_t lo_, hi_;
  std::array<uint8_t, 16> key_{};
  uint32_t counter_ = 0;
  std::optional<Last> last_;
};

}  // namespace synack::stack
