// sim::SimLink: delay, serialization, FIFO order under jitter, MTU, and the
// seeded impairments, each reported to the link observer.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "sim/sim_link.h"
#include "wire/checksum.h"

namespace synack::sim {
namespace {

using base::Duration;
using base::Instant;
using link::LinkEventKind;

struct Recorder final : link::LinkObserver {
  std::vector<link::LinkEvent> events;
  void on_link_event(const link::LinkEvent& e) override { events.push_back(e); }
  size_t count(LinkEventKind k) const {
    size_t n = 0;
    for (const auto& e : events) n += e.kind == k;
    return n;
  }
};

std::vector<uint8_t> packet(size_t n, uint8_t fill) { return std::vector<uint8_t>(n, fill); }

TEST(SimLink, PacketArrivesAfterTheDelayNotBefore) {
  LinkParams p;
  p.delay = Duration::millis(10);
  SimLink l("a", "b", p, 1);
  auto pkt = packet(100, 7);
  l.send(Instant::zero(), pkt);
  EXPECT_EQ(l.next_arrival(), Instant::from_micros(10'000));
  std::vector<uint8_t> buf(2000);
  EXPECT_FALSE(l.receive(Instant::from_micros(9'999), buf).has_value());
  auto n = l.receive(Instant::from_micros(10'000), buf);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, 100u);
  EXPECT_EQ(buf[0], 7);
  EXPECT_TRUE(l.next_arrival().is_never());
  EXPECT_EQ(l.counters().delivered, 1u);
}

TEST(SimLink, BandwidthAddsSerializationDelayPerPacket) {
  LinkParams p;
  p.delay = Duration::zero();
  p.bandwidth_bps = 8'000'000;  // 1 byte per microsecond
  SimLink l("a", "b", p, 1);
  auto pkt = packet(1000, 1);
  l.send(Instant::zero(), pkt);
  l.send(Instant::zero(), pkt);  // queued behind the first
  std::vector<uint8_t> buf(2000);
  EXPECT_EQ(l.next_arrival(), Instant::from_micros(1000));
  ASSERT_TRUE(l.receive(Instant::from_micros(1000), buf));
  EXPECT_EQ(l.next_arrival(), Instant::from_micros(2000));
}

TEST(SimLink, JitterDoesNotReorder) {
  LinkParams p;
  p.delay = Duration::millis(1);
  p.jitter = Duration::millis(5);
  SimLink l("a", "b", p, 42);
  for (uint8_t i = 0; i < 50; ++i) l.send(Instant::from_micros(i * 10), packet(20, i));
  std::vector<uint8_t> buf(100);
  for (uint8_t i = 0; i < 50; ++i) {
    Instant at = l.next_arrival();
    ASSERT_FALSE(at.is_never());
    ASSERT_TRUE(l.receive(at, buf));
    EXPECT_EQ(buf[0], i) << "packet " << int(i) << " out of order";
  }
}

TEST(SimLink, PacketLargerThanMtuIsDroppedAndCounted) {
  LinkParams p;
  p.mtu = 576;
  SimLink l("a", "b", p, 1);
  Recorder r;
  l.set_observer(&r);
  auto big = packet(577, 0);
  l.send(Instant::zero(), big);
  EXPECT_EQ(l.counters().too_big, 1u);
  EXPECT_EQ(l.in_flight(), 0u);
  EXPECT_EQ(r.count(LinkEventKind::TooBig), 1u);
  auto fits = packet(576, 0);
  l.send(Instant::zero(), fits);
  EXPECT_EQ(l.in_flight(), 1u);
}

TEST(SimLink, LossOneDropsEverythingAndReportsEachPacket) {
  LinkParams p;
  p.loss = 1.0;
  SimLink l("a", "b", p, 3);
  Recorder r;
  l.set_observer(&r);
  for (int i = 0; i < 10; ++i) l.send(Instant::zero(), packet(40, 0));
  EXPECT_EQ(l.in_flight(), 0u);
  EXPECT_EQ(l.counters().lost, 10u);
  EXPECT_EQ(r.count(LinkEventKind::Sent), 10u);
  EXPECT_EQ(r.count(LinkEventKind::Lost), 10u);
  // Events about one packet share its number.
  EXPECT_EQ(r.events[0].number, r.events[1].number);
  EXPECT_NE(r.events[0].number, r.events[2].number);
}

TEST(SimLink, DuplicateDeliversTwoCopies) {
  LinkParams p;
  p.duplicate = 1.0;
  SimLink l("a", "b", p, 3);
  Recorder r;
  l.set_observer(&r);
  l.send(Instant::zero(), packet(40, 9));
  std::vector<uint8_t> buf(100);
  int copies = 0;
  while (!l.next_arrival().is_never()) copies += l.receive(l.next_arrival(), buf).has_value();
  EXPECT_EQ(copies, 2);
  EXPECT_EQ(r.count(LinkEventKind::Duplicated), 1u);
  EXPECT_EQ(r.count(LinkEventKind::Delivered), 2u);
}

TEST(SimLink, CorruptionChangesExactlyOneByte) {
  LinkParams p;
  p.corrupt = 1.0;
  SimLink l("a", "b", p, 5);
  auto pkt = packet(60, 0x55);
  l.send(Instant::zero(), pkt);
  std::vector<uint8_t> buf(100);
  auto n = l.receive(l.next_arrival(), buf);
  ASSERT_TRUE(n);
  int changed = 0;
  for (size_t i = 0; i < *n; ++i) changed += buf[i] != 0x55;
  EXPECT_EQ(changed, 1);
  EXPECT_EQ(l.counters().corrupted, 1u);
}

// An IPv4 header (no options) with the given ECN codepoint and a valid checksum.
std::vector<uint8_t> ipv4_packet(uint8_t ecn) {
  std::vector<uint8_t> p(40, 0);
  p[0] = 0x45;
  p[1] = static_cast<uint8_t>(0xb8 | ecn);  // DSCP EF, to see that it is kept
  p[3] = 40;
  p[8] = 64;
  p[9] = 6;
  p[12] = 10, p[15] = 1, p[16] = 10, p[19] = 2;
  uint16_t sum = static_cast<uint16_t>(~wire::checksum_partial20(p.data()));
  p[10] = static_cast<uint8_t>(sum >> 8);
  p[11] = static_cast<uint8_t>(sum);
  return p;
}

// RFC 3168 §5: a router marks CE only what is ECN-capable (ECT(0) or ECT(1));
// the rest would be dropped by a congested queue, and is left alone here. The
// header checksum stays valid (RFC 1624 incremental update).
TEST(SimLink, CeMarksOnlyEcnCapablePacketsAndKeepsTheChecksumValid_Rfc3168_5) {
  LinkParams p;
  p.ce_mark = 1.0;
  SimLink l("a", "b", p, 3);
  std::vector<uint8_t> buf(100);
  const uint8_t sent[] = {0, 1, 2, 3};  // Not-ECT, ECT(1), ECT(0), CE
  const uint8_t want[] = {0, 3, 3, 3};
  for (int i = 0; i < 4; ++i) {
    l.send(Instant::zero(), ipv4_packet(sent[i]));
    auto n = l.receive(l.next_arrival(), buf);
    ASSERT_TRUE(n);
    EXPECT_EQ(buf[1] & 3, want[i]) << "codepoint " << int{sent[i]};
    EXPECT_EQ(buf[1] & 0xfc, 0xb8);
    EXPECT_EQ(wire::checksum_partial20(buf.data()), 0xffffu);  // the header still sums to all ones
  }
  EXPECT_EQ(l.counters().ce_marked, 2u);  // CE already set is not counted again
  // Not an IPv4 header: untouched.
  l.send(Instant::zero(), packet(60, 0x56));
  auto n = l.receive(l.next_arrival(), buf);
  ASSERT_TRUE(n);
  EXPECT_EQ(buf[1], 0x56);
  EXPECT_EQ(l.counters().ce_marked, 2u);
}

TEST(SimLink, ReorderedPacketsAreOvertakenAndStillArrive) {
  LinkParams p;
  p.delay = Duration::millis(1);
  p.reorder = 0.3;
  p.reorder_hold = Duration::millis(5);
  SimLink l("a", "b", p, 11);
  for (uint8_t i = 0; i < 100; ++i) l.send(Instant::from_micros(i * 10), packet(20, i));
  std::vector<uint8_t> buf(100);
  std::vector<uint8_t> order;
  while (!l.next_arrival().is_never()) {
    ASSERT_TRUE(l.receive(l.next_arrival(), buf));
    order.push_back(buf[0]);
  }
  ASSERT_EQ(order.size(), 100u);
  EXPECT_GT(l.counters().reordered, 0u);
  EXPECT_FALSE(std::is_sorted(order.begin(), order.end()));
  std::sort(order.begin(), order.end());
  for (uint8_t i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(SimLink, SameSeedSameFates) {
  LinkParams p;
  p.loss = 0.3;
  p.duplicate = 0.2;
  p.reorder = 0.2;
  p.corrupt = 0.2;
  p.jitter = Duration::millis(3);
  auto run = [&](uint64_t seed) {
    SimLink l("a", "b", p, seed);
    Recorder r;
    l.set_observer(&r);
    for (uint8_t i = 0; i < 200; ++i) l.send(Instant::from_micros(i * 100), packet(64, i));
    std::vector<uint8_t> buf(100), out;
    while (!l.next_arrival().is_never()) {
      auto at = l.next_arrival();
      auto n = l.receive(at, buf);
      out.insert(out.end(), buf.begin(), buf.begin() + static_cast<long>(*n));
      out.push_back(static_cast<uint8_t>(at.us()));
    }
    return out;
  };
  EXPECT_EQ(run(9), run(9));
  EXPECT_NE(run(9), run(10));
}

TEST(LinkParams, ProbabilitiesOutsideZeroOneAreRejected) {
  LinkParams p;
  EXPECT_FALSE(validate(p).has_value());
  p.loss = 1.5;
  EXPECT_EQ(validate(p), SimError::BadProbability);
  p.loss = 0;
  p.corrupt = -0.1;
  EXPECT_EQ(validate(p), SimError::BadProbability);
  p.corrupt = 0;
  p.mtu = 40;
  EXPECT_EQ(validate(p), SimError::BadMtu);
  p.mtu = 1500;
  p.delay = Duration::micros(-1);
  EXPECT_EQ(validate(p), SimError::BadDelay);
}

}  // namespace
}  // namespace synack::sim
