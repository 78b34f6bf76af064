#pragma once
// Build the IPv4 packet for a `<` line (dialect §1.3-1.4): the remote end's sequence
// numbers literally, `ack` and SACK edges shifted by the local ISN, the option list
// byte for byte as written, a zero payload, valid checksums.
#include <cstdint>
#include <string>
#include <vector>

#include "base/expected.h"
#include "pdrill/seq_map.h"
#include "script/script.h"
#include "wire/ipv4_addr.h"

namespace synack::pdrill {

struct Addressing {
  wire::Endpoint local;   // the stack under test
  wire::Endpoint remote;  // the script
};

// Errors say what cannot be built (UDP, ICMP, md5, flow labels...).
base::Expected<std::vector<uint8_t>, std::string> build_inbound(const script::Packet& p,
                                                                const Addressing& a,
                                                                const SeqMap& map);

// packetdrill's --mss=N injects a large inbound TCP packet as a GSO aggregate of N-byte
// segments; we emulate that by splitting it into back-to-back segments. FIN and PSH stay
// on the last one. Packets of at most N bytes (and SYNs) are returned unchanged.
std::vector<script::Packet> split_for_gso(const script::Packet& p, uint32_t mss);

}  // namespace synack::pdrill
