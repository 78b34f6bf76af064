#include "wire/ipv4.h"

#include "wire/checksum.h"

namespace synack::wire {

base::Expected<Ipv4View, ParseError> Ipv4View::parse(std::span<const uint8_t> packet) {
  if (packet.size() < kIpv4MinHeader) return base::Unexpected(ParseError::Ipv4TooShort);
  if ((packet[0] >> 4) != 4) return base::Unexpected(ParseError::Ipv4BadVersion);
  size_t ihl = static_cast<size_t>(packet[0] & 0x0f) * 4;
  if (ihl < kIpv4MinHeader || ihl > packet.size())
    return base::Unexpected(ParseError::Ipv4BadHeaderLength);
  size_t total = base::load_be16(packet.data() + 2);
  if (total < ihl || total > packet.size()) return base::Unexpected(ParseError::Ipv4BadTotalLength);
  // RFC 791 §3.1: the header checksum; without options (nearly always) the
  // header is 20 bytes, summed without a loop.
  uint32_t sum = ihl == kIpv4MinHeader ? checksum_partial20(packet.data())
                                       : checksum_partial(packet.subspan(0, ihl));
  if (checksum_finish(sum) != 0)
    return base::Unexpected(ParseError::Ipv4BadChecksum);
  Ipv4View v;
  v.b_ = packet.subspan(0, total);
  return v;
}

void Ipv4Header::serialize(std::span<uint8_t> out) const {
  uint8_t* p = out.data();
  p[0] = 0x45;
  p[1] = tos;
  base::store_be16(p + 2, total_len);
  base::store_be16(p + 4, id);
  p[6] = dont_fragment ? 0x40 : 0;
  p[7] = 0;
  p[8] = ttl;
  p[9] = protocol;
  p[10] = 0;
  p[11] = 0;
  base::store_be32(p + 12, src.value());
  base::store_be32(p + 16, dst.value());
  base::store_be16(p + 10, checksum_finish(checksum_partial20(p)));  // RFC 791 §3.1
}

}  // namespace synack::wire
