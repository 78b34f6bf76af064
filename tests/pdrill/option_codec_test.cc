#include "pdrill/option_codec.h"

#include <gtest/gtest.h>

#include "helpers.h"

namespace synack::pdrill {
namespace {

using testing::packet;

std::vector<uint8_t> encode(std::string_view line, uint32_t sack_offset = 0) {
  auto r = encode_options(packet(line).options, sack_offset);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error());
  return r ? *r : std::vector<uint8_t>{};
}

TEST(OptionCodec, EncodesInWrittenOrderByteForByte) {
  EXPECT_EQ(encode("> S 0:0(0) <mss 1460,nop,wscale 7>"),
            (std::vector<uint8_t>{2, 4, 0x05, 0xb4, 1, 3, 3, 7}));
  EXPECT_EQ(encode("< S 0:0(0) win 100 <mss 1460,sackOK,eol,eol>"),
            (std::vector<uint8_t>{2, 4, 0x05, 0xb4, 4, 2, 0, 0}));
}

TEST(OptionCodec, SackEdgesAreShiftedByTheOffset) {
  EXPECT_EQ(encode("< . 1:1(0) ack 1 win 100 <nop,nop,sack 10:20>", 1000),
            (std::vector<uint8_t>{1, 1, 5, 10, 0, 0, 0x03, 0xf2, 0, 0, 0x03, 0xfc}));
}

TEST(OptionCodec, Md5CannotBeBuilt) {
  auto r = encode_options(packet("< S 0:0(0) win 100 <md5 valid,nop,nop>").options, 0);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("TCP-MD5"), std::string::npos);
}

TEST(OptionCodec, DescribesLiveBytesInScriptNotation) {
  std::vector<uint8_t> b{2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 3};
  EXPECT_EQ(describe_options(b), "<mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 3>");
  EXPECT_EQ(describe_options(std::vector<uint8_t>{1, 1, 0, 0}), "<nop,nop,eol,eol>");
}

TEST(OptionCodec, CompareNeedsSameKindsOrderAndValues) {
  auto linux_layout = encode("> S 0:0(0) <mss 1460,nop,nop,sackOK,nop,wscale 8>");
  auto ours = encode("> S 0:0(0) <mss 1460,sackOK,nop,nop,nop,wscale 8>");
  EXPECT_FALSE(compare_options(linux_layout, linux_layout).has_value());
  auto d = compare_options(linux_layout, ours);
  ASSERT_TRUE(d.has_value());
  EXPECT_NE(d->find("expected <mss 1460,nop,nop,sackOK,nop,wscale 8>"), std::string::npos) << *d;
  EXPECT_TRUE(compare_options(encode("> S 0:0(0) <mss 1460,nop,wscale 8>"),
                              encode("> S 0:0(0) <mss 1460,nop,wscale 7>")).has_value());
  EXPECT_TRUE(compare_options(encode("> S 0:0(0) <mss 1460,nop,wscale 8>"), {}).has_value());
}

TEST(OptionCodec, TimestampValuesAreNotCompared) {
  auto a = encode("> . 1:1(0) ack 1 <nop,nop,TS val 100 ecr 200>");
  auto b = encode("> . 1:1(0) ack 1 <nop,nop,TS val 5 ecr 7>");
  EXPECT_FALSE(compare_options(a, b).has_value());
  auto ts = find_timestamp(b);
  ASSERT_TRUE(ts.has_value());
  EXPECT_EQ(ts->first, 5u);
  EXPECT_EQ(ts->second, 7u);
}

}  // namespace
}  // namespace synack::pdrill
