// %{ }% blocks: only `assert tcpi_state ==|!= TCP_X` is supported; the rest is "unsupported
// python".
#include "script/code.h"

#include <gtest/gtest.h>

namespace synack::script {
namespace {

TEST(Code, StateAssertions) {
  auto eq = parse_state_assert(" assert tcpi_state == TCP_TIME_WAIT ");
  ASSERT_TRUE(eq) << eq.error();
  EXPECT_EQ(*eq, (StateAssert{AssertOp::Equal, "TCP_TIME_WAIT"}));
  auto ne = parse_state_assert("assert tcpi_state!=TCP_SYN_RECV");
  ASSERT_TRUE(ne) << ne.error();
  EXPECT_EQ(*ne, (StateAssert{AssertOp::NotEqual, "TCP_SYN_RECV"}));
  auto msg = parse_state_assert(" assert tcpi_state == TCP_CLOSE, tcpi_state ");
  ASSERT_TRUE(msg) << msg.error();
  EXPECT_EQ(msg->state, "TCP_CLOSE");
  auto semi = parse_state_assert("\n  assert tcpi_state == TCP_ESTABLISHED;\n");
  ASSERT_TRUE(semi) << semi.error();
  EXPECT_EQ(to_string(AssertOp::Equal), "==");
  EXPECT_EQ(to_string(AssertOp::NotEqual), "!=");
}

TEST(Code, EveryLinuxStateName) {
  for (const char* s : {"TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_SYN_RECV", "TCP_FIN_WAIT1",
                        "TCP_FIN_WAIT2", "TCP_TIME_WAIT", "TCP_CLOSE", "TCP_CLOSE_WAIT",
                        "TCP_LAST_ACK", "TCP_LISTEN", "TCP_CLOSING"}) {
    auto a = parse_state_assert(std::string("assert tcpi_state == ") + s);
    ASSERT_TRUE(a) << s << ": " << a.error();
    EXPECT_EQ(a->state, s);
  }
}

TEST(Code, AnythingElseIsUnsupportedPython) {
  const char* cases[] = {
      " assert (tcpi_options & TCPI_OPT_SYN_DATA) == 0, tcpi_options ",
      " assert tcpi_options == (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK) ",
      " assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd ",
      "assert tcpi_state == TCP_CLOSED",
      "assert tcpi_state < TCP_CLOSE",
      "assert tcpi_state == TCP_CLOSE; assert tcpi_state == TCP_CLOSE",
      "assert tcpi_state == TCP_CLOSE and tcpi_rtt > 0",
      "assert tcpi_state == TCP_CLOSE, ",
      "print(tcpi_state)",
      "",
  };
  for (const char* c : cases) {
    auto a = parse_state_assert(c);
    ASSERT_FALSE(a) << c;
    EXPECT_EQ(a.error().rfind("unsupported python: ", 0), 0u) << a.error();
  }
  EXPECT_NE(parse_state_assert("assert tcpi_state == TCP_CLOSED")
                .error()
                .find("unknown state name 'TCP_CLOSED'"),
            std::string::npos);
}

}  // namespace
}  // namespace synack::script
