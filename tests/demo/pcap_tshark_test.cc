// The pcap of a demo run, read back by tshark (Wireshark's dissectors): no
// malformed packet, every IPv4 and TCP checksum good, and the 3-way and
// 4-way handshakes of RFC 9293 §3.5 and §3.6 in order.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "demo/run_command.h"

namespace synack::testing {
namespace {

struct Packet {
  std::string src;
  unsigned flags = 0;
  std::string tcp_checksum, ip_checksum, malformed;
};

bool have_tshark() { return run_command("command -v tshark").exit_code == 0; }

std::vector<Packet> tshark_read(const std::string& pcap) {
  // Reading a file needs no capture privileges, so this works as root too.
  CommandResult r = run_command("tshark -r " + pcap +
                                " -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -T fields -E separator=,"
                                " -e ip.src -e tcp.flags -e tcp.checksum.status -e ip.checksum.status -e _ws.malformed");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<Packet> out;
  std::istringstream is(r.out);
  for (std::string line; std::getline(is, line);) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    f.resize(5);
    Packet p;
    p.src = f[0];
    p.flags = static_cast<unsigned>(std::stoul(f[1].empty() ? "0" : f[1], nullptr, 16));
    p.tcp_checksum = f[2];
    p.ip_checksum = f[3];
    p.malformed = f[4];
    out.push_back(p);
  }
  return out;
}

constexpr unsigned kFin = 0x01, kSyn = 0x02, kAck = 0x10;
const std::string kClient = "10.0.0.1", kServer = "10.0.0.2";

TEST(DemoPcap, TsharkReadsValidChecksumsAndBothHandshakes_Rfc9293_3_5_3_6) {
  ASSERT_TRUE(have_tshark()) << "tshark not found: install it (apt-get install tshark); `make check` installs "
                                "the packages it needs";
  std::string pcap = temp_file("seed.pcap");
  CommandResult r = run_synack("demo --client-isn 100 --server-isn 300 --no-color --pcap " + pcap);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto pk = tshark_read(pcap);
  std::remove(pcap.c_str());
  ASSERT_GE(pk.size(), 7u);  // 3 (open) + data + 4 (close); the golden ladder has the exact list
  for (size_t i = 0; i < pk.size(); ++i) {
    EXPECT_EQ(pk[i].tcp_checksum, "1") << "packet " << i + 1 << ": TCP checksum not good";
    EXPECT_EQ(pk[i].ip_checksum, "1") << "packet " << i + 1 << ": IPv4 checksum not good";
    EXPECT_EQ(pk[i].malformed, "") << "packet " << i + 1 << " malformed";
  }
  // 3-way handshake: SYN, SYN+ACK, ACK.
  EXPECT_EQ(pk[0].src, kClient);
  EXPECT_EQ(pk[0].flags, kSyn);
  EXPECT_EQ(pk[1].src, kServer);
  EXPECT_EQ(pk[1].flags, kSyn | kAck);
  EXPECT_EQ(pk[2].src, kClient);
  EXPECT_EQ(pk[2].flags, kAck);
  // 4-way teardown: FIN (client), ACK (server), FIN (server), ACK (client).
  size_t n = pk.size();
  EXPECT_EQ(pk[n - 4].src, kClient);
  EXPECT_EQ(pk[n - 4].flags, kFin | kAck);
  EXPECT_EQ(pk[n - 3].src, kServer);
  EXPECT_EQ(pk[n - 3].flags, kAck);
  EXPECT_EQ(pk[n - 2].src, kServer);
  EXPECT_EQ(pk[n - 2].flags, kFin | kAck);
  EXPECT_EQ(pk[n - 1].src, kClient);
  EXPECT_EQ(pk[n - 1].flags, kAck);
}

TEST(DemoPcap, ImpairedRunStaysWellFormedForTshark) {
  ASSERT_TRUE(have_tshark()) << "tshark not found: install it (apt-get install tshark)";
  std::string pcap = temp_file("lossy.pcap");
  CommandResult r = run_synack("demo --no-color --bytes 30000 --loss 0.1 --dup 0.1 --reorder 0.1 --seed 5 --pcap " + pcap);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto pk = tshark_read(pcap);
  std::remove(pcap.c_str());
  ASSERT_GT(pk.size(), 30u);
  for (size_t i = 0; i < pk.size(); ++i) {
    EXPECT_EQ(pk[i].tcp_checksum, "1") << "packet " << i + 1;
    EXPECT_EQ(pk[i].malformed, "") << "packet " << i + 1;
  }
}

TEST(DemoPcap, SameSeedGivesAByteIdenticalPcap) {
  std::string a = temp_file("a.pcap"), b = temp_file("b.pcap");
  std::string args = "demo --no-color --bytes 5000 --loss 0.1 --seed 77 --pcap ";
  ASSERT_EQ(run_synack(args + a).exit_code, 0);
  ASSERT_EQ(run_synack(args + b).exit_code, 0);
  std::string one = read_file(a), two = read_file(b);
  std::remove(a.c_str());
  std::remove(b.c_str());
  EXPECT_FALSE(one.empty());
  EXPECT_TRUE(one == two);
}

}  // namespace
}  // namespace synack::testing
