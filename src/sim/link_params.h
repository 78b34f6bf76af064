#pragma once
// How one direction of a simulated link behaves: delay, jitter, bandwidth,
// MTU and seeded impairments. All randomness comes from the network's seed.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>

#include "base/time.h"

namespace synack::sim {

using base::Duration;

struct LinkParams {
  Duration delay = Duration::millis(10);  // one-way propagation delay
  Duration jitter = Duration::zero();     // extra delay, uniform in [0, jitter]; keeps FIFO order
  uint64_t bandwidth_bps = 0;             // serialization rate in bit/s; 0: unlimited
  uint16_t mtu = 1500;                    // larger packets are dropped and counted
  // Impairments, each a probability per packet in [0, 1].
  double loss = 0;       // the packet disappears
  double duplicate = 0;  // a second copy arrives as well
  double reorder = 0;    // the packet is held back so later ones overtake it
  double corrupt = 0;    // one byte is changed (checksums then fail at the receiver)
  // An ECN-capable packet (ECT in its IPv4 header) is marked CE: what a
  // congested router's queue management does instead of dropping it (RFC 3168
  // §5). Packets that are not ECN-capable are left alone.
  double ce_mark = 0;
  // How long a reordered packet is held back at most (uniform in [1 us, hold]).
  Duration reorder_hold = Duration::millis(5);
};

enum class SimError : uint8_t {
  BadProbability,   // an impairment probability outside [0, 1] (or NaN)
  BadDelay,         // negative delay, jitter or hold, or more than an hour
  BadMtu,           // MTU below 68 (RFC 791's minimum)
  UnknownHost,      // a HostId that was never added
  SameHost,         // a link from a host to itself
  DuplicateAddress, // two hosts with one address
  LinkExists,       // the two hosts are already linked
};
std::string_view to_string(SimError e);
inline std::ostream& operator<<(std::ostream& os, SimError e) { return os << to_string(e); }

// Nothing if the parameters are usable, else what is wrong with them.
std::optional<SimError> validate(const LinkParams& p);

}  // namespace synack::sim
