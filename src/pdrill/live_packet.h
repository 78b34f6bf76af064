#pragma once
// An outbound packet as the stack sent it, decoded for matching against a `>` line.
// Several back-to-back segments may be merged into one (packetdrill's TSO/GSO
// emulation, dialect §1.5): the merged packet has the first fragment's sequence
// number, the last fragment's other header fields, the OR of their FIN/PSH bits and
// the concatenated payload.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/time.h"
#include "pdrill/seq_map.h"

namespace synack::pdrill {

// A packet taken off the stack's link side, with the virtual time it left.
struct Captured {
  base::Instant at;
  std::vector<uint8_t> bytes;
};

struct LivePacket {
  base::Instant first_at;  // when the first fragment left
  base::Instant at;        // when the last fragment left
  int fragments = 1;
  std::string error;       // not a valid IPv4/TCP packet (checksums included); empty if fine
  // IPv4
  uint8_t tos = 0;
  uint8_t ttl = 0;
  uint32_t src = 0;
  uint32_t dst = 0;
  bool is_tcp = false;
  // TCP
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint8_t reserved = 0;  // the 4 reserved bits of byte 12 (incl. AE)
  uint16_t win = 0;
  uint16_t urg = 0;
  std::vector<uint8_t> options;  // raw option bytes
  std::vector<uint8_t> payload;

  bool syn() const;
  bool rst() const;
  bool fin() const;
  // Sequence number just after this packet's data (SYN and FIN not counted).
  uint32_t data_end() const { return seq + static_cast<uint32_t>(payload.size()); }
};

// Decodes and verifies (IPv4 header checksum, TCP checksum) a captured packet.
LivePacket decode_live(const Captured& c);

// Can `next` be appended to `acc` as the next fragment of one large write?
// Both data segments, contiguous, no SYN/RST, `acc` without FIN.
bool can_merge(const LivePacket& acc, const LivePacket& next);
void merge_into(LivePacket& acc, const LivePacket& next);

// In script notation, sequence numbers relative to the local ISN as `map` knows it
// (a SYN is shown as 0): "S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 3>".
std::string describe_live(const LivePacket& p, const SeqMap& map);

}  // namespace synack::pdrill
