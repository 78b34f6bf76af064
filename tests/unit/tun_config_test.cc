// TUN addressing: --addr parsing and the kernel's default address.
#include "link/tun_config.h"

#include <gtest/gtest.h>

#include "link/netns.h"

namespace synack {
namespace {

using wire::Ipv4Addr;

link::TunAddressing must(const char* cidr, std::optional<Ipv4Addr> kernel = std::nullopt) {
  auto c = link::parse_cidr(cidr);
  EXPECT_TRUE(c.has_value()) << cidr;
  auto a = link::make_addressing(*c, kernel);
  EXPECT_TRUE(a.has_value()) << cidr << ": " << (a ? "" : a.error());
  return *a;
}

std::string fails(const char* cidr, std::optional<Ipv4Addr> kernel = std::nullopt) {
  auto c = link::parse_cidr(cidr);
  if (!c) return "parse";
  auto a = link::make_addressing(*c, kernel);
  return a ? "" : a.error();
}

TEST(TunConfig, ParsesCidr) {
  auto c = link::parse_cidr("10.77.0.2/24");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->addr, Ipv4Addr(10, 77, 0, 2));
  EXPECT_EQ(c->prefix, 24);
  EXPECT_EQ(link::parse_cidr("10.0.0.1")->prefix, 32);
  for (const char* bad : {"10.0.0.1/33", "10.0.0.1/", "10.0.0/24", "10.0.0.1/2x", "x/24", ""})
    EXPECT_FALSE(link::parse_cidr(bad)) << bad;
}

TEST(TunConfig, KernelGetsTheFirstHostOrTheSecond) {
  EXPECT_EQ(must("10.77.0.2/24").kernel_addr, Ipv4Addr(10, 77, 0, 1));
  EXPECT_EQ(must("10.77.0.1/24").kernel_addr, Ipv4Addr(10, 77, 0, 2));
  EXPECT_EQ(must("10.77.0.200/24").kernel_addr, Ipv4Addr(10, 77, 0, 1));
  EXPECT_EQ(must("192.168.4.9/30").kernel_addr, Ipv4Addr(192, 168, 4, 10));  // .9 is the first host
  EXPECT_EQ(must("192.168.4.10/30").kernel_addr, Ipv4Addr(192, 168, 4, 9));
  EXPECT_EQ(must("10.0.0.1/31").kernel_addr, Ipv4Addr(10, 0, 0, 0));  // RFC 3021: both usable
  EXPECT_EQ(must("10.0.0.0/31").kernel_addr, Ipv4Addr(10, 0, 0, 1));
}

TEST(TunConfig, ExplicitKernelAddress) {
  EXPECT_EQ(must("10.77.0.2/24", Ipv4Addr(10, 77, 0, 99)).kernel_addr, Ipv4Addr(10, 77, 0, 99));
  EXPECT_EQ(must("10.77.0.2/32", Ipv4Addr(10, 99, 0, 1)).kernel_addr, Ipv4Addr(10, 99, 0, 1));
  EXPECT_NE(fails("10.77.0.2/24", Ipv4Addr(10, 78, 0, 1)), "");   // outside the subnet
  EXPECT_NE(fails("10.77.0.2/24", Ipv4Addr(10, 77, 0, 2)), "");   // same as synack
  EXPECT_NE(fails("10.77.0.2/24", Ipv4Addr(10, 77, 0, 255)), "");  // broadcast
}

TEST(TunConfig, RejectsUnusableAddresses) {
  EXPECT_NE(fails("10.77.0.0/24"), "");    // network address
  EXPECT_NE(fails("10.77.0.255/24"), "");  // broadcast
  EXPECT_NE(fails("10.77.0.2/32"), "");    // no room for the kernel without --kernel-addr
  EXPECT_NE(fails("127.0.0.2/8"), "");
  EXPECT_NE(fails("224.0.0.1/24"), "");
  EXPECT_NE(fails("0.0.0.0/24"), "");
}

TEST(TunConfig, NamespaceNames) {
  EXPECT_TRUE(link::valid_netns_name("skio-curl_http-1234"));
  for (const char* bad : {"", ".", "..", "a/b", "a b", "$(x)", "-", "x;y"})
    EXPECT_EQ(link::valid_netns_name(bad), std::string(bad) == "-") << bad;
}

}  // namespace
}  // namespace synack
