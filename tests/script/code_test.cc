// %{ }% blocks: assert statements over tcpi_ fields, numbers and Linux state
// names; the rest is "unsupported python".
#include "script/code.h"

#include <gtest/gtest.h>

namespace synack::script {
namespace {

Operand field(const char* n) { return {Operand::Kind::Field, n, 0}; }
Operand state(const char* n) { return {Operand::Kind::State, n, 0}; }
Operand number(int64_t v) { return {Operand::Kind::Number, "", v}; }

TEST(Code, StateAssertions) {
  auto eq = parse_assertions(" assert tcpi_state == TCP_TIME_WAIT ");
  ASSERT_TRUE(eq) << eq.error();
  ASSERT_EQ(eq->size(), 1u);
  EXPECT_EQ((*eq)[0], (Assertion{{field("tcpi_state"), state("TCP_TIME_WAIT")}, {AssertOp::Equal}}));
  auto ne = parse_assertions("assert tcpi_state!=TCP_SYN_RECV");
  ASSERT_TRUE(ne) << ne.error();
  EXPECT_EQ((*ne)[0].ops, std::vector<AssertOp>{AssertOp::NotEqual});
  auto msg = parse_assertions(" assert tcpi_state == TCP_CLOSE, tcpi_state ");
  ASSERT_TRUE(msg) << msg.error();
  EXPECT_EQ((*msg)[0].operands[1].name, "TCP_CLOSE");
  auto semi = parse_assertions("\n  assert tcpi_state == TCP_ESTABLISHED;\n");
  ASSERT_TRUE(semi) << semi.error();
  EXPECT_EQ(semi->size(), 1u);
}

TEST(Code, FieldAssertionsChainsAndSeveralStatements) {
  auto two = parse_assertions(" assert tcpi_advmss == 1100, tcpi_advmss; assert tcpi_snd_mss == 1100, tcpi_snd_mss ");
  ASSERT_TRUE(two) << two.error();
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1], (Assertion{{field("tcpi_snd_mss"), number(1100)}, {AssertOp::Equal}}));
  auto chain = parse_assertions("assert 98000 <= tcpi_rto <= 110000, tcpi_rto");
  ASSERT_TRUE(chain) << chain.error();
  EXPECT_EQ((*chain)[0], (Assertion{{number(98000), field("tcpi_rto"), number(110000)},
                                    {AssertOp::LessEqual, AssertOp::LessEqual}}));
  // A backslash continues a statement on the next line.
  auto cont = parse_assertions("assert tcpi_probes == 0, tcpi_probes; \\\n   assert tcpi_backoff > 0, tcpi_backoff");
  ASSERT_TRUE(cont) << cont.error();
  ASSERT_EQ(cont->size(), 2u);
  EXPECT_EQ((*cont)[1].ops, std::vector<AssertOp>{AssertOp::Greater});
  for (auto op : {AssertOp::Equal, AssertOp::NotEqual, AssertOp::Less, AssertOp::LessEqual, AssertOp::Greater,
                  AssertOp::GreaterEqual}) {
    auto a = parse_assertions("assert tcpi_snd_cwnd " + std::string(to_string(op)) + " 10");
    ASSERT_TRUE(a) << a.error();
    EXPECT_EQ((*a)[0].ops[0], op);
  }
}

// tcpi_options against Linux's TCPI_OPT_ bits, alone or joined by '|' in
// parentheses (the FreeBSD suite's TCP_INFO scripts write them so).
TEST(Code, OptionBitsAndTheirOr) {
  auto all = parse_assertions(" assert tcpi_options == (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE | TCPI_OPT_ECN) ");
  ASSERT_TRUE(all) << all.error();
  EXPECT_EQ((*all)[0], (Assertion{{field("tcpi_options"), number(1 | 2 | 4 | 8)}, {AssertOp::Equal}}));
  auto one = parse_assertions("assert tcpi_options != TCPI_OPT_ECN");
  ASSERT_TRUE(one) << one.error();
  EXPECT_EQ((*one)[0], (Assertion{{field("tcpi_options"), number(8)}, {AssertOp::NotEqual}}));
  auto mixed = parse_assertions("assert tcpi_options == (16 | TCPI_OPT_SYN_DATA)");
  ASSERT_TRUE(mixed) << mixed.error();
  EXPECT_EQ((*mixed)[0].operands[1], number(48));
}

TEST(Code, EveryLinuxStateName) {
  for (const char* s : {"TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_SYN_RECV", "TCP_FIN_WAIT1",
                        "TCP_FIN_WAIT2", "TCP_TIME_WAIT", "TCP_CLOSE", "TCP_CLOSE_WAIT",
                        "TCP_LAST_ACK", "TCP_LISTEN", "TCP_CLOSING"}) {
    auto a = parse_assertions(std::string("assert tcpi_state == ") + s);
    ASSERT_TRUE(a) << s << ": " << a.error();
    EXPECT_EQ((*a)[0].operands[1].name, s);
  }
}

TEST(Code, AnythingElseIsUnsupportedPython) {
  const char* cases[] = {
      " assert (tcpi_options & TCPI_OPT_SYN_DATA) == 0, tcpi_options ",
      " assert tcpi_options == (TCPI_OPT_TIMESTAMPS & TCPI_OPT_SACK) ",
      " assert tcpi_options == (TCPI_OPT_NONSENSE) ",
      " assert tcpi_options == (TCPI_OPT_SACK | ",
      " assert tcpi_delivery_rate == 0, tcpi_delivery_rate ",
      "assert tcpi_state == TCP_CLOSED",
      "assert tcpi_state < TCP_CLOSE",
      "assert tcpi_state == 1",
      "assert tcpi_snd_cwnd == TCP_CLOSE",
      "assert tcpi_state == TCP_CLOSE and tcpi_rtt > 0",
      "assert tcpi_state == TCP_CLOSE, ",
      "assert tcpi_rtt",
      "assert 12x == 3",
      "print(tcpi_state)",
      "x = 3",
      "",
  };
  for (const char* c : cases) {
    auto a = parse_assertions(c);
    ASSERT_FALSE(a) << c;
    EXPECT_EQ(a.error().rfind("unsupported python: ", 0), 0u) << a.error();
  }
  EXPECT_NE(parse_assertions("assert tcpi_state == TCP_CLOSED").error().find("unknown state name 'TCP_CLOSED'"),
            std::string::npos);
  EXPECT_NE(parse_assertions("assert tcpi_delivery_rate == 0").error().find("tcpi_delivery_rate is not available"),
            std::string::npos);
}

}  // namespace
}  // namespace synack::script
