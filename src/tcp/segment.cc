#include "tcp/segment.h"

namespace synack::tcp {

base::Expected<Segment, wire::ParseError> Segment::parse(std::span<const uint8_t> bytes) {
  using wire::ParseError;
  // Every path returns `r`, so the Segment is built in the caller's return
  // slot rather than copied into it.
  base::Expected<Segment, ParseError> r;
  size_t hlen = bytes.size() < wire::kTcpMinHeader ? 0 : static_cast<size_t>(bytes[12] >> 4) * 4;
  if (bytes.size() < wire::kTcpMinHeader) {
    r = base::Unexpected(ParseError::TcpTooShort);
  } else if (hlen < wire::kTcpMinHeader) {
    r = base::Unexpected(ParseError::TcpBadDataOffset);
  } else if (hlen > bytes.size()) {
    r = base::Unexpected(ParseError::TcpDataOffsetPastEnd);
  }
  if (!r) return r;
  Segment& s = *r;
  const uint8_t* b = bytes.data();
  s.seq = SeqNum(base::load_be32(b + 4));
  s.ack = SeqNum(base::load_be32(b + 8));
  s.flags = b[13];
  s.wnd = base::load_be16(b + 14);
  s.urg = base::load_be16(b + 18);
  s.payload = bytes.subspan(hlen);
  auto option_bytes = bytes.subspan(wire::kTcpMinHeader, hlen - wire::kTcpMinHeader);
  if (option_bytes.empty()) return r;
  // NOP,NOP,TS (RFC 7323 Appendix A), nearly every segment after the
  // handshake, without the general parse.
  if (auto ts = wire::nop_nop_timestamps(option_bytes)) {
    s.options.timestamps = ts;
    return r;
  }
  if (auto opts = wire::TcpOptions::parse(option_bytes)) {
    s.options = *opts;
  } else {
    r = base::Unexpected(opts.error());
  }
  return r;
}

}  // namespace synack::tcp
