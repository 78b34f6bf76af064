#pragma once
// The headers of an outgoing TCP/IPv4 packet, written in one pass in front of
// a payload already in place: the stack's output path. The bytes are those of
// TcpHeader::serialize + fill_tcp_checksum + Ipv4Header::serialize (DF, no IP
// options; a unit test compares the two over random segments), for less
// work: no header values to fill and copy, and the IPv4 header checksum summed
// from the field values, the address words shared with the TCP pseudo-header.
#include <cstddef>
#include <cstdint>

#include "wire/ipv4_addr.h"
#include "wire/tcp_options.h"

namespace synack::wire {

struct TcpPacketFields {
  Ipv4Addr src;
  Ipv4Addr dst;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  uint32_t seq = 0;
  uint32_t ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  uint16_t urgent = 0;
  uint16_t ip_id = 0;
  uint8_t tos = 0;  // DSCP and ECN bits (RFC 2474, RFC 3168)
  uint8_t ttl = 64;
  // The payload's partial checksum (checksum_partial), if the caller has it
  // from copying the payload in (checksum_copy): the payload is not read again.
  bool payload_summed = false;
  uint16_t payload_sum = 0;
};

// Writes the 20-byte IPv4 header, the TCP header and `opts` so that they end
// at `payload`, with both checksums (the TCP one over `payload_len` bytes of
// payload too). The caller leaves room for them in front of `payload`:
// kIpv4MinHeader + kTcpMinHeader + opts.wire_size() bytes. Returns the start of
// the IPv4 header.
uint8_t* write_tcp_ipv4_headers(const TcpPacketFields& f, const TcpOptions& opts, uint8_t* payload,
                                size_t payload_len);

}  // namespace synack::wire
