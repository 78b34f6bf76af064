// Regression: stack::Observer::on_packet_drop gets the whole IPv4 packet, also
// when TCP rejects it (bad checksum, malformed header). It used to get only
// the TCP segment in those cases and the IP packet in others, so observers
// could not tell what they were looking at.
#include <gtest/gtest.h>

#include <vector>

#include "stack/stack.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::stack {
namespace {

struct DropSpy final : Observer {
  std::vector<std::vector<uint8_t>> drops;
  std::vector<tcp::DropReason> reasons;
  void on_packet_drop(base::Instant, base::Bytes p, tcp::DropReason r) override {
    drops.emplace_back(p.begin(), p.end());
    reasons.push_back(r);
  }
};

// A SYN from 10.0.0.1:1234 to 10.0.0.2:80 with valid checksums.
std::vector<uint8_t> syn_packet() {
  std::vector<uint8_t> p(40);
  wire::TcpHeader t;
  t.src_port = 1234;
  t.dst_port = 80;
  t.seq = 1;
  t.flags = wire::tcp_flags::kSyn;
  t.window = 1000;
  t.serialize({p.data() + 20, 20});
  wire::Ipv4Addr src(10, 0, 0, 1), dst(10, 0, 0, 2);
  wire::fill_tcp_checksum(src.value(), dst.value(), {p.data() + 20, 20});
  wire::Ipv4Header ip;
  ip.total_len = 40;
  ip.src = src;
  ip.dst = dst;
  ip.serialize({p.data(), 20});
  return p;
}

TEST(StackObserver, PacketDropOfBadTcpChecksumShowsTheWholeIpPacket_Rfc9293_MUST3) {
  StackConfig cfg;
  cfg.addr = wire::Ipv4Addr(10, 0, 0, 2);
  tcp::FixedIsn isn(1);
  Stack s(cfg, isn);
  DropSpy spy;
  s.set_observer(&spy);
  auto p = syn_packet();
  p[24] ^= 0x01;  // a bit of the TCP sequence number: the TCP checksum fails
  s.on_packet(base::Instant::zero(), p);
  ASSERT_EQ(spy.drops.size(), 1u);
  EXPECT_EQ(spy.reasons[0], tcp::DropReason::BadChecksum);
  EXPECT_EQ(spy.drops[0], p);
  EXPECT_TRUE(wire::Ipv4View::parse(spy.drops[0]).has_value());
}

TEST(StackObserver, PacketDropOfMalformedTcpHeaderShowsTheWholeIpPacket) {
  StackConfig cfg;
  cfg.addr = wire::Ipv4Addr(10, 0, 0, 2);
  tcp::FixedIsn isn(1);
  Stack s(cfg, isn);
  DropSpy spy;
  s.set_observer(&spy);
  auto p = syn_packet();
  p[32] = 0x20;  // TCP data offset 2 (< 5): malformed
  s.on_packet(base::Instant::zero(), p);
  ASSERT_EQ(spy.drops.size(), 1u);
  EXPECT_EQ(spy.reasons[0], tcp::DropReason::Malformed);
  EXPECT_EQ(spy.drops[0].size(), p.size());
}

}  // namespace
}  // namespace synack::stack
