#pragma once
// A TCP segment as the connection sees it: the header fields that matter to the
// state machine, parsed options, and a view of the payload (never owned).
#include <cstdint>
#include <string>

#include "base/bytes.h"
#include "base/expected.h"
#include "base/seq_num.h"
#include "wire/tcp_header.h"
#include "wire/tcp_options.h"

namespace synack::tcp {

using base::SeqNum;
namespace flags = wire::tcp_flags;

// The ECN field of the IPv4 header (RFC 3168 §5), which the stack copies into
// Segment::ecn on input and out of it on output.
namespace ecn {
constexpr uint8_t kNotEct = 0;
constexpr uint8_t kEct0 = 2;  // ECN-capable transport, the codepoint a sender sets (§5)
constexpr uint8_t kCe = 3;    // congestion experienced: a router marked instead of dropping
}  // namespace ecn

struct Segment {
  // User-provided, so that a value-initialised Segment (Segment{}, or the
  // one Segment::parse builds in its result) gets its members' initialisers
  // only, not a zeroing of all ~100 bytes first: g++ emits that as `rep stos`,
  // which costs more than the parse on AMD cores. Every member has one.
  Segment() {}  // NOLINT(modernize-use-equals-default): `= default` would zero
  SeqNum seq;
  SeqNum ack;
  uint8_t flags = 0;
  uint16_t wnd = 0;  // the raw 16-bit field; scaling is the connection's business
  uint16_t urg = 0;
  wire::TcpOptions options;
  base::Bytes payload;
  // Metadata for traces, not on the wire: this segment repeats sequence space
  // already sent (retransmission or zero-window probe of old data).
  bool retransmission = false;
  bool loss_probe = false;  // sent by the PTO, a tail loss probe (RFC 8985 §7.3)
  // The payload's partial checksum (wire::checksum_partial), when the sender
  // summed it while copying it in: the header writer then need not read the
  // payload again. Not on the wire as such; 0 / false when not computed.
  bool payload_summed = false;
  uint16_t payload_sum = 0;
  // The IP header's ECN codepoint (ecn::*): as received, or what to send.
  uint8_t ecn = ecn::kNotEct;

  bool syn() const { return flags & flags::kSyn; }
  bool fin() const { return flags & flags::kFin; }
  bool rst() const { return flags & flags::kRst; }
  bool has_ack() const { return flags & flags::kAck; }
  bool psh() const { return flags & flags::kPsh; }
  bool ece() const { return flags & flags::kEce; }
  bool cwr() const { return flags & flags::kCwr; }
  uint32_t len() const { return static_cast<uint32_t>(payload.size()); }
  // SEG.LEN of RFC 9293 §3.4: octets occupied, counting SYN and FIN.
  uint32_t seq_len() const { return len() + (syn() ? 1u : 0u) + (fin() ? 1u : 0u); }

  // Parse a TCP header (RFC 9293 §3.1) straight into a Segment, with the
  // checks of wire::TcpView::parse and its errors; payload points into
  // `bytes`. The stack's input path: no view is kept and copied from.
  static base::Expected<Segment, wire::ParseError> parse(std::span<const uint8_t> bytes);

  // Build from a parsed header view (payload points into the packet).
  static Segment from_view(const wire::TcpView& v) {
    Segment s;
    s.seq = SeqNum(v.seq());
    s.ack = SeqNum(v.ack());
    s.flags = v.flags();
    s.wnd = v.window();
    s.urg = v.urgent();
    s.options = v.options();
    s.payload = v.payload();
    return s;
  }
};

// "SYN,ACK seq=300 ack=101 len=0 win=65535" — for logs and test failures.
std::string describe(const Segment& s);

}  // namespace synack::tcp
