#include "pdrill/suite.h"

#include <gtest/gtest.h>

#include "pdrill/junit.h"

namespace synack::pdrill {
namespace {

constexpr const char* kList = R"({
  "expected": [
    { "scripts": ["freebsd/portable/snd-syn/*-rtx-*.pkt"],
      "reason": "RFC 6298 doubling", "rfc": "RFC 6298 §5.5", "failure": "too late" },
    { "scripts": ["own/x.pkt"], "reason": "r", "rfc": "RFC 9293 §3.10" }
  ]
})";

TEST(Expectations, PatternsCrossDirectories) {
  auto e = Expectations::parse(kList);
  ASSERT_TRUE(e.has_value()) << e.error();
  EXPECT_NE(e->find("freebsd/portable/snd-syn/snd-syn-rtx-3-ipv4.pkt"), nullptr);
  EXPECT_EQ(e->find("freebsd/portable/snd-syn/snd-syn-ipv4.pkt"), nullptr);
  EXPECT_NE(e->find("own/x.pkt"), nullptr);
}

TEST(Expectations, FailureTextMayListAlternatives) {
  auto e = *Expectations::parse(
      R"({"expected":[{"scripts":["a"],"reason":"r","rfc":"x","failure":["sent at 0.01","ack: expected"]}]})");
  Outcome o;
  o.verdict = Verdict::Fail;
  o.message = "ack: expected 4, got 2";
  EXPECT_EQ(classify(o, e.find("a")), Status::XFail);
  o.message = "sent at 0.01, expected at 0.05 (±0.01)";
  EXPECT_EQ(classify(o, e.find("a")), Status::XFail);
  o.message = "flags: expected F., got .";
  EXPECT_EQ(classify(o, e.find("a")), Status::Fail);
}

TEST(Expectations, EveryEntryNeedsAReasonAndItsRfcText) {
  EXPECT_FALSE(Expectations::parse(R"({"expected":[{"scripts":["a"],"reason":"r"}]})").has_value());
  EXPECT_FALSE(Expectations::parse("not json").has_value());
}

TEST(Classify, ListedFailuresAreXfailAndListedPassesAreXpass) {
  auto e = *Expectations::parse(kList);
  const Expectation* rtx = e.find("freebsd/portable/snd-syn/a-rtx-b.pkt");
  Outcome fail;
  fail.verdict = Verdict::Fail;
  fail.message = "packet sent too late, at 3";
  EXPECT_EQ(classify(fail, rtx), Status::XFail);
  fail.message = "ack: expected 1, got 2";  // listed, but failing for another reason
  EXPECT_EQ(classify(fail, rtx), Status::Fail);
  Outcome pass;
  EXPECT_EQ(classify(pass, rtx), Status::XPass);
  EXPECT_EQ(classify(pass, nullptr), Status::Pass);
  Outcome unsup;
  unsup.verdict = Verdict::Unsupported;
  EXPECT_EQ(classify(unsup, rtx), Status::Unsupported);
}

TEST(Suite, OkMeansNoFailAndNoXpass) {
  SuiteResult s;
  s.name = "t";
  s.scripts.push_back({"a", "a", {}, Status::Pass, nullptr, 0});
  s.scripts.push_back({"b", "b", {}, Status::Unsupported, nullptr, 0});
  EXPECT_TRUE(s.ok());
  EXPECT_FALSE(s.ok(true));
  s.scripts.push_back({"c", "c", {}, Status::XPass, nullptr, 0});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(summary_line(s), "t: 3 scripts: 1 pass, 0 fail, 0 xfail, 1 xpass, 1 unsupported");
}

TEST(Suite, ScriptKeysAreRelativeToTheConformanceRoot) {
  EXPECT_EQ(script_key("/tmp/x/y.pkt", "/nonexistent-root"), "/tmp/x/y.pkt");
  EXPECT_EQ(script_key("/tmp/x/y.pkt", "/tmp"), "x/y.pkt");
}

TEST(Junit, FailuresAndSkipsAreMarked) {
  auto e = *Expectations::parse(kList);
  SuiteResult s;
  s.name = "fb<sd>";
  Outcome f;
  f.verdict = Verdict::Fail;
  f.message = "ack: expected 1, got \"2\"";
  s.scripts.push_back({"a", "a", f, Status::Fail, nullptr, 0.5});
  Outcome u;
  u.verdict = Verdict::Unsupported;
  u.message = "poll()";
  s.scripts.push_back({"b", "b", u, Status::Unsupported, nullptr, 0});
  s.scripts.push_back({"c", "own/x.pkt", f, Status::XFail, e.find("own/x.pkt"), 0});
  std::string x = junit_xml({s});
  EXPECT_NE(x.find("<testsuite name=\"fb&lt;sd&gt;\" tests=\"3\" failures=\"1\" skipped=\"2\""), std::string::npos) << x;
  EXPECT_NE(x.find("<failure message=\"ack: expected 1, got &quot;2&quot;\">"), std::string::npos) << x;
  EXPECT_NE(x.find("<skipped message=\"unsupported: poll()\"/>"), std::string::npos) << x;
  EXPECT_NE(x.find("<skipped message=\"expected difference: r\"/>"), std::string::npos) << x;
}

}  // namespace
}  // namespace synack::pdrill
