#pragma once
// Why a packet was rejected by a codec. Each value names one specific defect, so
// a drop can be counted and reported precisely.
#include <cstdint>
#include <ostream>
#include <string_view>

namespace synack::wire {

enum class ParseError : uint8_t {
  // IPv4 (RFC 791)
  Ipv4TooShort,          // fewer bytes than a minimal header
  Ipv4BadVersion,        // version field is not 4
  Ipv4BadHeaderLength,   // IHL < 5 or past the end of the packet
  Ipv4BadTotalLength,    // total length < IHL*4 or > bytes received
  Ipv4BadChecksum,       // header checksum does not verify
  // TCP (RFC 9293 §3.1)
  TcpTooShort,           // fewer than 20 bytes
  TcpBadDataOffset,      // data offset < 5
  TcpDataOffsetPastEnd,  // data offset points past the segment
  TcpBadChecksum,        // checksum over pseudo-header + segment does not verify
  TcpOptionBadLength,    // option length 0 or 1 (MUST-7)
  TcpOptionOverrun,      // option length runs past the header
  TcpOptionBadSize,      // a known option with the wrong fixed length
};

std::string_view to_string(ParseError e);
inline std::ostream& operator<<(std::ostream& os, ParseError e) { return os << to_string(e); }

}  // namespace synack::wire
