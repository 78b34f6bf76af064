#include "pdrill/packet_match.h"

#include <gtest/gtest.h>

#include "helpers.h"
#include "wire/tcp_header.h"

namespace synack::pdrill {
namespace {

using testing::live;
using testing::packet;
using testing::Seg;
namespace f = wire::tcp_flags;

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "; ";
  return s;
}

TEST(PacketMatch, SynMatchesAnyIsnAndOtherSeqsAreRelativeToIt) {
  SeqMap map;
  LivePacket syn = live({.seq = 123456, .ack = 1, .flags = f::kSyn | f::kAck, .options = {2, 4, 5, 0xb4}});
  EXPECT_TRUE(match_outbound(packet("> S. 0:0(0) ack 1 <mss 1460>"), syn, map).empty());
  map.learn_local_isn(123456, 0);
  LivePacket data = live({.seq = 123457, .ack = 1, .flags = f::kAck | f::kPsh, .payload = 10});
  EXPECT_TRUE(match_outbound(packet("> P. 1:11(10) ack 1"), data, map).empty());
  auto d = match_outbound(packet("> P. 2:12(10) ack 1"), data, map);
  ASSERT_EQ(d.size(), 1u) << joined(d);
  EXPECT_EQ(d[0], "seq: expected 2, got 1");
}

TEST(PacketMatch, BeforeAnySynTheLocalIsnIsZero) {
  SeqMap map;
  LivePacket rst = live({.seq = 34, .flags = f::kRst});
  EXPECT_TRUE(match_outbound(packet("> R 34:34(0)"), rst, map).empty());
  LivePacket rst_ack = live({.seq = 0, .ack = 4, .flags = f::kRst | f::kAck});
  EXPECT_TRUE(match_outbound(packet("> R. 0:0(0) ack 4"), rst_ack, map).empty());
}

TEST(PacketMatch, AbsoluteAndAnySequenceForms) {
  SeqMap map;
  map.learn_local_isn(5000, 0);
  LivePacket rst = live({.seq = 0, .ack = 1, .flags = f::kRst | f::kAck});
  EXPECT_TRUE(match_outbound(packet("> R. 0:0(0)! ack 1"), rst, map).empty());
  EXPECT_FALSE(match_outbound(packet("> R. 0:0(0) ack 1"), rst, map).empty());
  LivePacket synack = live({.seq = 777, .ack = 65537, .flags = f::kSyn | f::kAck});
  EXPECT_TRUE(match_outbound(packet("> S. ...(0) ack 65537 <...>"), synack, map).empty());
}

TEST(PacketMatch, FlagsAckAndMissingAckField) {
  SeqMap map;
  LivePacket rst = live({.seq = 1, .ack = 0, .flags = f::kRst});
  auto d = match_outbound(packet("> R. 1:1(0) ack 1"), rst, map);
  EXPECT_NE(joined(d).find("flags: expected R., got R"), std::string::npos) << joined(d);
  EXPECT_NE(joined(d).find("ack: expected 1, got 0"), std::string::npos) << joined(d);
  LivePacket with_ack_field = live({.seq = 1, .ack = 9, .flags = f::kRst});
  EXPECT_NE(joined(match_outbound(packet("> R 1:1(0)"), with_ack_field, map)).find("ack: expected field 0"),
            std::string::npos);
}

TEST(PacketMatch, WindowOnlyIfWritten) {
  SeqMap map;
  LivePacket ack = live({.seq = 1, .ack = 1, .flags = f::kAck, .win = 500});
  EXPECT_TRUE(match_outbound(packet("> . 1:1(0) ack 1"), ack, map).empty());
  EXPECT_TRUE(match_outbound(packet("> . 1:1(0) ack 1 win 500"), ack, map).empty());
  EXPECT_EQ(match_outbound(packet("> . 1:1(0) ack 1 win 501"), ack, map).size(), 1u);
}

TEST(PacketMatch, NoOptionListMeansNoOptionsAndWildcardMeansAny) {
  SeqMap map;
  LivePacket ack = live({.seq = 1, .ack = 1, .flags = f::kAck, .options = {1, 1, 4, 2}});
  auto d = match_outbound(packet("> . 1:1(0) ack 1"), ack, map);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], "options: expected none, got <nop,nop,sackOK>");
  EXPECT_TRUE(match_outbound(packet("> . 1:1(0) ack 1 <...>"), ack, map).empty());
  EXPECT_TRUE(match_outbound(packet("> . 1:1(0) ack 1 <nop,nop,sackOK>"), ack, map).empty());
  EXPECT_FALSE(match_outbound(packet("> . 1:1(0) ack 1 <sackOK,nop,nop>"), ack, map).empty());
  EXPECT_TRUE(match_outbound(packet("> . 1:1(0) ack 1 <sackOK,nop,nop>"), ack, map, {.relax_options = true}).empty());
}

TEST(PacketMatch, PayloadLengthAndBadChecksum) {
  SeqMap map;
  LivePacket d = live({.seq = 1, .ack = 1, .flags = f::kAck, .payload = 100});
  EXPECT_EQ(match_outbound(packet("> . 1:101(100) ack 1"), d, map).size(), 0u);
  EXPECT_NE(joined(match_outbound(packet("> . 1:201(200) ack 1"), d, map)).find("payload length: expected 200, got 100"),
            std::string::npos);
  std::vector<uint8_t> b = testing::seg_bytes({.seq = 1, .ack = 1, .flags = f::kAck});
  b[20 + 14] ^= 0x01;  // the window, after the checksum was computed
  LivePacket bad = decode_live(Captured{base::Instant::zero(), b});
  EXPECT_EQ(bad.error, "bad TCP checksum");
  EXPECT_NE(joined(match_outbound(packet("> . 1:1(0) ack 1"), bad, map)).find("bad TCP checksum"), std::string::npos);
}

TEST(Merge, BackToBackSegmentsMergeIntoOne) {
  LivePacket a = live({.seq = 100, .ack = 1, .flags = f::kAck, .payload = 1460}, 10);
  LivePacket b = live({.seq = 1560, .ack = 1, .flags = f::kAck | f::kPsh, .win = 7, .payload = 40}, 20);
  ASSERT_TRUE(can_merge(a, b));
  merge_into(a, b);
  EXPECT_EQ(a.seq, 100u);
  EXPECT_EQ(a.payload.size(), 1500u);
  EXPECT_EQ(a.flags, f::kAck | f::kPsh);
  EXPECT_EQ(a.win, 7);  // headers of the last fragment
  EXPECT_EQ(a.first_at.us(), 10);
  EXPECT_EQ(a.at.us(), 20);
  EXPECT_EQ(a.fragments, 2);
  LivePacket gap = live({.seq = 5000, .ack = 1, .flags = f::kAck, .payload = 10});
  EXPECT_FALSE(can_merge(a, gap));
  LivePacket fin = live({.seq = 100, .ack = 1, .flags = f::kAck | f::kFin, .payload = 10});
  EXPECT_FALSE(can_merge(fin, live({.seq = 110, .ack = 1, .flags = f::kAck, .payload = 10})));
}

TEST(Decode, DescribesRelativeToTheIsn) {
  SeqMap map;
  map.learn_local_isn(1000, 0);
  LivePacket p = live({.seq = 1001, .ack = 5, .flags = f::kAck | f::kFin, .win = 9});
  EXPECT_TRUE(p.error.empty());
  EXPECT_EQ(describe_live(p, map), "F. 1:1(0) ack 5 win 9");
}

}  // namespace
}  // namespace synack::pdrill
