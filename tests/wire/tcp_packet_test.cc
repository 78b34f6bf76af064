// write_tcp_ipv4_headers, the stack's one-pass header writer, against the
// general codecs it stands for: TcpHeader::serialize, fill_tcp_checksum and
// Ipv4Header::serialize must produce the same packet, byte for byte.
#include "wire/tcp_packet.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "base/rng.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::wire {
namespace {

constexpr size_t kHeadroom = kIpv4MinHeader + kTcpMinHeader + kMaxOptionBytes;

TcpOptions random_options(base::Rng& rng) {
  TcpOptions o;
  switch (rng.below(4)) {
    case 0:
      break;  // none
    case 1:
      o.timestamps = Timestamps{rng.next_u32(), rng.next_u32()};  // NOP,NOP,TS
      break;
    default:  // anything, up to packed layouts that drop SACK blocks
      if (rng.chance(0.5)) o.mss = static_cast<uint16_t>(rng.next_u32());
      if (rng.chance(0.5)) o.window_scale = static_cast<uint8_t>(rng.below(15));
      o.sack_permitted = rng.chance(0.5);
      if (rng.chance(0.6)) o.timestamps = Timestamps{rng.next_u32(), rng.next_u32()};
      o.sack_count = static_cast<uint8_t>(rng.below(kMaxSackBlocks + 1));
      for (size_t k = 0; k < o.sack_count; ++k) o.sack[k] = {rng.next_u32(), rng.next_u32()};
      break;
  }
  return o;
}

// The general path: header values serialized one after the other.
std::vector<uint8_t> general(const TcpPacketFields& f, const TcpOptions& opts, std::span<const uint8_t> payload) {
  TcpHeader h;
  h.src_port = f.src_port;
  h.dst_port = f.dst_port;
  h.seq = f.seq;
  h.ack = f.ack;
  h.flags = f.flags;
  h.window = f.window;
  h.urgent = f.urgent;
  h.options = opts;
  size_t hlen = h.wire_size();
  std::vector<uint8_t> pkt(kIpv4MinHeader + hlen + payload.size());
  h.serialize(std::span(pkt).subspan(kIpv4MinHeader, hlen));
  std::copy(payload.begin(), payload.end(), pkt.begin() + static_cast<ptrdiff_t>(kIpv4MinHeader + hlen));
  fill_tcp_checksum(f.src.value(), f.dst.value(), std::span(pkt).subspan(kIpv4MinHeader));
  Ipv4Header ip;
  ip.total_len = static_cast<uint16_t>(pkt.size());
  ip.id = f.ip_id;
  ip.tos = f.tos;
  ip.ttl = f.ttl;
  ip.protocol = kProtoTcp;
  ip.src = f.src;
  ip.dst = f.dst;
  ip.serialize(std::span(pkt).first(kIpv4MinHeader));
  return pkt;
}

TEST(TcpPacket, OnePassWriterMatchesGeneralCodecs) {
  base::Rng rng(9293);
  for (int rep = 0; rep < 20000; ++rep) {
    TcpPacketFields f;
    // Every few packets, extreme values: all-zero and all-ones fields.
    uint32_t fill = rep % 7 == 1 ? 0u : rep % 7 == 2 ? 0xffffffffu : 0;
    bool random = rep % 7 > 2 || rep % 7 == 0;
    auto u32 = [&] { return random ? rng.next_u32() : fill; };
    f.src = Ipv4Addr(u32());
    f.dst = Ipv4Addr(u32());
    f.src_port = static_cast<uint16_t>(u32());
    f.dst_port = static_cast<uint16_t>(u32());
    f.seq = u32();
    f.ack = u32();
    f.flags = static_cast<uint8_t>(u32());
    f.window = static_cast<uint16_t>(u32());
    f.urgent = static_cast<uint16_t>(u32());
    f.ip_id = static_cast<uint16_t>(u32());
    f.ttl = static_cast<uint8_t>(u32());
    f.tos = static_cast<uint8_t>(u32());  // the DSCP of RFC 9293 MUST-48, and ECN bits
    TcpOptions opts = random_options(rng);
    size_t len = rep % 3 == 0 ? rng.below(4) : rng.below(1461);
    std::vector<uint8_t> payload(len);
    for (auto& b : payload) b = random ? static_cast<uint8_t>(rng.next_u32()) : static_cast<uint8_t>(fill);

    std::vector<uint8_t> buf(kHeadroom + len, 0xa5);  // stale bytes in the headroom
    std::copy(payload.begin(), payload.end(), buf.begin() + kHeadroom);
    uint8_t* start = write_tcp_ipv4_headers(f, opts, buf.data() + kHeadroom, len);
    std::vector<uint8_t> fast(start, buf.data() + buf.size());

    ASSERT_EQ(fast, general(f, opts, payload)) << "rep " << rep;
    // The same with the payload's sum handed in (as from checksum_copy): the
    // same bytes, checksum included.
    f.payload_summed = true;
    f.payload_sum = static_cast<uint16_t>(checksum_partial(payload));
    std::vector<uint8_t> buf2(kHeadroom + len, 0x3c);
    std::copy(payload.begin(), payload.end(), buf2.begin() + kHeadroom);
    uint8_t* start2 = write_tcp_ipv4_headers(f, opts, buf2.data() + kHeadroom, len);
    ASSERT_EQ(std::vector<uint8_t>(start2, buf2.data() + buf2.size()), fast) << "rep " << rep;
    // And the result parses, checksums included.
    auto ip = Ipv4View::parse(fast);
    ASSERT_TRUE(ip) << "rep " << rep;
    ASSERT_TRUE(verify_tcp_checksum(f.src.value(), f.dst.value(), ip->payload())) << "rep " << rep;
  }
}

}  // namespace
}  // namespace synack::wire
