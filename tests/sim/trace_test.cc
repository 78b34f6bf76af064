// trace::Trace and its renderers: JSON lines exactly as issue 3 specifies,
// link fates tied to the right segment, ladder marks and colour.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "sim/echo_scenario.h"
#include "trace/json_lines.h"
#include "trace/ladder.h"
#include "trace/trace.h"

namespace synack::trace {
namespace {

struct TracedRun {
  Trace trace;
  sim::EchoResult result;
  explicit TracedRun(sim::EchoConfig cfg) {
    sim::EchoWatchers w;
    w.client = &trace.observer("client");
    w.server = &trace.observer("server");
    w.link = &trace;
    result = sim::run_echo(cfg, w);
  }
  std::vector<std::string> json() const {
    std::ostringstream os;
    write_json_lines(trace, os);
    std::vector<std::string> lines;
    std::istringstream is(os.str());
    for (std::string l; std::getline(is, l);) lines.push_back(l);
    return lines;
  }
};

sim::EchoConfig seed_config() {
  sim::EchoConfig c;
  c.client_isn = 100;
  c.server_isn = 300;
  return c;
}

// The same echo with a quarter of the packets lost, for a given seed.
sim::EchoConfig lossy(uint64_t seed) {
  sim::EchoConfig c = seed_config();
  c.link.loss = 0.25;
  c.seed = seed;
  return c;
}

TEST(JsonLines, StateAndSegmentEventsHaveTheIssuesKeysInOrder) {
  TracedRun r(seed_config());
  ASSERT_TRUE(r.result.ok) << r.result.problem;
  auto lines = r.json();
  ASSERT_GE(lines.size(), 5u);
  EXPECT_EQ(lines[0], R"({"t_us":0,"host":"client","event":"state","from":"CLOSED","to":"SYN_SENT","cause":"open"})");
  // The server's SYN,ACK: seq=300 ack=101 (RFC 9293 §3.5 Figure 6, line 3).
  bool found = false;
  for (const auto& l : lines) {
    auto j = nlohmann::json::parse(l);
    if (j["event"] == "send" && j["flags"] == "SYN,ACK") {
      found = true;
      EXPECT_EQ(j["host"], "server");
      EXPECT_EQ(j["seq"], 300);
      EXPECT_EQ(j["ack"], 101);
      EXPECT_EQ(j["len"], 0);
      EXPECT_EQ(j["options"]["mss"], 1460);
      EXPECT_TRUE(j.contains("win"));
      EXPECT_EQ(l.find(R"({"t_us":10000,"host":"server","event":"send","flags":"SYN,ACK","seq":300,"ack":101,"len":0,"win":)"),
                0u);
    }
  }
  EXPECT_TRUE(found);
}

TEST(JsonLines, EveryLineIsOneJsonObjectWithTimeHostAndEvent) {
  sim::EchoConfig c = seed_config();
  c.link.loss = 0.1;
  c.link.corrupt = 0.1;
  c.seed = 3;
  TracedRun r(c);
  for (const auto& l : r.json()) {
    auto j = nlohmann::json::parse(l);
    ASSERT_TRUE(j.is_object()) << l;
    EXPECT_TRUE(j["t_us"].is_number_integer()) << l;
    EXPECT_TRUE(j["host"] == "client" || j["host"] == "server") << l;
    std::string ev = j["event"];
    EXPECT_TRUE(ev == "state" || ev == "send" || ev == "recv" || ev == "drop") << l;
    if (ev == "drop") {
      EXPECT_TRUE(j["reason"].is_string()) << l;
    }
  }
}

TEST(JsonLines, CorruptedSegmentShowsAsSentCorruptedThenDroppedForBadChecksum) {
  sim::EchoConfig c = seed_config();
  c.link.corrupt = 0.3;
  c.seed = 11;
  TracedRun r(c);
  ASSERT_TRUE(r.result.ok) << r.result.problem;
  int corrupted_sends = 0, checksum_drops = 0;
  for (const auto& l : r.json()) {
    auto j = nlohmann::json::parse(l);
    if (j["event"] == "send" && j.contains("link")) {
      for (const auto& f : j["link"]) corrupted_sends += f == "corrupted";
    }
    if (j["event"] == "drop" && (j["reason"] == "bad_checksum" || j["reason"] == "malformed")) ++checksum_drops;
  }
  EXPECT_GT(corrupted_sends, 0);
  EXPECT_EQ(corrupted_sends, checksum_drops);  // each corrupted copy is dropped, none delivered
}

TEST(Trace, LinkFatesMarkTheSegmentThatSufferedThem) {
  TracedRun r(lossy(4));
  ASSERT_TRUE(r.result.ok) << r.result.problem;
  uint64_t lost_marks = 0, retransmissions = 0;
  for (const auto& e : r.trace.events()) {
    if (e.kind != TraceKind::Send) continue;
    lost_marks += e.marked(link::LinkEventKind::Lost);
    retransmissions += e.seg->retransmission;
    EXPECT_TRUE(e.marked(link::LinkEventKind::Sent));  // every segment went onto the link
  }
  EXPECT_EQ(lost_marks, r.result.to_server_link.lost + r.result.to_client_link.lost);
  EXPECT_GT(retransmissions, 0u);
}

TEST(Trace, StackCountersAddUpTheRetransmissionsOfEndedConnections) {
  // Both connections of a lossy echo end; the stacks' loss-recovery counters
  // then hold what the trace shows was sent again.
  uint64_t total = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    TracedRun r(lossy(seed));
    ASSERT_TRUE(r.result.ok) << r.result.problem;
    ASSERT_EQ(r.result.client_connections + r.result.server_connections, 0u);
    uint64_t rexmits = 0, probes = 0;
    for (const auto& e : r.trace.events()) {
      if (e.kind != TraceKind::Send) continue;
      rexmits += e.seg->retransmission;
      probes += e.seg->loss_probe;
    }
    const auto& a = r.result.client_counters;
    const auto& b = r.result.server_counters;
    total += rexmits;
    EXPECT_EQ(a.retransmits + b.retransmits, rexmits) << "seed " << seed;
    EXPECT_EQ(a.loss_probes + b.loss_probes, probes) << "seed " << seed;
    EXPECT_LE(a.timeouts + a.fast_retransmits, a.retransmits);
  }
  EXPECT_GT(total, 0u);  // some seeds did lose segments
}

TEST(Ladder, TailLossProbesAreMarked_Rfc8985_7_3) {
  // Some seed of a lossy echo loses a tail and probes it; its ladder and its
  // JSON lines say which segment was the probe.
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    TracedRun r(lossy(seed));
    ASSERT_TRUE(r.result.ok) << r.result.problem;
    uint64_t probes = 0;
    for (const auto& e : r.trace.events()) probes += e.kind == TraceKind::Send && e.seg->loss_probe;
    if (probes == 0) continue;
    std::string ladder = render_ladder(r.trace);
    size_t marks = 0;
    for (size_t at = ladder.find("[loss probe]"); at != std::string::npos; at = ladder.find("[loss probe]", at + 1))
      ++marks;
    EXPECT_EQ(marks, probes) << "seed " << seed;
    std::ostringstream json;
    write_json_lines(r.trace, json);
    EXPECT_NE(json.str().find("\"loss_probe\":true"), std::string::npos);
    return;
  }
  FAIL() << "no seed in 1..40 probed a tail";
}

TEST(Ladder, LostSegmentsEndInXAndRetransmissionsAreMarked) {
  TracedRun r(lossy(4));
  std::string ladder = render_ladder(r.trace);
  EXPECT_NE(ladder.find("[lost] -"), std::string::npos);
  EXPECT_NE(ladder.find("-X\n"), std::string::npos);
  EXPECT_NE(ladder.find("[retransmission]"), std::string::npos);
  EXPECT_EQ(ladder.find("\x1b["), std::string::npos);  // no colour unless asked
}

TEST(Ladder, ColourIsOptional) {
  TracedRun r(seed_config());
  LadderOptions o;
  o.color = true;
  std::string coloured = render_ladder(r.trace, o);
  EXPECT_NE(coloured.find("\x1b["), std::string::npos);
  // Without the escape codes it is the plain ladder.
  std::string stripped;
  for (size_t i = 0; i < coloured.size(); ++i) {
    if (coloured[i] == '\x1b') {
      while (i < coloured.size() && coloured[i] != 'm') ++i;
      continue;
    }
    stripped += coloured[i];
  }
  EXPECT_EQ(stripped, render_ladder(r.trace));
}

TEST(SegmentInfo, DescribeShowsFlagsSeqAckLenWinAndOptions) {
  SegmentInfo s;
  s.flags = wire::tcp_flags::kSyn | wire::tcp_flags::kAck;
  s.seq = 300;
  s.ack = 101;
  s.win = 65535;
  s.options.mss = 1460;
  s.options.window_scale = 7;
  EXPECT_EQ(s.describe(), "SYN,ACK seq=300 ack=101 len=0 win=65535 <mss 1460,ws 7>");
  s.flags = wire::tcp_flags::kSyn;  // no ACK flag: no ack= field
  s.options = {};
  EXPECT_EQ(s.describe(), "SYN seq=300 len=0 win=65535");
}

}  // namespace
}  // namespace synack::trace
