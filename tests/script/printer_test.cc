// The printer: canonical text for failure messages, and text that parses back to the same AST.
#include <gtest/gtest.h>

#include "parse_helpers.h"

namespace synack::script {
namespace {

using testing::parse_ok;
using testing::second_event;

TEST(Printer, EventForFailureMessages) {
  Script s =
      parse_ok(std::string(41, '\n') +
               "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0   >  S.   0:0(0)   ack 1 <...>\n");
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(to_string(s.events[1]), "line 43: > S. 0:0(0) ack 1 <...>");
  EXPECT_EQ(to_source(s.events[1]), "+0 > S. 0:0(0) ack 1 <...>");
  EXPECT_EQ(to_string(s.events[0]), "line 42: socket(..., SOCK_STREAM, IPPROTO_TCP) = 3");
}

TEST(Printer, Seconds) {
  EXPECT_EQ(format_seconds(0), "0");
  EXPECT_EQ(format_seconds(100000), "0.1");
  EXPECT_EQ(format_seconds(2350000), "2.35");
  EXPECT_EQ(format_seconds(1), "0.000001");
  EXPECT_EQ(format_seconds(65000000), "65");
}

TEST(Printer, Times) {
  EXPECT_EQ(to_string(TimeSpec{TimeKind::Any, 0, TimeEnd::None, 0, false}), "*");
  EXPECT_EQ(to_string(TimeSpec{TimeKind::Relative, 300000, TimeEnd::Range, 400000, true}),
            "+0.3~+0.4");
  EXPECT_EQ(to_string(TimeSpec{TimeKind::Absolute, 1000000, TimeEnd::Blocking, 6000000, false}),
            "1...6");
  EXPECT_EQ(to_string(TimeSpec{TimeKind::Relative, 0, TimeEnd::Blocking, 200000, true}),
            "+0...0.2");
}

TEST(Printer, FlagsAreCanonical) {
  auto flags = [](const char* f) {
    return to_string(testing::packet_of(std::string("+0 > ") + f + " 1:1(0)").flags);
  };
  EXPECT_EQ(flags(".S"), "S.");
  EXPECT_EQ(flags("P.F"), "FP.");
  EXPECT_EQ(flags("WES"), "SEW");
  EXPECT_EQ(flags("-"), "-");
  EXPECT_EQ(flags(".5"), "5.");
  EXPECT_EQ(flags("S0"), "S0");
}

TEST(Printer, PacketsOfEveryForm) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"+0 <  S 0:0(0) win 32792 <mss 1460,sackOK,nop, nop,nop,wscale 7>",
       "< S 0:0(0) win 32792 <mss 1460,sackOK,nop,nop,nop,wscale 7>"},
      {"+0 < . 1:1(0) ack 1 win 257 <sack 1461:2921 1:2,nop,nop,TS val 200 ecr 100,nop,nop>",
       "< . 1:1(0) ack 1 win 257 <sack 1461:2921 1:2,nop,nop,TS val 200 ecr 100,nop,nop>"},
      {"+0 > R. 0:0(0)! ack 1 urg 3", "> R. 0:0(0)! ack 1 urg 3"},
      {"+0 > S. ...(0) ack 1 <...>", "> S. ...(0) ack 1 <...>"},
      {"+0 > (tos 0xE0) P. 1:1(0) ack 1", "> (tos 0xe0) P. 1:1(0) ack 1"},
      {"+0 > [ect0 ttl 4] . 1:1(0)", "> (ect0, ttl 4) . 1:1(0)"},
      {"+0 < 1234>8080 S 0:0(0) win 1", "< 1234>8080 S 0:0(0) win 1"},
      {"+0 > S 0:0(0) <FO,nop,nop,FO ABCD1234,nop,nop,FOEXP 0123456789abcdef>",
       "> S 0:0(0) <FO,nop,nop,FO abcd1234,nop,nop,FOEXP 0123456789abcdef>"},
      {"+0 < . 1:1(0) win 1 <nop,nop,md5 valid>", "< . 1:1(0) win 1 <nop,nop,md5 valid>"},
      {"+0 < . 1:1(0) win 1 <ECN  e1b 1>", "< . 1:1(0) win 1 <ECN e1b 1>"},
      {"+0 < udp (100)", "< udp (100)"},
      {"+0 < icmp unreachable port_unreachable mtu 1200",
       "< icmp unreachable port_unreachable mtu 1200"},
  };
  for (const Case& c : cases) EXPECT_EQ(to_string(second_event(c.in).body), c.out) << c.in;
}

TEST(Printer, SyscallsAndExpressions) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK) = 0", "fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0"},
      {"+0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)", "fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)"},
      {"+0 connect(3,...,...) = -1 EINPROGRESS(Operation now in progress)",
       "connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)"},
      {"+0 bind(3, {sa_family=AF_INET,sin_port=htons(8080),sin_addr=inet_addr(\"a\\\"b\")}, [16]) "
       "= 0",
       "bind(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"a\\\"b\")}, [16]) = "
       "0"},
      {"+0 sendmsg(4, {msg_iov(1)=[{..., 40}]}, 0) = 40",
       "sendmsg(4, {msg_iov(1)=[{..., 40}]}, 0) = 40"},
      {"+0 f(-5, -0x10, []) = -0x1", "f(-5, -0x10, []) = -0x1"},
  };
  for (const Case& c : cases) EXPECT_EQ(to_string(second_event(c.in).body), c.out) << c.in;
}

TEST(Printer, ScriptRoundTrip) {
  const char* text =
      "--ip_version=ipv4 // x\n-D CODE=host_unreachable\n--strict_segments\n`init\n  two`\n"
      "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
      "+0...0.2 accept(3, ..., ...) = 4\n"
      "+.1 < S 0:0(0) win 1 <mss 1000,nop,wscale 7>\n"
      "* > S. 0:0(0) ack 1 <...>\n"
      "+.3~+.4 > R 1:1(0)\n"
      "+0 < icmp unreachable CODE\n"
      "+0 %{ assert tcpi_state == TCP_CLOSE }%\n"
      "+0 `echo hi`\n"
      "`cleanup`\n";
  Script s = parse_ok(text);
  std::string printed = to_source(s);
  EXPECT_EQ(printed,
            "--ip_version=ipv4\n-D CODE=host_unreachable\n--strict_segments\n`init\n  two`\n"
            "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
            "+0...0.2 accept(3, ..., ...) = 4\n"
            "+0.1 < S 0:0(0) win 1 <mss 1000,nop,wscale 7>\n"
            "* > S. 0:0(0) ack 1 <...>\n"
            "+0.3~+0.4 > R 1:1(0)\n"
            "+0 < icmp unreachable host_unreachable\n"
            "+0 %{ assert tcpi_state == TCP_CLOSE }%\n"
            "+0 `echo hi`\n"
            "`cleanup`\n");
  Script again = parse_ok(printed);
  EXPECT_EQ(to_source(again), printed);
  EXPECT_EQ(again.options, s.options);
}

TEST(Printer, EnumNames) {
  EXPECT_EQ(to_string(TimeKind::Relative), "Relative");
  EXPECT_EQ(to_string(Direction::Outbound), "Outbound");
  EXPECT_EQ(to_string(OptionKind::SackPermitted), "sackOK");
  EXPECT_EQ(to_string(Ecn::Ect01), "ect01");
  std::ostringstream os;
  os << ExprKind::BitOr << " " << SeqKind::Any << " " << OptionsMode::Wildcard << " "
     << PacketKind::Icmp << " " << TimeEnd::Blocking;
  EXPECT_EQ(os.str(), "BitOr Any Wildcard icmp Blocking");
}

}  // namespace
}  // namespace synack::script
