#include "pdrill/report.h"

#include <gtest/gtest.h>

namespace synack::pdrill {
namespace {

TEST(Report, CellDirectoriesSplitIntoSegmentAndState) {
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(parse_cell_dir("rcv-syn-closed"), P("syn", "closed"));
  EXPECT_EQ(parse_cell_dir("rcv-syn-fin-wait-1"), P("syn", "fin-wait-1"));
  EXPECT_EQ(parse_cell_dir("rcv-syn-fin-time-wait"), P("syn-fin", "time-wait"));
  EXPECT_EQ(parse_cell_dir("rcv-syn-fin-listen"), P("syn-fin", "listen"));
  EXPECT_EQ(parse_cell_dir("rcv-rst-ack-syn-rcvd"), P("rst-ack", "syn-rcvd"));
  EXPECT_EQ(parse_cell_dir("rcv-fin-ack-syn-sent"), P("fin-ack", "syn-sent"));
  EXPECT_EQ(parse_cell_dir("rcv-syn-ack-time-wait"), P("syn-ack", "time-wait"));
  EXPECT_FALSE(parse_cell_dir("snd-syn").has_value());
  EXPECT_FALSE(parse_cell_dir("rcv-urg-established").has_value());
}

ScriptResult result(const std::string& key, Status s) {
  ScriptResult r;
  r.key = key;
  r.status = s;
  return r;
}

TEST(Report, MatrixCountsEachCell) {
  SuiteResult s;
  s.name = "freebsd/portable/state-event-engine";
  const std::string d = "freebsd/portable/state-event-engine/";
  s.scripts = {result(d + "rcv-rst-closing/a.pkt", Status::XFail),
               result(d + "rcv-rst-closing/b.pkt", Status::Fail),
               result(d + "rcv-rst-closing/c.pkt", Status::Pass),
               result(d + "rcv-syn-closed/a.pkt", Status::Pass)};
  std::string m = render_matrix(s);
  EXPECT_NE(m.find("| **CLOSING** | . | . | . | . | . | . | 1/3 (F1 X1) | . |"), std::string::npos) << m;
  EXPECT_NE(m.find("| **CLOSED** | 1/1 | . |"), std::string::npos) << m;
  EXPECT_NE(m.find("| state \\ segment | SYN | SYN-ACK | SYN-FIN | ACK | FIN | FIN-ACK | RST | RST-ACK |"),
            std::string::npos);
}

TEST(Report, FailuresAreGroupedByTheirAnalysedCause) {
  auto causes = *Expectations::parse(
      R"({"causes":[{"scripts":["s/x-*.pkt"],"reason":"Window check: too wide","rfc":"RFC 5961 §3.2"}]})", "causes");
  SuiteResult s;
  s.name = "s";
  s.scripts = {result("s/x-1.pkt", Status::Fail), result("s/y.pkt", Status::Fail)};
  s.scripts[0].outcome.verdict = Verdict::Fail;
  s.scripts[1].outcome.verdict = Verdict::Fail;
  ReportInput in;
  in.specs = {SuiteSpec{"s", {}, "defaults", false}};
  in.suites = {s};
  in.causes = &causes;
  in.command = "test";
  std::string r = render_report(in);
  EXPECT_NE(r.find("### Window check (1 scripts)"), std::string::npos) << r;
  EXPECT_NE(r.find("### Not yet analysed (1 scripts)"), std::string::npos) << r;
  EXPECT_NE(r.find("| `s` | 2 | 0 | 2 | 0 | 0 | 0 |"), std::string::npos) << r;
}

}  // namespace
}  // namespace synack::pdrill
