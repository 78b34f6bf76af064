// Ipv4Addr text form, Endpoint, and the FourTuple demux hash.
#include "wire/ipv4_addr.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/rng.h"

namespace synack::wire {
namespace {

TEST(Ipv4Addr, ParsesDottedQuad) {
  auto a = Ipv4Addr::parse("10.0.0.1");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->value(), 0x0a000001u);
  EXPECT_EQ(*a, Ipv4Addr(10, 0, 0, 1));
  EXPECT_EQ(Ipv4Addr::parse("0.0.0.0")->value(), 0u);
  EXPECT_EQ(Ipv4Addr::parse("255.255.255.255")->value(), 0xffffffffu);
  EXPECT_EQ(Ipv4Addr::parse("192.168.100.254")->value(), 0xc0a864feu);
}

TEST(Ipv4Addr, RejectsMalformedText) {
  const char* kBad[] = {
      "",         "1.2.3",    "256.1.1.1",  "1.2.3.4.5",  "a.b.c.d",  "1.2.3.",
      ".1.2.3",   "1..2.3",   "1.2.3.256",  " 1.2.3.4",   "1.2.3.4 ", "+1.2.3.4",
      "-1.2.3.4", "1.2.3.-4", "1.2.3.4/24", "0001.2.3.4", "1.2.3.4x", "99999999999.1.1.1",
      "1,2,3,4",  "...."};
  for (const char* s : kBad) EXPECT_FALSE(Ipv4Addr::parse(s).has_value()) << '"' << s << '"';
}

TEST(Ipv4Addr, ToStringIsDottedDecimal) {
  EXPECT_EQ(Ipv4Addr(10, 0, 0, 1).to_string(), "10.0.0.1");
  EXPECT_EQ(Ipv4Addr().to_string(), "0.0.0.0");
  EXPECT_EQ(Ipv4Addr(0xffffffffu).to_string(), "255.255.255.255");
  std::ostringstream os;
  os << Ipv4Addr(172, 16, 5, 9);
  EXPECT_EQ(os.str(), "172.16.5.9");
}

TEST(Ipv4Addr, ToStringThenParseRoundTrip) {
  base::Rng rng(4);
  for (int rep = 0; rep < 5000; ++rep) {
    Ipv4Addr a(rng.next_u32());
    auto b = Ipv4Addr::parse(a.to_string());
    ASSERT_TRUE(b.has_value()) << a.to_string();
    EXPECT_EQ(*b, a);
  }
}

// RFC 1112 §4 (class D = 224.0.0.0/4 is multicast), RFC 919 (limited broadcast),
// RFC 1122 §3.2.1.3 (0.0.0.0 is "this host", unspecified).
TEST(Ipv4Addr, Classification) {
  EXPECT_TRUE(Ipv4Addr().is_unspecified());
  EXPECT_FALSE(Ipv4Addr(0, 0, 0, 1).is_unspecified());
  EXPECT_TRUE(Ipv4Addr(255, 255, 255, 255).is_broadcast());
  EXPECT_FALSE(Ipv4Addr(255, 255, 255, 254).is_broadcast());
  EXPECT_TRUE(Ipv4Addr(224, 0, 0, 1).is_multicast());
  EXPECT_TRUE(Ipv4Addr(239, 255, 255, 255).is_multicast());
  EXPECT_FALSE(Ipv4Addr(223, 255, 255, 255).is_multicast());
  EXPECT_FALSE(Ipv4Addr(240, 0, 0, 0).is_multicast());
}

TEST(Ipv4Addr, OrdersByNumericValue) {
  EXPECT_LT(Ipv4Addr(9, 255, 255, 255), Ipv4Addr(10, 0, 0, 0));
  EXPECT_LT(Ipv4Addr(10, 0, 0, 1), Ipv4Addr(10, 0, 1, 0));
}

TEST(Endpoint, ToString) {
  Endpoint e{Ipv4Addr(10, 0, 0, 1), 80};
  EXPECT_EQ(e.to_string(), "10.0.0.1:80");
  std::ostringstream os;
  os << Endpoint{Ipv4Addr(192, 0, 2, 7), 65535};
  EXPECT_EQ(os.str(), "192.0.2.7:65535");
}

FourTuple tuple(uint32_t la, uint16_t lp, uint32_t ra, uint16_t rp) {
  return FourTuple{Endpoint{Ipv4Addr(la), lp}, Endpoint{Ipv4Addr(ra), rp}};
}

TEST(FourTuple, HashDiffersForSwappedPorts) {
  base::Rng rng(80);
  for (int rep = 0; rep < 1000; ++rep) {
    uint32_t la = rng.next_u32(), ra = rng.next_u32();
    auto p = static_cast<uint16_t>(rng.next_u32());
    auto q = static_cast<uint16_t>(rng.next_u32());
    if (p == q) continue;
    EXPECT_NE(tuple(la, p, ra, q).hash(), tuple(la, q, ra, p).hash());
  }
  EXPECT_NE(tuple(0x0a000001, 80, 0x0a000002, 443).hash(),
            tuple(0x0a000001, 443, 0x0a000002, 80).hash());
}

TEST(FourTuple, HashDiffersForSwappedEndsAndIsStable) {
  auto t = tuple(0x0a000001, 1234, 0x0a000002, 80);
  EXPECT_NE(t.hash(), tuple(0x0a000002, 80, 0x0a000001, 1234).hash());
  EXPECT_EQ(t.hash(), tuple(0x0a000001, 1234, 0x0a000002, 80).hash());
  EXPECT_EQ(t, tuple(0x0a000001, 1234, 0x0a000002, 80));
  EXPECT_NE(t, tuple(0x0a000001, 1235, 0x0a000002, 80));
}

// Demux tables index by the low bits: a server's connections differ only in the
// client port (often sequential), and must still spread over the buckets.
TEST(FourTuple, SequentialPortsSpreadOverBuckets) {
  constexpr size_t kBuckets = 256, kTuples = 256 * 16;
  std::vector<size_t> count(kBuckets, 0);
  std::set<uint64_t> seen;
  for (size_t i = 0; i < kTuples; ++i) {
    auto t = tuple(0xc0000201, 80, 0xc6336401, static_cast<uint16_t>(32768 + i));
    ++count[t.hash() % kBuckets];
    seen.insert(t.hash());
  }
  EXPECT_EQ(seen.size(), kTuples);  // no full 64-bit collisions
  EXPECT_LE(*std::max_element(count.begin(), count.end()), 3 * kTuples / kBuckets);
  EXPECT_GE(*std::min_element(count.begin(), count.end()), 1u);
}

}  // namespace
}  // namespace synack::wire
