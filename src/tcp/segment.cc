#include "tcp/segment.h"

namespace synack::tcp {

base::Expected<Segment, wire::ParseError> Segment::parse(std::span<const uint8_t> bytes) {
  using wire::ParseError;
  if (bytes.size() < wire::kTcpMinHeader) return base::Unexpected(ParseError::TcpTooShort);
  const uint8_t* b = bytes.data();
  size_t hlen = static_cast<size_t>(b[12] >> 4) * 4;
  if (hlen < wire::kTcpMinHeader) return base::Unexpected(ParseError::TcpBadDataOffset);
  if (hlen > bytes.size()) return base::Unexpected(ParseError::TcpDataOffsetPastEnd);
  Segment s;
  s.seq = SeqNum(base::load_be32(b + 4));
  s.ack = SeqNum(base::load_be32(b + 8));
  s.flags = b[13];
  s.wnd = base::load_be16(b + 14);
  s.urg = base::load_be16(b + 18);
  s.payload = bytes.subspan(hlen);
  auto option_bytes = bytes.subspan(wire::kTcpMinHeader, hlen - wire::kTcpMinHeader);
  if (option_bytes.empty()) return s;
  // NOP,NOP,TS (RFC 7323 Appendix A), nearly every segment after the
  // handshake, without the general parse.
  if (auto ts = wire::nop_nop_timestamps(option_bytes)) {
    s.options.timestamps = ts;
    return s;
  }
  auto opts = wire::TcpOptions::parse(option_bytes);
  if (!opts) return base::Unexpected(opts.error());
  s.options = *opts;
  return s;
}

}  // namespace synack::tcp
