// The IPv4 header codec (RFC 791 §3.1): golden bytes, accessors, round trips
// and one test per ParseError reason.
#include "wire/ipv4.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/rng.h"
#include "wire/checksum.h"
#include "wire/golden_packets.h"

namespace synack::wire {
namespace {

std::vector<uint8_t> syn_copy() { return {golden::kSyn.begin(), golden::kSyn.end()}; }

// Recompute the header checksum after a test edits header bytes, so that only
// the defect under test is present.
void fix_ip_checksum(std::vector<uint8_t>& p) {
  size_t ihl = static_cast<size_t>(p[0] & 0x0f) * 4;
  p[10] = p[11] = 0;
  base::store_be16(p.data() + 10, checksum_finish(checksum_partial(std::span(p).first(ihl))));
}

ParseError parse_error_of(std::span<const uint8_t> p) {
  auto v = Ipv4View::parse(p);
  EXPECT_FALSE(v.has_value());
  return v ? ParseError::Ipv4TooShort : v.error();  // value irrelevant when the EXPECT fails
}

// RFC 791 §3.1: every field of the hand-written SYN header.
TEST(Ipv4, Rfc791ParsesGoldenHeader) {
  auto v = Ipv4View::parse(golden::syn_packet());
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_EQ(v->header_len(), 20u);
  EXPECT_EQ(v->tos(), 0);
  EXPECT_EQ(v->total_len(), 60);
  EXPECT_EQ(v->id(), 0x1c46);
  EXPECT_TRUE(v->dont_fragment());
  EXPECT_FALSE(v->more_fragments());
  EXPECT_EQ(v->fragment_offset(), 0);
  EXPECT_FALSE(v->is_fragment());
  EXPECT_EQ(v->ttl(), 64);
  EXPECT_EQ(v->protocol(), kProtoTcp);
  EXPECT_EQ(v->src(), golden::kSynSrc);
  EXPECT_EQ(v->dst(), golden::kSynDst);
  EXPECT_EQ(v->bytes().data(), golden::kSyn.data());
  EXPECT_EQ(v->bytes().size(), 60u);
  EXPECT_EQ(v->payload().data(), golden::kSyn.data() + 20);
  EXPECT_EQ(v->payload().size(), 40u);
}

// Ipv4Header::serialize writes exactly the golden bytes, checksum included.
TEST(Ipv4, Rfc791SerializeWritesGoldenBytes) {
  Ipv4Header h;
  h.tos = 0;
  h.total_len = 60;
  h.id = 0x1c46;
  h.dont_fragment = true;
  h.ttl = 64;
  h.protocol = kProtoTcp;
  h.src = golden::kSynSrc;
  h.dst = golden::kSynDst;
  std::array<uint8_t, 20> out;
  out.fill(0xee);  // serialize must write every byte
  h.serialize(out);
  auto want = golden::syn_ip_header();
  EXPECT_TRUE(std::equal(out.begin(), out.end(), want.begin(), want.end()));
  EXPECT_EQ(base::load_be16(out.data() + 10), golden::kSynIpChecksum);
}

TEST(Ipv4, SerializeThenParseRoundTrip) {
  base::Rng rng(791);
  for (int rep = 0; rep < 2000; ++rep) {
    Ipv4Header h;
    h.tos = static_cast<uint8_t>(rng.next_u32());
    h.total_len = static_cast<uint16_t>(20 + rng.below(200));
    h.id = static_cast<uint16_t>(rng.next_u32());
    h.dont_fragment = rng.chance(0.5);
    h.ttl = static_cast<uint8_t>(rng.next_u32());
    h.protocol = static_cast<uint8_t>(rng.next_u32());
    h.src = Ipv4Addr(rng.next_u32());
    h.dst = Ipv4Addr(rng.next_u32());
    std::vector<uint8_t> buf(h.total_len, 0x5a);
    h.serialize(buf);
    auto v = Ipv4View::parse(buf);
    ASSERT_TRUE(v.has_value()) << "rep " << rep << ": " << v.error();
    EXPECT_EQ(buf[0], 0x45);
    EXPECT_EQ(v->header_len(), 20u);
    EXPECT_EQ(v->tos(), h.tos);
    EXPECT_EQ(v->total_len(), h.total_len);
    EXPECT_EQ(v->id(), h.id);
    EXPECT_EQ(v->dont_fragment(), h.dont_fragment);
    EXPECT_FALSE(v->is_fragment());
    EXPECT_EQ(v->ttl(), h.ttl);
    EXPECT_EQ(v->protocol(), h.protocol);
    EXPECT_EQ(v->src(), h.src);
    EXPECT_EQ(v->dst(), h.dst);
    EXPECT_EQ(v->payload().size(), h.total_len - 20u);
  }
}

// RFC 791 §3.1 "Total Length": the datagram ends there. Ethernet pads short
// frames to 60 bytes; the view must cut that padding off.
TEST(Ipv4, Rfc791TrailingLinkPaddingIsCut) {
  auto p = syn_copy();
  p.insert(p.end(), {0, 0, 0, 0, 0, 0, 0xde, 0xad});
  auto v = Ipv4View::parse(p);
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_EQ(v->bytes().size(), 60u);
  EXPECT_EQ(v->bytes().size(), v->total_len());
  EXPECT_EQ(v->payload().size(), 40u);
  EXPECT_EQ(v->payload().back(), 0x07);  // last TCP option byte, not padding
}

// RFC 791 §3.1: IHL > 5 carries IP options; the checksum covers them and the
// payload starts after them.
TEST(Ipv4, Rfc791HeaderWithOptions) {
  std::vector<uint8_t> p = {0x46, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00,
                            0x40, 0x11, 0x00, 0x00, 192,  0,    2,    1,
                            192,  0,    2,    2,    0x01, 0x01, 0x01, 0x00,  // NOP NOP NOP EOL
                            0xaa, 0xbb, 0xcc, 0xdd};
  fix_ip_checksum(p);
  auto v = Ipv4View::parse(p);
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_EQ(v->header_len(), 24u);
  ASSERT_EQ(v->payload().size(), 4u);
  EXPECT_EQ(v->payload()[0], 0xaa);
  p[22] ^= 0x10;  // corrupt an option byte: covered by the header checksum
  EXPECT_EQ(parse_error_of(p), ParseError::Ipv4BadChecksum);
}

TEST(Ipv4, Rfc791FragmentFields) {
  auto p = syn_copy();
  base::store_be16(p.data() + 6, 0x2000 | 185);  // MF, offset 185 (x8 bytes)
  fix_ip_checksum(p);
  auto v = Ipv4View::parse(p);
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_FALSE(v->dont_fragment());
  EXPECT_TRUE(v->more_fragments());
  EXPECT_EQ(v->fragment_offset(), 185);
  EXPECT_TRUE(v->is_fragment());
  base::store_be16(p.data() + 6, 185);  // last fragment: no MF, offset != 0
  fix_ip_checksum(p);
  auto last = Ipv4View::parse(p);
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(last->is_fragment());
  EXPECT_FALSE(last->more_fragments());
}

TEST(Ipv4, ErrorTooShort) {
  for (size_t n = 0; n < 20; ++n) {
    EXPECT_EQ(parse_error_of(golden::syn_packet().first(n)), ParseError::Ipv4TooShort) << n;
  }
}

// RFC 791 §3.1 "Version: 4".
TEST(Ipv4, Rfc791ErrorBadVersion) {
  for (uint8_t version = 0; version < 16; ++version) {
    if (version == 4) continue;
    auto p = syn_copy();
    p[0] = static_cast<uint8_t>((version << 4) | 5);
    fix_ip_checksum(p);
    EXPECT_EQ(parse_error_of(p), ParseError::Ipv4BadVersion) << int{version};
  }
}

// RFC 791 §3.1: "the minimum value for a correct header is 5".
TEST(Ipv4, Rfc791ErrorIhlBelowFive) {
  for (uint8_t ihl = 0; ihl < 5; ++ihl) {
    auto p = syn_copy();
    p[0] = static_cast<uint8_t>(0x40 | ihl);
    EXPECT_EQ(parse_error_of(p), ParseError::Ipv4BadHeaderLength) << int{ihl};
  }
}

TEST(Ipv4, ErrorIhlPastEndOfBuffer) {
  auto p = syn_copy();
  p.resize(23);  // 23 bytes, IHL 6 asks for 24
  p[0] = 0x46;
  base::store_be16(p.data() + 2, 23);
  EXPECT_EQ(parse_error_of(p), ParseError::Ipv4BadHeaderLength);
  p = syn_copy();
  p[0] = 0x4f;  // 60-byte header in a 60-byte packet is fine length-wise...
  fix_ip_checksum(p);
  EXPECT_TRUE(Ipv4View::parse(p).has_value());
  p.pop_back();  // ...but not in 59 bytes
  EXPECT_EQ(parse_error_of(p), ParseError::Ipv4BadHeaderLength);
}

// RFC 791 §3.1: total length counts header and data, so it is >= IHL*4.
TEST(Ipv4, Rfc791ErrorTotalLengthBelowHeaderLength) {
  auto p = syn_copy();
  base::store_be16(p.data() + 2, 19);
  fix_ip_checksum(p);
  EXPECT_EQ(parse_error_of(p), ParseError::Ipv4BadTotalLength);
  p = syn_copy();
  p[0] = 0x46;  // 24-byte header, total length 20
  base::store_be16(p.data() + 2, 20);
  fix_ip_checksum(p);
  EXPECT_EQ(parse_error_of(p), ParseError::Ipv4BadTotalLength);
  base::store_be16(p.data() + 2, 24);  // exactly the header: fine, empty payload
  fix_ip_checksum(p);
  auto v = Ipv4View::parse(p);
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_TRUE(v->payload().empty());
}

TEST(Ipv4, ErrorTotalLengthPastEndOfBuffer) {
  auto p = syn_copy();
  base::store_be16(p.data() + 2, 61);
  fix_ip_checksum(p);
  EXPECT_EQ(parse_error_of(p), ParseError::Ipv4BadTotalLength);
  base::store_be16(p.data() + 2, 0xffff);
  fix_ip_checksum(p);
  EXPECT_EQ(parse_error_of(p), ParseError::Ipv4BadTotalLength);
}

// RFC 791 §3.1 "Header Checksum", RFC 1071: every single-bit error in the
// header that leaves the length fields valid is caught by the checksum.
TEST(Ipv4, Rfc791ErrorBadChecksumOnAnySingleBitFlip) {
  for (size_t byte = 0; byte < 20; ++byte) {
    if (byte == 0 || byte == 2 || byte == 3) continue;  // version/IHL and total length
    for (int bit = 0; bit < 8; ++bit) {
      auto p = syn_copy();
      p[byte] = static_cast<uint8_t>(p[byte] ^ (1u << bit));
      EXPECT_EQ(parse_error_of(p), ParseError::Ipv4BadChecksum)
          << "byte " << byte << " bit " << bit;
    }
  }
  auto p = syn_copy();  // the payload is not covered by the header checksum
  p[40] ^= 0xff;
  EXPECT_TRUE(Ipv4View::parse(p).has_value());
}

}  // namespace
}  // namespace synack::wire
