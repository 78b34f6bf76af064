// Script structure: option lines, -D definitions, init/cleanup commands, comments, event times
// and the checks that span events, each error with its line.
#include <gtest/gtest.h>

#include "parse_helpers.h"

namespace synack::script {
namespace {

using testing::after_socket;
using testing::parse_err;
using testing::parse_ok;
using testing::second_event;

constexpr const char* kSocket = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";

TEST(Script, OptionLinesKeepOrderAndIgnoreTrailingComments) {
  Script s = parse_ok(
      "// header\n--ip_version=ipv4\n--tolerance_usecs=10000\n--insecure_rst=1 // portable: "
      "sysctl\n"
      "--strict_segments\n--tolerance_usecs=20000\n" +
      std::string(kSocket));
  ASSERT_EQ(s.options.size(), 5u);
  EXPECT_EQ(s.options[0], (OptionLine{"ip_version", "ipv4", 2}));
  EXPECT_EQ(s.options[2], (OptionLine{"insecure_rst", "1", 4}));
  EXPECT_EQ(s.options[3], (OptionLine{"strict_segments", "", 5}));
  ASSERT_NE(s.option("tolerance_usecs"), nullptr);
  EXPECT_EQ(*s.option("tolerance_usecs"), "20000");  // the last one wins
  EXPECT_EQ(s.option("mtu"), nullptr);
}

TEST(Script, OptionErrors) {
  ParseError e = parse_err(std::string(kSocket) + "--mtu=1000\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("must come before the first event"), std::string::npos) << e;
  e = parse_err("--ip_version=ipv4\n--=3\n" + std::string(kSocket));
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("malformed option line '--=3'"), std::string::npos) << e;
  e = parse_err("-D 1X=3\n" + std::string(kSocket));
  EXPECT_NE(e.message.find("malformed definition '1X=3'"), std::string::npos) << e;
}

TEST(Script, DefinesSubstituteWords) {
  Script s =
      parse_ok("-D PORT=8080\n-DFD=3\n--define=CMD=`echo hi`\n-D ADDR=\"192.0.2.1\"\n" +
               std::string(kSocket) +
               "+0 bind(FD, {sin_port=htons(PORT), sin_addr=inet_addr(ADDR)}, 16) = 0\n+0 CMD\n");
  ASSERT_EQ(s.options.size(), 4u);
  EXPECT_EQ(s.options[0], (OptionLine{"define", "PORT=8080", 1}));
  EXPECT_EQ(s.options[2], (OptionLine{"define", "CMD=`echo hi`", 3}));
  ASSERT_EQ(s.events.size(), 3u);
  const Syscall& b = *s.events[1].syscall();
  EXPECT_EQ(b.args[0].integer, 3);
  EXPECT_EQ(b.args[1].items[0].items[0].integer, 8080);
  EXPECT_EQ(b.args[1].items[1].items[0].kind, ExprKind::String);
  ASSERT_NE(s.events[2].command(), nullptr);
  EXPECT_EQ(s.events[2].command()->text, "echo hi");
}

TEST(Script, CommandLineDefinesComeFirstAndScriptDefinesOverride) {
  ParseOptions o;
  o.defines = {{"FD", "4"}, {"N", "7"}};
  Script s = parse_ok("-D N=9\n" + std::string(kSocket) + "+0 close(FD) = N\n", o);
  EXPECT_EQ(s.events[1].syscall()->args[0].integer, 4);
  EXPECT_EQ(s.events[1].syscall()->ret, 9);
}

TEST(Script, InitAndCleanupCommands) {
  Script s = parse_ok("--mss=1000\n`../common/defaults.sh\n ../common/set_sysctls.py x=1`\n" +
                      std::string(kSocket) +
                      "+0 `nstat -n`\n\n  `/tmp/sysctl_restore_${PPID}.sh` // bye\n");
  ASSERT_TRUE(s.init_command);
  EXPECT_EQ(s.init_command->text, "../common/defaults.sh\n ../common/set_sysctls.py x=1");
  EXPECT_EQ(s.init_command->line, 2);
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[1].command()->text, "nstat -n");
  ASSERT_TRUE(s.cleanup_command);
  EXPECT_EQ(s.cleanup_command->text, "/tmp/sysctl_restore_${PPID}.sh");
  EXPECT_EQ(s.cleanup_command->line, 7);
}

TEST(Script, UntimedCommandBetweenEventsIsAnError) {
  ParseError e = parse_err(std::string(kSocket) + "`echo middle`\n+0 close(3) = 0\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("must be the init command"), std::string::npos) << e;
}

TEST(Script, CommentsAnywhere) {
  Script s = parse_ok("/* block\n comment */ --tolerance_usecs=1 /* x */\n" + std::string(kSocket) +
                      "+0 < S /* mid */ 0:0(0) win 1 // trailing\n"
                      "+0 > S. 0:0(0) ack 1 <...>// glued\n");
  ASSERT_EQ(s.events.size(), 3u);
  EXPECT_EQ(s.events[1].line, 4);
  EXPECT_EQ(s.events[2].packet()->options_mode, OptionsMode::Wildcard);
}

TEST(Script, HashIsNotAComment) {
  ParseError e = parse_err(std::string(kSocket) +
                           "+0 close(3) = 0\n#ifdef FreeBSD\n+0 close(4) = 0\n#endif\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.column, 1);
  EXPECT_NE(e.message.find("'#ifdef FreeBSD': '#' is not a comment"), std::string::npos) << e;
  EXPECT_NE(e.message.find("#ifdef/#endif"), std::string::npos) << e;
}

TEST(Script, EventTimes) {
  Script s = parse_ok(std::string(kSocket) +
                      "+.1 close(3) = 0\n"
                      "0.100 close(3) = 0\n"
                      "+ 0.00 close(3) = 0\n"
                      "* > S 0:0(0)\n"
                      "0.2~0.25 > . 1:1(0)\n"
                      "+.35~+2.35 > . 1:1(0)\n"
                      "1.00...6.00 connect(3, ..., ...) = 0\n"
                      "+.1...0.2 read(3, ..., 1) = 1\n"
                      "+0.0000015 close(3) = 0\n");
  ASSERT_EQ(s.events.size(), 10u);
  EXPECT_EQ(s.events[1].time, (TimeSpec{TimeKind::Relative, 100000, TimeEnd::None, 0, false}));
  EXPECT_EQ(s.events[2].time, (TimeSpec{TimeKind::Absolute, 100000, TimeEnd::None, 0, false}));
  EXPECT_EQ(s.events[3].time, (TimeSpec{TimeKind::Relative, 0, TimeEnd::None, 0, false}));
  EXPECT_EQ(s.events[4].time.kind, TimeKind::Any);
  EXPECT_EQ(s.events[5].time,
            (TimeSpec{TimeKind::Absolute, 200000, TimeEnd::Range, 250000, false}));
  EXPECT_EQ(s.events[6].time,
            (TimeSpec{TimeKind::Relative, 350000, TimeEnd::Range, 2350000, true}));
  EXPECT_EQ(s.events[7].time,
            (TimeSpec{TimeKind::Absolute, 1000000, TimeEnd::Blocking, 6000000, false}));
  EXPECT_EQ(s.events[7].syscall()->end_usecs, 6000000);
  EXPECT_EQ(s.events[8].time,
            (TimeSpec{TimeKind::Relative, 100000, TimeEnd::Blocking, 200000, true}));
  EXPECT_EQ(s.events[9].time.start_usecs, 2);  // rounded to the microsecond
  EXPECT_EQ(s.events[2].line, 3);
  EXPECT_EQ(s.events[2].column, 1);
}

TEST(Script, FirstEventMustBeAtTimeZero) {
  EXPECT_EQ(parse_ok("+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n").events.size(), 1u);
  EXPECT_EQ(parse_ok("0.000...0.100 accept(3, ..., ...) = 4\n").events.size(), 1u);
  for (const char* first :
       {"\n\n0.1 close(3) = 0\n", "\n\n+1 close(3) = 0\n", "\n\n* > S 0:0(0)\n"}) {
    ParseError e = parse_err(first);
    EXPECT_EQ(e.line, 3) << first;
    EXPECT_EQ(e.message, "the first event must be at time 0") << first;
  }
}

struct TimeErrorCase {
  const char* line;
  const char* message_part;
};

TEST(Script, TimeErrors) {
  const TimeErrorCase cases[] = {
      {"* close(3) = 0", "'*' (any time) is only allowed on outbound packets"},
      {"* < . 1:1(0) win 1", "'*' (any time) is only allowed on outbound packets"},
      {"+0~+1 < . 1:1(0) win 1", "a time range (~) is only allowed on outbound packets"},
      {"+0~+1 close(3) = 0", "a time range (~) is only allowed on outbound packets"},
      {"+0...1 > . 1:1(0)", "a blocking end time (...) is only allowed on system calls"},
      {"+0...1 `true`", "a blocking end time (...) is only allowed on system calls"},
      {"+2~+1 > . 1:1(0)", "the end time 1 is before the start time 2"},
      {"+0.5...0.1 read(3, ..., 1) = 1", "the end time 0.1 is before the start time 0.5"},
      {"+0.1~0.2 > . 1:1(0)", "both ends of a time range must be relative"},
      {"0.1~+0.2 > . 1:1(0)", "both ends of a time range must be relative"},
      {"+x close(3) = 0", "expected an event time"},
      {"+0x10 close(3) = 0", "expected an event time"},
      {"+0 3", "expected a packet (< or >), a system call"},
  };
  for (const TimeErrorCase& c : cases) {
    ParseError e = parse_err(after_socket(c.line));
    EXPECT_EQ(e.line, 2) << c.line;
    EXPECT_NE(e.message.find(c.message_part), std::string::npos) << c.line << " -> " << e;
  }
}

TEST(Script, TimeGoesBackward) {
  ParseError e = parse_err(std::string(kSocket) + "+1 close(3) = 0\n0.5 close(4) = 0\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(
      e.message.find("time goes backward: this event is at 0.5 s but the previous one is at 1 s"),
      std::string::npos)
      << e;
  // `*` doesn't move the script clock; relative times add up.
  EXPECT_EQ(parse_ok(std::string(kSocket) +
                     "+1 > S 0:0(0)\n* > S 0:0(0)\n+1 > S 0:0(0)\n2 close(3) = 0\n")
                .events.size(),
            5u);
}

TEST(Script, EmptyScriptsAreErrors) {
  EXPECT_EQ(parse_err("").message, "the script has no events");
  EXPECT_EQ(parse_err("--mtu=1500\n`init`\n// nothing\n").message, "the script has no events");
}

TEST(Script, CodeBlocks) {
  Event e = second_event("+0 %{ assert tcpi_snd_cwnd == 10, \\\n   tcpi_snd_cwnd }%");
  ASSERT_NE(e.code(), nullptr);
  EXPECT_EQ(e.code()->text, " assert tcpi_snd_cwnd == 10, \\\n   tcpi_snd_cwnd ");
}

TEST(Script, ErrorFormatAndFiles) {
  ParseError e = parse_err(after_socket("+0 < . 1:1(0) ack 1"));
  EXPECT_EQ(e.to_string(), "test.pkt:2:4: window must be specified for inbound packets");
  auto missing = parse_script_file("/nonexistent/dir/x.pkt");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().file, "/nonexistent/dir/x.pkt");
  EXPECT_EQ(missing.error().line, 0);
  EXPECT_NE(missing.error().message.find("cannot open"), std::string::npos);
}

TEST(Script, CrLfLineEndings) {
  Script s = parse_ok(
      "--mss=1000\r\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\r\n+0 < S 0:0(0) win 1\r\n");
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.options[0].value, "1000");
  EXPECT_EQ(s.events[1].line, 3);
}

}  // namespace
}  // namespace synack::script
