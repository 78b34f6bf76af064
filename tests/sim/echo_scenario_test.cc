// The echo scenario of `synack demo`: every open and close path of RFC 9293
// end to end on the simulated network, checked through the trace.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/echo_scenario.h"
#include "trace/trace.h"

namespace synack::sim {
namespace {

using base::Duration;
using tcp::State;

struct Transition {
  std::string host;
  State from, to;
  bool operator==(const Transition&) const = default;
};

struct TracedRun {
  trace::Trace trace;
  EchoResult result;
  explicit TracedRun(const EchoConfig& cfg) {
    EchoWatchers w;
    w.client = &trace.observer("client");
    w.server = &trace.observer("server");
    w.link = &trace;
    result = run_echo(cfg, w);
  }
  std::vector<Transition> transitions(const std::string& host) const {
    std::vector<Transition> v;
    for (const auto& e : trace.events()) {
      if (e.kind == trace::TraceKind::State && trace.hosts()[e.host] == host) v.push_back({host, e.from, e.to});
    }
    return v;
  }
};

EchoConfig seed() {
  EchoConfig c;
  c.client_isn = 100;
  c.server_isn = 300;
  return c;
}

TEST(EchoScenario, SeedRunPassesEveryStateOfActiveAndPassiveClose_Rfc9293_3_5_3_6) {
  TracedRun r(seed());
  ASSERT_TRUE(r.result.ok) << r.result.problem;
  EXPECT_EQ(r.result.to_server, 1000u);
  EXPECT_EQ(r.result.to_client, 1000u);
  std::vector<Transition> client{{"client", State::Closed, State::SynSent},
                                 {"client", State::SynSent, State::Established},
                                 {"client", State::Established, State::FinWait1},
                                 {"client", State::FinWait1, State::FinWait2},
                                 {"client", State::FinWait2, State::TimeWait},
                                 {"client", State::TimeWait, State::Closed}};
  std::vector<Transition> server{{"server", State::Listen, State::SynReceived},
                                 {"server", State::SynReceived, State::Established},
                                 {"server", State::Established, State::CloseWait},
                                 {"server", State::CloseWait, State::LastAck},
                                 {"server", State::LastAck, State::Closed}};
  EXPECT_EQ(r.transitions("client"), client);
  EXPECT_EQ(r.transitions("server"), server);
  // The last ACK leaves at 60 ms (three one-way trips of 10 ms after the FIN
  // at 40 ms... see the golden ladder); TIME-WAIT then lasts 2*MSL = 60 s.
  EXPECT_EQ(r.result.finished.us(), 60'000 + 60'000'000);
}

TEST(EchoScenario, MslIsConfigurableAndTimeWaitLastsTwoMsl_Rfc9293_3_6_1) {
  EchoConfig c = seed();
  c.msl = Duration::seconds(1);
  TracedRun r(c);
  ASSERT_TRUE(r.result.ok) << r.result.problem;
  EXPECT_EQ(r.result.finished.us(), 60'000 + 2'000'000);
}

TEST(EchoScenario, ServerClosesFirstAndHoldsTimeWait_Rfc9293_3_6) {
  EchoConfig c = seed();
  c.close = CloseMode::Server;
  TracedRun r(c);
  ASSERT_TRUE(r.result.ok) << r.result.problem;
  auto s = r.transitions("server");
  ASSERT_GE(s.size(), 3u);
  EXPECT_EQ(s[s.size() - 2].to, State::TimeWait);
  auto cl = r.transitions("client");
  EXPECT_EQ(cl[cl.size() - 2].to, State::LastAck);
}

TEST(EchoScenario, SimultaneousCloseGoesThroughClosingOnBothSides_Rfc9293_3_6_Figure13) {
  EchoConfig c = seed();
  c.close = CloseMode::Both;
  TracedRun r(c);
  ASSERT_TRUE(r.result.ok) << r.result.problem;
  for (std::string host : {"client", "server"}) {
    auto t = r.transitions(host);
    ASSERT_GE(t.size(), 4u) << host;
    std::vector<Transition> tail(t.end() - 4, t.end());
    std::vector<Transition> want{{host, State::Established, State::FinWait1},
                                 {host, State::FinWait1, State::Closing},
                                 {host, State::Closing, State::TimeWait},
                                 {host, State::TimeWait, State::Closed}};
    EXPECT_EQ(tail, want) << host;
  }
}

TEST(EchoScenario, SimultaneousOpenGoesThroughSynReceivedOnBothSides_Rfc9293_3_5_Figure8) {
  EchoConfig c = seed();
  c.open = OpenMode::Simultaneous;
  TracedRun r(c);
  ASSERT_TRUE(r.result.ok) << r.result.problem;
  for (std::string host : {"client", "server"}) {
    auto t = r.transitions(host);
    ASSERT_GE(t.size(), 3u) << host;
    std::vector<Transition> head(t.begin(), t.begin() + 3);
    std::vector<Transition> want{{host, State::Closed, State::SynSent},
                                 {host, State::SynSent, State::SynReceived},
                                 {host, State::SynReceived, State::Established}};
    EXPECT_EQ(head, want) << host;
  }
  EXPECT_EQ(r.result.client_tuple.local.port, kSimultaneousClientPort);
}

TEST(EchoScenario, CorruptedSegmentsAreDroppedAndCountedNeverDelivered_Rfc9293_MUST3) {
  EchoConfig c;
  c.bytes = 20000;
  c.link.corrupt = 0.3;
  c.seed = 21;
  TracedRun r(c);
  ASSERT_TRUE(r.result.ok) << r.result.problem;  // byte-exact despite the corruption
  auto dropped = [](const stack::StackCounters& k) {
    return k.drops[static_cast<size_t>(tcp::DropReason::BadChecksum)] +
           k.drops[static_cast<size_t>(tcp::DropReason::Malformed)];
  };
  EXPECT_GT(r.result.to_server_link.corrupted, 0u);
  EXPECT_EQ(dropped(r.result.server_counters), r.result.to_server_link.corrupted);
  EXPECT_EQ(dropped(r.result.client_counters), r.result.to_client_link.corrupted);
}

TEST(EchoScenario, NoBytesStillOpensAndCloses) {
  EchoConfig c = seed();
  c.bytes = 0;
  TracedRun r(c);
  EXPECT_TRUE(r.result.ok) << r.result.problem;
}

TEST(EchoScenario, TotalLossFailsWithinTheBoundsAndSaysWhy) {
  EchoConfig c = seed();
  c.link.loss = 1.0;
  TracedRun r(c);
  EXPECT_FALSE(r.result.ok);
  EXPECT_FALSE(r.result.problem.empty());
  EXPECT_EQ(r.result.status, RunStatus::Idle);  // R2 for the SYN ended the connection
}

TEST(EchoScenario, SynRetransmissionsBackOffFromOneSecondUpToSixty_Rfc6298_2_1_5_5_2_5) {
  EchoConfig c = seed();
  c.link.loss = 1.0;
  TracedRun r(c);
  std::vector<int64_t> syn_at;
  for (const auto& e : r.trace.events()) {
    if (e.kind == trace::TraceKind::Send && r.trace.hosts()[e.host] == "client" && e.seg->flags == tcp::flags::kSyn)
      syn_at.push_back(e.t.us());
  }
  // Initial RTO 1 s, doubled after each timeout (1, 2, 4 ... 32 s), then held
  // at the 60 s maximum until R2 for a SYN (at least 3 minutes) ends it.
  ASSERT_GE(syn_at.size(), 8u);
  EXPECT_EQ(syn_at[0], 0);
  for (size_t i = 1; i < syn_at.size(); ++i) {
    int64_t gap = syn_at[i] - syn_at[i - 1];
    int64_t want = i <= 6 ? (int64_t{1} << (i - 1)) * 1'000'000 : 60'000'000;
    EXPECT_EQ(gap, want) << "between SYN " << i - 1 << " and SYN " << i;
  }
  EXPECT_GE(syn_at.back(), 120'000'000);
  EXPECT_FALSE(r.result.ok);
}

// RFC 3168 §6.1: with ECN, a path that marks instead of dropping slows the
// sender down without a single retransmission; without ECN the same path has
// nothing to mark (no packet is ECN-capable).
TEST(EchoScenario, CeMarksAreAnsweredWithoutRetransmission_Rfc3168_6_1) {
  EchoConfig c;
  c.bytes = 200'000;
  c.link.ce_mark = 0.05;
  c.link.bandwidth_bps = 100'000'000;
  c.seed = 4;
  c.ecn = true;
  TracedRun r(c);
  ASSERT_TRUE(r.result.ok) << r.result.problem;
  EXPECT_EQ(r.result.to_client, 200'000u);
  EXPECT_GT(r.result.to_server_link.ce_marked + r.result.to_client_link.ce_marked, 5u);
  EXPECT_EQ(r.result.client_counters.retransmits + r.result.server_counters.retransmits, 0u);
  // The stacks add up the connections' ECN counters when they end.
  EXPECT_GT(r.result.client_counters.ecn_ce_received + r.result.server_counters.ecn_ce_received, 0u);
  EXPECT_GT(r.result.client_counters.ecn_reductions + r.result.server_counters.ecn_reductions, 0u);
  size_t cwr = 0, ece = 0, marked = 0;
  for (const auto& e : r.trace.events()) {
    if (e.kind != trace::TraceKind::Send || !e.seg) continue;
    cwr += (e.seg->flags & tcp::flags::kCwr) && !(e.seg->flags & tcp::flags::kSyn);
    ece += (e.seg->flags & tcp::flags::kEce) && !(e.seg->flags & tcp::flags::kSyn);
    marked += e.marked(link::LinkEventKind::CeMarked);
  }
  EXPECT_GT(ece, 0u);     // the receivers echoed the marks
  EXPECT_GT(cwr, 0u);     // and the senders answered
  EXPECT_GT(marked, 0u);  // the trace ties the marks to the segments
  c.ecn = false;
  TracedRun plain(c);
  ASSERT_TRUE(plain.result.ok) << plain.result.problem;
  EXPECT_EQ(plain.result.to_server_link.ce_marked + plain.result.to_client_link.ce_marked, 0u);
}

TEST(EchoScenario, OneMegabyteOverALossyLinkArrivesByteExact) {
  EchoConfig c;
  c.bytes = 1 << 20;
  c.link.loss = 0.02;
  c.link.duplicate = 0.01;
  c.link.reorder = 0.01;
  c.link.bandwidth_bps = 100'000'000;
  c.seed = 8;
  TracedRun r(c);
  EXPECT_TRUE(r.result.ok) << r.result.problem;
  EXPECT_EQ(r.result.to_client, uint64_t{1} << 20);
}

}  // namespace
}  // namespace synack::sim
