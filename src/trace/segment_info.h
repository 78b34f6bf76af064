#pragma once
// trace::SegmentInfo — what a trace keeps of one TCP segment: the header
// fields people and programs look at, the options, and whether the sender
// marked it as a retransmission. Decodable from raw packets as well.
#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "tcp/segment.h"
#include "wire/ipv4_addr.h"
#include "wire/tcp_options.h"

namespace synack::trace {

struct SegmentInfo {
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;  // the field as on the wire (meaningful when ACK is set)
  uint8_t flags = 0;
  uint32_t len = 0;  // payload bytes
  uint16_t win = 0;  // the raw 16-bit window field
  wire::TcpOptions options;
  bool retransmission = false;  // sender's metadata, not on the wire
  bool loss_probe = false;      // likewise: a tail loss probe (RFC 8985 §7.3)

  // From a stack observer call: `t` is the local side's 4-tuple.
  static SegmentInfo outgoing(const wire::FourTuple& t, const tcp::Segment& s);
  static SegmentInfo incoming(const wire::FourTuple& t, const tcp::Segment& s);
  // From an IPv4 packet (checksums are not verified: a corrupted packet is
  // shown as it arrived). Nothing if it is not a parseable TCP/IPv4 packet.
  static std::optional<SegmentInfo> decode(base::Bytes ip_packet);

  bool has_ack() const { return flags & tcp::flags::kAck; }
  // The same segment on the wire (retransmission metadata aside).
  bool same_wire(const SegmentInfo& o) const;
  // "SYN,ACK seq=300 ack=101 len=0 win=65535 <mss 1460,ws 3>" (no ack= without ACK).
  std::string describe() const;
};

// "<mss 1460,ws 7,sack_ok,ts 5 0,sack 10-20>", or "" when there are none.
std::string describe_options(const wire::TcpOptions& o);

}  // namespace synack::trace
