#pragma once
// Hand-written packets shared by the wire tests. The checksums were worked out
// by hand (RFC 1071: one's-complement sum of 16-bit words, then complement) and
// checked with tshark (both "[correct]"), not with the code under test.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/ipv4_addr.h"

namespace synack::wire::golden {

// A Linux-style SYN, 10.0.0.1:54321 -> 10.0.0.2:80.
//   IPv4 (RFC 791 §3.1): version 4, IHL 5, TOS 0, total length 60, id 0x1c46,
//     DF, TTL 64, protocol 6, header checksum 0x0a74.
//   TCP (RFC 9293 §3.1): seq 0x6b8b4567, ack 0, data offset 10, SYN,
//     window 64240, checksum 0xd156, urgent 0; options MSS 1460,
//     SACK-permitted, timestamps val=123456 ecr=0, NOP, window scale 7.
inline constexpr std::array<uint8_t, 60> kSyn = {
    // IPv4 header
    0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x0a, 0x74, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x02,
    // TCP header
    0xd4, 0x31, 0x00, 0x50, 0x6b, 0x8b, 0x45, 0x67, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0,
    0xd1, 0x56, 0x00, 0x00,
    // TCP options: MSS | SACK-permitted, TS | TS val | TS ecr | NOP, WS
    0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x01, 0xe2, 0x40, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x03, 0x03, 0x07};

inline constexpr size_t kSynIpHeaderLen = 20;
inline constexpr size_t kSynTcpHeaderLen = 40;
inline constexpr Ipv4Addr kSynSrc{10, 0, 0, 1};
inline constexpr Ipv4Addr kSynDst{10, 0, 0, 2};
inline constexpr uint16_t kSynIpChecksum = 0x0a74;
inline constexpr uint16_t kSynTcpChecksum = 0xd156;

inline std::span<const uint8_t> syn_packet() { return kSyn; }
inline std::span<const uint8_t> syn_ip_header() { return syn_packet().first(kSynIpHeaderLen); }
inline std::span<const uint8_t> syn_tcp_segment() { return syn_packet().subspan(kSynIpHeaderLen); }
inline std::span<const uint8_t> syn_tcp_options() {
  return syn_tcp_segment().subspan(20, kSynTcpHeaderLen - 20);
}

}  // namespace synack::wire::golden
