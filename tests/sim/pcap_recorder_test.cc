// link::PcapRecorder: files libpcap reads back, timestamps from `now`, typed
// errors, the Link decorator, and byte-identical output for identical input.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

#include "link/pcap_recorder.h"
#include "sim/sim_link.h"

namespace synack::link {
namespace {

using base::Instant;

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "synack_" + std::to_string(getpid()) + "_" + name + ".pcap";
}

std::vector<uint8_t> slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

struct Record {
  int64_t us;
  std::vector<uint8_t> bytes;
};

std::vector<Record> read_back(const std::string& path, int* linktype) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), err);
  EXPECT_NE(p, nullptr) << err;
  std::vector<Record> out;
  if (!p) return out;
  *linktype = pcap_datalink(p);
  pcap_pkthdr* h;
  const u_char* data;
  while (pcap_next_ex(p, &h, &data) == 1) {
    out.push_back({int64_t{h->ts.tv_sec} * 1'000'000 + h->ts.tv_usec, std::vector<uint8_t>(data, data + h->caplen)});
  }
  pcap_close(p);
  return out;
}

TEST(PcapRecorder, LibpcapReadsBackPacketsAndVirtualTimestamps) {
  std::string path = temp_path("readback");
  auto rec = PcapRecorder::create(path);
  ASSERT_TRUE(rec) << rec.error();
  std::vector<uint8_t> a{0x45, 0, 0, 20, 1, 2, 3}, b{0x45, 9, 9};
  (*rec)->record(Instant::from_micros(1'500'000), a);
  (*rec)->record(Instant::from_micros(60'000'123), b);
  EXPECT_EQ((*rec)->packets(), 2u);
  ASSERT_TRUE((*rec)->close());
  int linktype = -1;
  auto recs = read_back(path, &linktype);
  EXPECT_EQ(linktype, DLT_RAW);  // LINKTYPE_RAW in the file: bare IPv4 packets
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].us, 1'500'000);
  EXPECT_EQ(recs[0].bytes, a);
  EXPECT_EQ(recs[1].us, 60'000'123);
  EXPECT_EQ(recs[1].bytes, b);
  std::remove(path.c_str());
}

TEST(PcapRecorder, UncreatableFileIsATypedErrorNotACrash) {
  auto rec = PcapRecorder::create("/nonexistent-dir/sub/x.pcap");
  ASSERT_FALSE(rec);
  EXPECT_EQ(rec.error().kind, PcapError::Kind::OpenFailed);
  EXPECT_NE(rec.error().message().find("/nonexistent-dir/sub/x.pcap"), std::string::npos);
  EXPECT_NE(rec.error().message().find("cannot create pcap file"), std::string::npos);
}

TEST(PcapRecorder, StdoutDashAndEmptyNameAreRejected) {
  EXPECT_EQ(PcapRecorder::create("-").error().kind, PcapError::Kind::BadPath);
  EXPECT_EQ(PcapRecorder::create("").error().kind, PcapError::Kind::BadPath);
}

TEST(PcapRecorder, DecoratorRecordsBothDirectionsAndForwards) {
  sim::LinkParams p;
  p.delay = base::Duration::millis(1);
  sim::SimLink inner("a", "b", p, 1);
  std::string path = temp_path("decorator");
  auto rec = PcapRecorder::wrap(inner, path);
  ASSERT_TRUE(rec);
  std::vector<uint8_t> pkt(40, 0x45);
  (*rec)->send(Instant::zero(), pkt);
  EXPECT_EQ(inner.in_flight(), 1u);
  EXPECT_EQ((*rec)->next_arrival(), Instant::from_micros(1000));
  std::vector<uint8_t> buf(100);
  auto n = (*rec)->receive(Instant::from_micros(1000), buf);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 40u);
  EXPECT_EQ((*rec)->packets(), 2u);  // sent and received
  ASSERT_TRUE((*rec)->close());
  int lt;
  EXPECT_EQ(read_back(path, &lt).size(), 2u);
  std::remove(path.c_str());
}

TEST(PcapRecorder, SameInputsGiveByteIdenticalFiles) {
  auto write = [](const std::string& path) {
    auto rec = PcapRecorder::create(path);
    EXPECT_TRUE(rec);
    for (int i = 0; i < 10; ++i) {
      std::vector<uint8_t> pkt(static_cast<size_t>(20 + i), static_cast<uint8_t>(i));
      (*rec)->record(Instant::from_micros(i * 1000), pkt);
    }
    EXPECT_TRUE((*rec)->close());
    return slurp(path);
  };
  std::string p1 = temp_path("det1"), p2 = temp_path("det2");
  auto one = write(p1);
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(one, write(p2));
  std::remove(p1.c_str());
  std::remove(p2.c_str());
}

}  // namespace
}  // namespace synack::link
