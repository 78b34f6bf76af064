#include "wire/tcp_packet.h"

#include <cassert>

#include "base/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::wire {

using base::store_be16;
using base::store_be32;

uint8_t* write_tcp_ipv4_headers(const TcpPacketFields& f, const TcpOptions& opts, uint8_t* payload,
                                size_t payload_len) {
  const size_t opt_len = opts.wire_size();
  const size_t tcp_hlen = kTcpMinHeader + opt_len;
  uint8_t* tcp = payload - tcp_hlen;
  uint8_t* ip = tcp - kIpv4MinHeader;
  opts.serialize({tcp + kTcpMinHeader, opt_len});
  // TCP header (RFC 9293 §3.1); the checksum field is zero while summing.
  store_be16(tcp, f.src_port);
  store_be16(tcp + 2, f.dst_port);
  store_be32(tcp + 4, f.seq);
  store_be32(tcp + 8, f.ack);
  tcp[12] = static_cast<uint8_t>((tcp_hlen / 4) << 4);
  tcp[13] = f.flags;
  store_be16(tcp + 14, f.window);
  store_be16(tcp + 16, 0);
  store_be16(tcp + 18, f.urgent);

  const uint16_t tcp_len = static_cast<uint16_t>(tcp_hlen + payload_len);
  const uint16_t total_len = static_cast<uint16_t>(kIpv4MinHeader + tcp_len);
  const uint32_t src = f.src.value(), dst = f.dst.value();
  // The four address words are in both sums: the IPv4 header's and the TCP
  // pseudo-header's.
  const uint32_t addrs = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff);

  // IPv4 header (RFC 791 §3.1): version 4, IHL 5, the caller's TOS, DF, no options. Its
  // checksum is the one's-complement sum of these ten words (the checksum word
  // counting as zero), at most 4*0xffff + 5*0xffff: no 32-bit overflow. It is
  // nonzero (0x4500 is in it), so it folds to the value the byte sum gives.
  ip[0] = 0x45;
  ip[1] = f.tos;
  store_be16(ip + 2, total_len);
  store_be16(ip + 4, f.ip_id);
  ip[6] = 0x40;
  ip[7] = 0;
  ip[8] = f.ttl;
  ip[9] = kProtoTcp;
  store_be32(ip + 12, src);
  store_be32(ip + 16, dst);
  const uint32_t ip_sum =
      addrs + (0x4500u | f.tos) + total_len + f.ip_id + 0x4000u + ((uint32_t{f.ttl} << 8) | kProtoTcp);
  store_be16(ip + 10, checksum_finish(ip_sum));

  // TCP checksum (RFC 9293 §3.1): pseudo-header, header, options and payload.
  const uint32_t pseudo = addrs + kProtoTcp + tcp_len;
  // A bare ACK with timestamps is 32 bytes: summed without checksum_partial's
  // length tests (both partial sums are at most 0xffff: no overflow).
  // A payload summed already adds its sum: it starts at an even offset (the
  // header is whole 32-bit words), so no byte swap (RFC 1071 §2(B)).
  uint32_t sum;
  if (tcp_len == 32) {
    sum = checksum_partial32(tcp) + pseudo;
  } else if (f.payload_summed && payload_len > 0) {
    // Congruent modulo 0xffff (0 and 0xffff both stand for zero).
    assert(checksum_partial({payload, payload_len}) % 0xffff == f.payload_sum % 0xffff);
    const uint32_t initial = pseudo + f.payload_sum;
    // The usual data segment (timestamps only, a 32-byte header) by the
    // fixed-size sum as well: three partial sums of at most 0xffff and the
    // pseudo-header's, no 32-bit overflow.
    sum = tcp_hlen == 32 ? checksum_partial32(tcp) + initial : checksum_partial({tcp, tcp_hlen}, initial);
  } else {
    sum = checksum_partial({tcp, tcp_len}, pseudo);
  }
  store_be16(tcp + 16, checksum_finish(sum));
  return ip;
}

}  // namespace synack::wire
