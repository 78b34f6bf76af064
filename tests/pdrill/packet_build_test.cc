#include "pdrill/packet_build.h"

#include <gtest/gtest.h>

#include "helpers.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp_header.h"

namespace synack::pdrill {
namespace {

const Addressing kAddr{{wire::Ipv4Addr(192, 168, 0, 1), 8080}, {wire::Ipv4Addr(192, 0, 2, 1), 40001}};

struct Built {
  std::vector<uint8_t> bytes;
  wire::Ipv4View ip() const { return *wire::Ipv4View::parse(bytes); }
  wire::TcpView tcp() const { return *wire::TcpView::parse(ip().payload()); }
};

Built build(std::string_view line, const SeqMap& map = {}) {
  auto r = build_inbound(testing::packet(line), kAddr, map);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error());
  return Built{r ? *r : std::vector<uint8_t>{}};
}

TEST(PacketBuild, RemoteSequenceIsLiteralAndAckIsShiftedByTheIsn) {
  SeqMap map;
  map.learn_local_isn(1'000'000, 0);
  Built b = build("< P. 1:11(10) ack 1 win 257", map);
  EXPECT_EQ(b.tcp().seq(), 1u);
  EXPECT_EQ(b.tcp().ack(), 1'000'001u);
  EXPECT_EQ(b.tcp().flags(), wire::tcp_flags::kPsh | wire::tcp_flags::kAck);
  EXPECT_EQ(b.tcp().window(), 257);
  EXPECT_EQ(b.tcp().payload().size(), 10u);
  EXPECT_EQ(b.tcp().src_port(), 40001);
  EXPECT_EQ(b.tcp().dst_port(), 8080);
  EXPECT_EQ(b.ip().src(), wire::Ipv4Addr(192, 0, 2, 1));
  EXPECT_TRUE(wire::verify_tcp_checksum(b.ip().src().value(), b.ip().dst().value(), b.ip().payload()));
}

TEST(PacketBuild, BeforeAnySynTheAckIsUsedAsWritten) {
  EXPECT_EQ(build("< . 17:20(3) ack 34 win 32767").tcp().ack(), 34u);
}

TEST(PacketBuild, OptionsAreWrittenExactly) {
  Built b = build("< S 0:0(0) win 32767 <mss 1460,sackOK,eol,eol>");
  auto ob = b.tcp().option_bytes();
  EXPECT_EQ(std::vector<uint8_t>(ob.begin(), ob.end()), (std::vector<uint8_t>{2, 4, 5, 0xb4, 4, 2, 0, 0}));
}

TEST(PacketBuild, IpInfoSetsTosAndTtl) {
  EXPECT_EQ(build("< (tos 0x20) S 0:0(0) win 100").ip().tos(), 0x20);
  EXPECT_EQ(build("< (ttl 4) S 0:0(0) win 100").ip().ttl(), 4);
}

TEST(PacketBuild, RefusesWhatItCannotBuild) {
  auto r = build_inbound(testing::packet("< S 0:0(0) win 100 <md5 valid,nop,nop>"), kAddr, {});
  EXPECT_FALSE(r.has_value());
}

}  // namespace
}  // namespace synack::pdrill

namespace synack::pdrill {
namespace {

TEST(SplitForGso, SplitsLargeSegmentsKeepingFinAndPshOnTheLast) {
  auto parts = split_for_gso(testing::packet("< FP. 1:2501(2500) ack 1 win 257"), 1000);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].seq.start, 1u);
  EXPECT_EQ(parts[0].seq.len, 1000u);
  EXPECT_EQ(parts[1].seq.start, 1001u);
  EXPECT_EQ(parts[2].seq.start, 2001u);
  EXPECT_EQ(parts[2].seq.end, 2501u);
  EXPECT_EQ(parts[0].flags.bits, script::TcpFlags::kAck);
  EXPECT_EQ(parts[2].flags.bits, script::TcpFlags::kAck | script::TcpFlags::kFin | script::TcpFlags::kPsh);
  EXPECT_EQ(split_for_gso(testing::packet("< . 1:1001(1000) ack 1 win 257"), 1000).size(), 1u);
  EXPECT_EQ(split_for_gso(testing::packet("< . 1:5001(5000) ack 1 win 257"), 0).size(), 1u);
}

}  // namespace
}  // namespace synack::pdrill
