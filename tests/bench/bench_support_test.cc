// The benchmark harness does the work it reports: every connection of a
// lifecycle run completes and leaves a TIME-WAIT record, bulk data arrives
// verified, memory and scale runs finish with the populations they claim.
#include <gtest/gtest.h>

#include <string>

#include "bench_support/bulk.h"
#include "bench_support/count.h"
#include "bench_support/lifecycle.h"
#include "bench_support/measure.h"
#include "bench_support/memory.h"
#include "bench_support/net.h"
#include "bench_support/pattern.h"
#include "bench_support/rr_app.h"
#include "bench_support/scale.h"
#include "tcp/connection.h"

namespace synack::bench {
namespace {

TEST(ParseCount, PlainAndSuffixed) {
  EXPECT_EQ(parse_count("0"), 0u);
  EXPECT_EQ(parse_count("123"), 123u);
  EXPECT_EQ(parse_count("100k"), 100'000u);
  EXPECT_EQ(parse_count("2M"), 2'000'000u);
  EXPECT_EQ(parse_count("1G"), 1'000'000'000u);
  EXPECT_EQ(parse_count("4Ki"), 4096u);
  EXPECT_EQ(parse_count("1Mi"), 1u << 20);
  EXPECT_EQ(parse_count("1Gi"), 1u << 30);
}

TEST(ParseCount, RejectsGarbage) {
  EXPECT_FALSE(parse_count(""));
  EXPECT_FALSE(parse_count("k"));
  EXPECT_FALSE(parse_count("-1"));
  EXPECT_FALSE(parse_count("1x"));
  EXPECT_FALSE(parse_count("1 k"));
  EXPECT_FALSE(parse_count("1KB"));
  EXPECT_FALSE(parse_count("20000000000Gi"));  // overflows 64 bits
}

TEST(Pattern, MatchesTheAnchorsDefinition) {
  const uint8_t* p = Pattern::at(1000);
  for (size_t i = 0; i < 600; ++i) ASSERT_EQ(p[i], (1000 + i) % 251);
  std::vector<uint8_t> data(Pattern::at(7), Pattern::at(7) + 300000 % Pattern::kSpan);
  EXPECT_TRUE(Pattern::check(data, 7));
  data[123] ^= 1;
  EXPECT_FALSE(Pattern::check(data, 7));
}

TEST(Report, ResultLineIsTheLastLineWithKeys) {
  Report r("lifecycle");
  r.note("hello");
  r.add("conns", uint64_t{5});
  r.add("cpu_us_per_conn", 1.23456, 3);
  r.add("mode", "x");
  EXPECT_EQ(r.result_line(), "RESULT impl=synack bench=lifecycle conns=5 cpu_us_per_conn=1.235 mode=x");
  EXPECT_EQ(r.value("cpu_us_per_conn"), "1.235");
  EXPECT_EQ(r.value("missing"), "");
  EXPECT_EQ(r.text(), "# hello\n" + r.result_line() + "\n");
}

TEST(PacketFifo, PacketsBuiltInPlaceKeepTheirOffsetAcrossGrowth) {
  PacketFifo f(64, 2);
  for (uint32_t i = 0; i < 10; ++i) {
    base::MutBytes slot = f.back_slot();
    ASSERT_EQ(slot.size(), 64u);
    size_t off = i * 5;  // a packet starts where its headers did (Stack::poll_transmit_into)
    slot[off] = static_cast<uint8_t>(i);
    slot[off + 1] = 0xab;
    f.commit(i % 3, base::Bytes(slot.data() + off, 2));
  }
  for (uint32_t i = 0; i < 10; ++i) {
    auto p = f.pop();
    EXPECT_EQ(p.dst, i % 3);
    ASSERT_EQ(p.bytes.size(), 2u);
    EXPECT_EQ(p.bytes[0], i);
    EXPECT_EQ(p.bytes[1], 0xab);
  }
  // The slot after the back one is where the next packet will be built, as
  // long as the FIFO need not grow first.
  const uint8_t* ahead = f.slot_after_back(1);
  ASSERT_NE(ahead, nullptr);
  base::MutBytes now = f.back_slot();
  f.commit(7, base::Bytes(now.data(), 1));
  EXPECT_EQ(f.back_slot().data(), ahead);
  EXPECT_EQ(f.pop().dst, 7u);
  PacketFifo full(64, 2);
  full.commit(1, base::Bytes(full.back_slot().data(), 1));
  EXPECT_EQ(full.slot_after_back(1), nullptr);  // two slots, one used: the next back_slot grows it
  uint8_t elsewhere[4] = {};
  base::MutBytes back = f.back_slot();
  EXPECT_THROW(f.commit(0, base::Bytes(elsewhere, sizeof elsewhere)), BenchError);
  // A packet longer than its slot (larger than the link MTU) is refused too.
  EXPECT_THROW(f.commit(0, base::Bytes(back.data() + 1, back.size())), BenchError);
  EXPECT_TRUE(f.empty());
}

TEST(LoopGuard, StopsARunawayLoop) {
  LoopGuard g("spin", 100, 60);
  EXPECT_THROW(
      {
        for (;;) g.tick();
      },
      BenchError);
  EXPECT_EQ(g.iterations(), 101u);
}

TEST(Lifecycle, CompletesEveryConnectionAndKeepsTimeWait) {
  LifecycleParams p;
  p.conns = 300;
  LifecycleResult r = run_lifecycle(p);
  EXPECT_EQ(r.conns, 300u);
  EXPECT_EQ(r.time_wait_records, 300u);  // the client closed first: one record each
  // At least SYN, SYN-ACK, ACK, request, response, FIN, FIN, ACK-of-FIN per connection.
  EXPECT_GE(r.packets, 300u * 7);
  EXPECT_EQ(r.stalls, 0u);  // nothing waited for a timer
  EXPECT_EQ(r.report.value("conns"), "300");
  EXPECT_EQ(r.report.value("errors"), "0");
  EXPECT_EQ(r.report.value("impl"), "synack");
  EXPECT_NE(r.report.value("conns_per_s"), "");
  EXPECT_NE(r.report.value("cpu_us_per_conn"), "");
}

TEST(Lifecycle, ConcurrencyAndLargeRequests) {
  LifecycleParams p;
  p.conns = 64;
  p.concurrency = 16;
  p.request_bytes = 100'000;  // several segments each way, more than one send() call
  LifecycleResult r = run_lifecycle(p);
  EXPECT_EQ(r.time_wait_records, 64u);
  EXPECT_GE(r.packets, 64u * 2 * (100'000 / 1460));
}

TEST(Lifecycle, NoPayload) {
  LifecycleParams p;
  p.conns = 50;
  p.request_bytes = 0;
  EXPECT_EQ(run_lifecycle(p).time_wait_records, 50u);
}

TEST(Lifecycle, SpreadsOverServerPortsSoEphemeralPortsSuffice) {
  EXPECT_EQ(auto_server_ports(1), 1u);
  EXPECT_EQ(auto_server_ports(16'000), 1u);
  EXPECT_EQ(auto_server_ports(16'001), 2u);
  EXPECT_EQ(auto_server_ports(1'000'000), 63u);
}

TEST(Lifecycle, RunningOutOfEphemeralPortsIsAnError) {
  // One destination offers 16384 ephemeral ports and every TIME-WAIT record
  // keeps its 4-tuple, so 16385 connections to one server port cannot all open.
  LifecycleParams p;
  p.conns = 16'385;
  p.server_ports = 1;
  try {
    run_lifecycle(p);
    FAIL() << "expected the ephemeral ports to run out";
  } catch (const BenchError& e) {
    EXPECT_NE(std::string(e.what()).find("no ephemeral port"), std::string::npos) << e.what();
  }
}

TEST(Bulk, DeliversVerifiedData) {
  for (uint32_t mss : {536u, 1460u, 65495u}) {
    BulkParams p;
    p.bytes = (1u << 20) + 12345;
    p.mss = mss;
    BulkResult r = run_bulk(p);
    EXPECT_EQ(r.bytes, p.bytes);
    EXPECT_GE(r.packets, p.bytes / mss) << "mss " << mss;
    EXPECT_EQ(r.report.value("errors"), "0");
  }
}

TEST(Bulk, SessionTransfersRepeatedlyAndCloses) {
  BulkSession s(1460, 60);
  s.transfer(100'000);
  uint64_t after_first = s.packets();
  s.transfer(1);
  s.transfer(300'000);
  EXPECT_GT(s.packets(), after_first);
  s.close();
}

TEST(Bulk, RejectsBadMss) {
  BulkParams p;
  p.bytes = 10;
  p.mss = 65496;
  EXPECT_THROW(run_bulk(p), BenchError);
}

TEST(Memory, MeasuresBothSides) {
  if (!heap_measurable()) GTEST_SKIP() << "mallinfo2 sees no allocations here (sanitizer allocator)";
  MemoryParams p;
  p.conns = 2000;
  MemoryResult r = run_memory(p);
  EXPECT_EQ(r.sizeof_connection, sizeof(tcp::Connection));
  // Each side holds at least its control blocks while ESTABLISHED.
  EXPECT_GE(r.client_established, static_cast<double>(sizeof(tcp::Connection)));
  EXPECT_GE(r.server_established, static_cast<double>(sizeof(tcp::Connection)));
  // A TIME-WAIT record holds at least SND.NXT and RCV.NXT (RFC 9293 §3.10.7.4),
  // both in the accumulation run and on top of what the client held while
  // ESTABLISHED (the stack keeps its connection slots for reuse).
  EXPECT_GE(r.time_wait_entry, 8.0);
  EXPECT_GE(r.client_held_time_wait - r.client_established, 8.0);
  EXPECT_EQ(r.report.value("conns"), "2000");
}

TEST(Memory, RefusesWhenTheHeapCannotBeMeasured) {
  if (heap_measurable()) GTEST_SKIP() << "the heap is measurable here";
  MemoryParams p;
  p.conns = 10;
  EXPECT_THROW(run_memory(p), BenchError);
}

TEST(Scale, MeasuresBothPopulations) {
  ScaleParams p;
  p.conns = 5000;
  p.small = 500;
  p.batch = 200;
  p.reps = 3;
  p.warmup = 1;
  ScaleResult r = run_scale(p);
  EXPECT_EQ(r.report.value("warmup"), "1");
  EXPECT_EQ(r.small.live, 500u);
  EXPECT_EQ(r.large.live, 5000u);
  EXPECT_EQ(r.client_stacks, 1u);
  EXPECT_GT(r.small.connect_us, 0.0);
  EXPECT_GT(r.large.close_us, 0.0);
  EXPECT_NE(r.report.value("worst_ratio"), "");
}

TEST(Scale, UsesSeveralClientStacksPastTheirCapacity) {
  ScaleParams p;
  p.conns = 30'000;
  p.small = 100;
  p.batch = 100;
  p.reps = 1;
  ScaleResult r = run_scale(p);
  EXPECT_EQ(r.client_stacks, 3u);
  EXPECT_EQ(r.large.live, 30'000u);
}

TEST(BenchNet, RoutesByAddressAndAdvancesTheClock) {
  NetConfig nc;
  nc.clients = 3;
  BenchNet net(nc);
  RrConfig rc;
  RrApp app(net, rc);
  base::Instant t0 = net.now();
  for (size_t s = 1; s <= 3; ++s) app.connect(s, rc.first_port);
  LoopGuard g("test", 10'000, 60);
  while (app.counts().server_closed < 3 || net.in_flight() > 0) {
    g.tick();
    ASSERT_TRUE(net.deliver_one() || net.stall());
  }
  for (size_t s = 1; s <= 3; ++s) EXPECT_EQ(net.stack(s).time_wait_count(), 1u);
  EXPECT_EQ(net.now() - t0, base::Duration::micros(static_cast<int64_t>(net.packets())));
  // Two MSL later the records are gone.
  net.advance(net.config().stack.tcp.msl * 2 + base::Duration::seconds(1), g);
  for (size_t s = 1; s <= 3; ++s) EXPECT_EQ(net.stack(s).time_wait_count(), 0u);
}

}  // namespace
}  // namespace synack::bench
