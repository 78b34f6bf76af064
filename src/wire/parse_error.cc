#include "wire/parse_error.h"

namespace synack::wire {

std::string_view to_string(ParseError e) {
  switch (e) {
    case ParseError::Ipv4TooShort: return "ipv4 packet too short";
    case ParseError::Ipv4BadVersion: return "ipv4 bad version";
    case ParseError::Ipv4BadHeaderLength: return "ipv4 bad header length";
    case ParseError::Ipv4BadTotalLength: return "ipv4 bad total length";
    case ParseError::Ipv4BadChecksum: return "ipv4 bad header checksum";
    case ParseError::TcpTooShort: return "tcp header truncated";
    case ParseError::TcpBadDataOffset: return "tcp data offset < 5";
    case ParseError::TcpDataOffsetPastEnd: return "tcp data offset past end";
    case ParseError::TcpBadChecksum: return "tcp bad checksum";
    case ParseError::TcpOptionBadLength: return "tcp option length 0 or 1";
    case ParseError::TcpOptionOverrun: return "tcp option overruns header";
    case ParseError::TcpOptionBadSize: return "tcp option has wrong size";
  }
  return "unknown";
}

}  // namespace synack::wire
