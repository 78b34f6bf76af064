#pragma once
// Why an arriving segment was not (fully) accepted. Drops are not errors: they
// are counted per connection and per stack and shown in traces.
#include <cstdint>
#include <ostream>
#include <string_view>

namespace synack::tcp {

enum class DropReason : uint8_t {
  None,                 // accepted
  // Codec / IP level (counted by the stack)
  Malformed,            // header failed to parse (see wire::ParseError)
  BadChecksum,          // TCP or IP checksum failed (MUST-3)
  Fragment,             // IPv4 fragments are not reassembled
  NotForUs,             // destination address is not ours
  UnsupportedProtocol,  // IP protocol other than TCP/ICMP
  BadAddress,           // broadcast/multicast/invalid source (MUST-57, MUST-63)
  // Connection level (§3.10.7)
  NoConnection,         // no TCB: answered with RST (§3.10.7.1)
  RstIgnored,           // RST in LISTEN, RST without acceptable ACK in SYN-SENT, etc.
  RstOutOfWindow,       // RST outside the receive window (RFC 5961 §3.2)
  RstChallenged,        // in-window RST not at RCV.NXT: challenge ACK sent (RFC 5961 §3.2)
  RstTimeWait,          // RST in TIME-WAIT ignored (RFC 1337)
  SynChallenged,        // SYN in a synchronized state: challenge ACK (RFC 5961 §4)
  Unacceptable,         // fails the sequence test of §3.10.7.4 (Table 6): ACK sent
  BadAck,               // unacceptable ACK (SYN-SENT / SYN-RECEIVED): RST sent
  AckTooNew,            // ACK of data never sent (SEG.ACK > SND.NXT): ACK sent
  AckTooOld,            // ACK below SND.UNA - MAX.SND.WND (RFC 5961 §5): ACK sent
  NoAck,                // ACK bit off in a synchronized state (§3.10.7.4 fifth check)
  NoSynOrRst,           // SYN-SENT: neither SYN nor RST (§3.10.7.3 fifth)
  ListenNonSyn,         // LISTEN: not a SYN (§3.10.7.2 fourth)
  SynFinDropped,        // SYN+FIN dropped by policy (drop_synfin)
  ReassemblyFull,       // out-of-order data dropped: no reassembly slot left
  AfterClose,           // data after the application closed: RST sent (SHLD-3)
  ListenQueueFull,      // SYN dropped: backlog full
  PawsRejected,         // timestamp older than TS.Recent (RFC 7323 §5)
  MissingTimestamp,     // timestamps in use but the segment has none (RFC 7323 §3.2)
  ConnectionLimit,      // SYN dropped: the stack's max_connections reached
  DeferredAccept,       // SYN-RECEIVED: a bare ACK waits for data (TCP_DEFER_ACCEPT)
};

std::string_view to_string(DropReason r);
inline std::ostream& operator<<(std::ostream& os, DropReason r) { return os << to_string(r); }
constexpr int kNumDropReasons = static_cast<int>(DropReason::DeferredAccept) + 1;

}  // namespace synack::tcp
