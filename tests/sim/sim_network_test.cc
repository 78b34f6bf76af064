// sim::SimNetwork: topology checks, stepping on virtual time, bounded runs,
// routing, and determinism.
#include <gtest/gtest.h>

#include <optional>
#include <sstream>

#include "sim/sim_network.h"
#include "trace/json_lines.h"
#include "trace/trace.h"

namespace synack::sim {
namespace {

using base::Duration;
using base::Instant;

const wire::Ipv4Addr kA(10, 0, 0, 1);
const wire::Ipv4Addr kB(10, 0, 0, 2);

HostConfig host(std::string name, wire::Ipv4Addr addr) {
  HostConfig h;
  h.name = std::move(name);
  h.addr = addr;
  return h;
}

// A network of two linked hosts a (10.0.0.1) and b (10.0.0.2).
struct Pair {
  explicit Pair(uint64_t seed = 1, LinkParams p = {}) : net(seed) {
    a = *net.add_host(host("a", kA));
    b = *net.add_host(host("b", kB));
    EXPECT_TRUE(net.add_link(a, b, p).has_value());
  }
  SimNetwork net;
  HostId a = 0, b = 0;
};

// An app that always wants to run again right away: never idle.
struct Restless final : App {
  Instant next = Instant::zero();
  bool poll(Instant now) override {
    next = now + Duration::micros(1);
    return false;
  }
  Instant next_wakeup() const override { return next; }
};

TEST(SimNetwork, TopologyErrorsAreTyped) {
  SimNetwork net(1);
  HostId a = *net.add_host(host("a", kA));
  EXPECT_EQ(net.add_host(host("again", kA)).error(), SimError::DuplicateAddress);
  EXPECT_EQ(net.add_link(a, a, LinkParams{}).error(), SimError::SameHost);
  EXPECT_EQ(net.add_link(a, 7, LinkParams{}).error(), SimError::UnknownHost);
  HostId b = *net.add_host(host("b", kB));
  LinkParams bad;
  bad.loss = 2;
  EXPECT_EQ(net.add_link(a, b, bad).error(), SimError::BadProbability);
  EXPECT_TRUE(net.add_link(a, b, LinkParams{}).has_value());
  EXPECT_EQ(net.add_link(b, a, LinkParams{}).error(), SimError::LinkExists);
}

TEST(SimNetwork, HandshakeTakesOneRoundTripOfVirtualTime) {
  LinkParams p;
  p.delay = Duration::millis(25);
  Pair n(1, p);
  ASSERT_TRUE(n.net.stack(n.b).listen(80, 4));
  auto c = n.net.stack(n.a).connect(n.net.now(), {kB, 80});
  ASSERT_TRUE(c);
  auto established = [&] {
    auto* conn = n.net.stack(n.a).connection(*c);
    return conn && conn->state() == tcp::State::Established;
  };
  EXPECT_EQ(n.net.run_until(established), RunStatus::Done);
  EXPECT_EQ(n.net.now(), Instant::from_micros(50'000));  // SYN there, SYN,ACK back
}

TEST(SimNetwork, RunUntilIdleWaitsOutTimeWaitOnVirtualTime_Rfc9293_3_6_1) {
  Pair n;
  ASSERT_TRUE(n.net.stack(n.b).listen(80, 4));
  auto c = *n.net.stack(n.a).connect(n.net.now(), {kB, 80});
  std::optional<stack::ConnId> s;
  n.net.run_until([&] { return (s = n.net.stack(n.b).accept(80)).has_value(); });
  ASSERT_TRUE(s);
  n.net.stack(n.a).close(n.net.now(), c);
  n.net.run_until([&] { return n.net.stack(n.b).connection(*s)->state() == tcp::State::CloseWait; });
  n.net.stack(n.b).close(n.net.now(), *s);
  Instant closed_at = n.net.now();
  EXPECT_EQ(n.net.run_until_idle(), RunStatus::Idle);
  // The client held TIME-WAIT for 2*MSL (60 s by default) after the last ACK.
  EXPECT_GE(n.net.now() - closed_at, Duration::seconds(60));
  EXPECT_LT(n.net.now() - closed_at, Duration::seconds(61));
  EXPECT_EQ(n.net.stack(n.a).connection_count() + n.net.stack(n.a).time_wait_count(), 0u);
  EXPECT_EQ(n.net.stack(n.b).connection_count(), 0u);
}

TEST(SimNetwork, RunForAdvancesTheClockExactly) {
  Pair n;
  Instant start = n.net.now();
  EXPECT_EQ(n.net.run_for(Duration::seconds(5)), RunStatus::Elapsed);
  EXPECT_EQ(n.net.now(), start + Duration::seconds(5));
  EXPECT_EQ(n.net.steps(), 0u);
}

TEST(SimNetwork, RunUntilIdleIsBoundedInSteps) {
  Pair n;
  Restless app;
  n.net.set_app(n.a, &app);
  RunLimits lim;
  lim.max_steps = 100;
  EXPECT_EQ(n.net.run_until_idle(lim), RunStatus::StepLimit);
  EXPECT_EQ(n.net.steps(), 100u);
}

TEST(SimNetwork, RunUntilIdleIsBoundedInVirtualTime) {
  Pair n;
  Restless app;
  n.net.set_app(n.a, &app);
  RunLimits lim;
  lim.max_time = Duration::millis(1);
  EXPECT_EQ(n.net.run_until_idle(lim), RunStatus::TimeLimit);
  EXPECT_LE(n.net.now(), Instant::from_micros(1000));
}

TEST(SimNetwork, PacketsToAnUnlinkedAddressAreCounted) {
  Pair n;
  auto c = n.net.stack(n.a).connect(n.net.now(), {wire::Ipv4Addr(10, 9, 9, 9), 80});
  ASSERT_TRUE(c);
  n.net.flush();
  EXPECT_EQ(n.net.no_route(), 1u);  // the SYN
  n.net.run_for(Duration::millis(1500));
  EXPECT_EQ(n.net.no_route(), 2u);  // and its retransmission after the initial RTO of 1 s
}

TEST(SimNetwork, AllCorruptedSynsAreDroppedAndCountedNeverDelivered_Rfc9293_MUST3) {
  LinkParams p;
  p.corrupt = 1.0;
  Pair n(3, p);
  ASSERT_TRUE(n.net.stack(n.b).listen(80, 4));
  ASSERT_TRUE(n.net.stack(n.a).connect(n.net.now(), {kB, 80}));
  n.net.run_for(Duration::seconds(10));
  const auto& cb = n.net.stack(n.b).counters();
  uint64_t bad = cb.drops[static_cast<size_t>(tcp::DropReason::BadChecksum)] +
                 cb.drops[static_cast<size_t>(tcp::DropReason::Malformed)];
  EXPECT_EQ(bad, n.net.link(n.a, n.b)->counters().corrupted);
  EXPECT_GE(bad, 4u);  // the SYN and its retransmissions at 1, 3, 7 s
  EXPECT_EQ(cb.tcp_in, 0u);
  EXPECT_EQ(n.net.stack(n.b).connection_count(), 0u);  // no SYN ever reached TCP
}

std::string traced_run(uint64_t seed) {
  LinkParams p;
  p.loss = 0.1;
  p.jitter = Duration::millis(2);
  Pair n(seed, p);
  trace::Trace t;
  n.net.set_observer(n.a, &t.observer("a"));
  n.net.set_observer(n.b, &t.observer("b"));
  n.net.set_link_observer(&t);
  n.net.stack(n.b).listen(80, 4);
  auto c = *n.net.stack(n.a).connect(n.net.now(), {kB, 80});
  n.net.run_until([&] { return n.net.stack(n.b).accept(80).has_value(); });
  std::string msg(3000, 'x');
  n.net.stack(n.a).send(n.net.now(), c, base::as_bytes(msg.data(), msg.size()));
  n.net.stack(n.a).close(n.net.now(), c);
  n.net.run_until_idle();
  std::ostringstream os;
  trace::write_json_lines(t, os);
  return os.str();
}

TEST(SimNetwork, SameSeedSameRunDifferentSeedDifferentRun) {
  std::string one = traced_run(5);
  EXPECT_FALSE(one.empty());
  EXPECT_EQ(one, traced_run(5));
  EXPECT_NE(one, traced_run(6));
}

}  // namespace
}  // namespace synack::sim
