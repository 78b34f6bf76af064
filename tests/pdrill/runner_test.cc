// End-to-end: small scripts run against a real synack Stack.
#include "pdrill/runner.h"

#include <gtest/gtest.h>

#include "helpers.h"

namespace synack::pdrill {
namespace {

Outcome run(std::string_view text, RunnerOptions o = {}) { return run_script(testing::parse(text), o); }

std::string ladder(const Outcome& o) {
  std::string s = "message: " + o.message + "\nexpected: " + o.expected + "\nactual: " + o.actual + "\n";
  for (const auto& l : o.ladder) s += l + "\n";
  for (const auto& l : o.log) s += l + "\n";
  return s;
}

constexpr std::string_view kListen =
    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
    "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
    "+0 bind(3, ..., ...) = 0\n"
    "+0 listen(3, 1) = 0\n";

constexpr std::string_view kAccepted =
    "+0 < S 0:0(0) win 32792 <mss 1000>\n"
    "+0 > S. 0:0(0) ack 1 <...>\n"
    "+.1 < . 1:1(0) ack 1 win 20000\n"
    "+0 accept(3, ..., ...) = 4\n";

std::string server(std::string_view rest) { return std::string(kListen) + std::string(kAccepted) + std::string(rest); }

TEST(Runner, PassiveOpenDataAndActiveCloseOnTheVirtualClock) {
  Outcome o = run(server(
      "+0 %{ assert tcpi_state == TCP_ESTABLISHED }%\n"
      "+.1 < P. 1:101(100) ack 1 win 20000\n"
      "+0~+.04 > . 1:1(0) ack 101\n"
      "+0 read(4, ..., 100) = 100\n"
      "+0 close(4) = 0\n"
      "+0 > F. 1:1(0) ack 101\n"
      "+.1 < F. 101:101(0) ack 2 win 20000\n"
      "+0 > . 2:2(0) ack 102\n"
      "+0 %{ assert tcpi_state == TCP_TIME_WAIT }%\n"
      "+59.9 %{ assert tcpi_state == TCP_TIME_WAIT }%\n"
      "+0.1 %{ assert tcpi_state == TCP_CLOSE }%\n"));
  EXPECT_EQ(o.verdict, Verdict::Pass) << ladder(o);
  EXPECT_GE(o.virtual_usecs, 60'000'000);
}

TEST(Runner, WrongAckFailsNamingTheLineAndBothSides) {
  Outcome o = run(server("+.1 < P. 1:101(100) ack 1 win 20000\n+0~+.04 > . 1:1(0) ack 100\n"));
  ASSERT_EQ(o.verdict, Verdict::Fail) << ladder(o);
  EXPECT_EQ(o.line, 10);
  EXPECT_EQ(o.message, "ack: expected 100, got 101");
  EXPECT_NE(o.actual.find(". 1:1(0) ack 101"), std::string::npos) << o.actual;
  EXPECT_NE(o.expected.find("> . 1:1(0) ack 100"), std::string::npos) << o.expected;
  // src/trace's ladder: synack on the left, the script on the right; the packet the
  // script did not take (the wrong ACK) ends in X.
  std::string l = ladder(o);
  EXPECT_NE(l.find("synack"), std::string::npos) << l;
  EXPECT_NE(l.find("---- SYN,ACK"), std::string::npos) << l;
  EXPECT_NE(l.find("<--- PSH,ACK"), std::string::npos) << l;
}

// The SYN,ACK is retransmitted after the initial RTO of 1 s (RFC 6298 §2.1).
constexpr std::string_view kSynAck = "+0 < S 0:0(0) win 32792 <mss 1000>\n+0 > S. 0:0(0) ack 1 <...>\n";

TEST(Runner, APacketOutsideTheToleranceFails) {
  Outcome o = run(std::string(kListen) + std::string(kSynAck) + "+.5 > S. 0:0(0) ack 1 <...>\n");
  ASSERT_EQ(o.verdict, Verdict::Fail) << ladder(o);
  EXPECT_EQ(o.message, "packet sent too late, at 1");
  Outcome ok = run("--tolerance_usecs=600000\n" + std::string(kListen) + std::string(kSynAck) +
                   "+.5 > S. 0:0(0) ack 1 <...>\n");
  EXPECT_EQ(ok.verdict, Verdict::Pass) << ladder(ok);
  // 12.5 % of a 1.1 s interval covers 0.1 s.
  EXPECT_EQ(run(std::string(kListen) + std::string(kSynAck) + "+1.1 > S. 0:0(0) ack 1 <...>\n").verdict,
            Verdict::Pass);
}

TEST(Runner, AnEarlyPacketFails) {
  Outcome o = run(std::string(kListen) + std::string(kSynAck) + "+1.5 > S. 0:0(0) ack 1 <...>\n");
  ASSERT_EQ(o.verdict, Verdict::Fail) << ladder(o);
  EXPECT_EQ(o.message, "sent at 1, expected at 1.5 (±0.1875)");
}

TEST(Runner, BackToBackSegmentsAreMergedUnlessStrict) {
  std::string text = server("+0 write(4, ..., 3000) = 3000\n+0 > P. 1:3001(3000) ack 1\n");
  Outcome o = run(text);
  EXPECT_EQ(o.verdict, Verdict::Pass) << ladder(o);
  Outcome strict = run("--strict_segments\n" + text);
  ASSERT_EQ(strict.verdict, Verdict::Fail) << ladder(strict);
  EXPECT_NE(strict.message.find("payload length: expected 3000, got 1000"), std::string::npos) << strict.message;
}

TEST(Runner, StateOfAConnectionNotYetAccepted) {
  Outcome o = run(std::string(kListen) +
                  "+0 < S 0:0(0) win 32792 <mss 1000>\n"
                  "+0 > S. 0:0(0) ack 1 <...>\n"
                  "+.1 %{ assert tcpi_state == TCP_SYN_RECV }%\n"
                  "+0 < R 1:1(0) win 0\n"
                  "+.1 %{ assert tcpi_state != TCP_SYN_RECV }%\n"
                  "+0 %{ assert tcpi_state == TCP_CLOSE }%\n");
  EXPECT_EQ(o.verdict, Verdict::Pass) << ladder(o);
}

TEST(Runner, BlockingReadReturnsWhenDataArrives) {
  Outcome o = run(server("+0...0.100 read(4, ..., 100) = 100\n"
                         "+.1 < P. 1:101(100) ack 1 win 20000\n"
                         "+0~+.04 > . 1:1(0) ack 101\n"));
  EXPECT_EQ(o.verdict, Verdict::Pass) << ladder(o);
  Outcome late = run(server("+0...0.050 read(4, ..., 100) = 100\n"
                            "+.1 < P. 1:101(100) ack 1 win 20000\n"));
  ASSERT_EQ(late.verdict, Verdict::Fail) << ladder(late);
  EXPECT_EQ(late.message, "blocking call did not return");
}

TEST(Runner, ActiveOpenNonBlocking) {
  Outcome o = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                  "+0 fcntl(3, F_GETFL) = 0x2\n"
                  "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
                  "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n"
                  "+0 > S 0:0(0) <...>\n"
                  "+0 %{ assert tcpi_state == TCP_SYN_SENT }%\n"
                  "+.1 < S. 0:0(0) ack 1 win 5000 <mss 1000>\n"
                  "+0 > . 1:1(0) ack 1\n"
                  "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0\n"
                  "+0 read(3, ..., 10) = -1 EAGAIN (Resource temporarily unavailable)\n");
  EXPECT_EQ(o.verdict, Verdict::Pass) << ladder(o);
}

TEST(Runner, ConnectionRefusedIsReportedThroughSoError) {
  Outcome o = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                  "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
                  "+0 connect(3, ..., ...) = -1 EINPROGRESS\n"
                  "+0 > S 0:0(0) <...>\n"
                  "+.1 < R. 0:0(0) ack 1 win 0\n"
                  "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0\n"
                  "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0\n");
  EXPECT_EQ(o.verdict, Verdict::Pass) << ladder(o);
}

TEST(Runner, SegmentToAClosedPortGetsARstWrittenWithTheScriptsNumbers) {
  Outcome o = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                  "+0 bind(3, ..., ...) = 0\n"
                  "+.1 < S 0:3(3) win 32767\n"
                  "+0 > R. 0:0(0) ack 4\n"
                  "+.1 < . 17:20(3) ack 34 win 32767\n"
                  "+0 > R 34:34(0)\n");
  EXPECT_EQ(o.verdict, Verdict::Pass) << ladder(o);
}

TEST(Runner, ShellCommandsAreRefusedUnlessKnownNoOps) {
  Outcome o = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 `sysctl -w net.inet.tcp.foo=1`\n");
  ASSERT_EQ(o.verdict, Verdict::Unsupported);
  EXPECT_EQ(o.line, 2);
  EXPECT_NE(o.message.find("sysctl -w net.inet.tcp.foo=1"), std::string::npos) << o.message;
  Outcome ok = run("`../common/defaults.sh`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
  EXPECT_EQ(ok.verdict, Verdict::Pass) << ok.message;
  ASSERT_EQ(ok.notes.size(), 1u);
  EXPECT_NE(ok.notes[0].find("skipped ../common/defaults.sh"), std::string::npos);
}

TEST(Runner, UnsupportedThingsAreNamedAndNeverPass) {
  EXPECT_EQ(run("--tcp_md5_secret=x\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n").verdict, Verdict::Unsupported);
  Outcome poll = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 poll([{fd=3, events=POLLIN}], 1, 0) = 0\n");
  ASSERT_EQ(poll.verdict, Verdict::Unsupported);
  EXPECT_NE(poll.message.find("poll()"), std::string::npos);
  Outcome opt = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                    "+0 setsockopt(3, IPPROTO_TCP, TCP_KEEPINIT, [5], 4) = 0\n");
  ASSERT_EQ(opt.verdict, Verdict::Unsupported);
  EXPECT_NE(opt.message.find("TCP_KEEPINIT"), std::string::npos) << opt.message;
  Outcome py = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 %{ print(tcpi_rto) }%\n");
  EXPECT_EQ(py.verdict, Verdict::Unsupported);
}

TEST(Runner, WrongStateAssertionFails) {
  Outcome o = run(server("+0 %{ assert tcpi_state == TCP_CLOSE_WAIT }%\n"));
  ASSERT_EQ(o.verdict, Verdict::Fail);
  EXPECT_EQ(o.message, "tcpi_state is TCP_ESTABLISHED");
}

TEST(Runner, InsecureSynOptionSwitchesRfc5961Off) {
  // RFC 793: an in-window SYN resets the connection; RFC 5961 §4: a challenge ACK instead.
  std::string body = server("+.1 < S 1:1(0) win 32767\n+0 %{ assert tcpi_state == TCP_CLOSE }%\n");
  Outcome secure = run(body);
  ASSERT_EQ(secure.verdict, Verdict::Fail) << ladder(secure);
  EXPECT_EQ(secure.message, "tcpi_state is TCP_ESTABLISHED");
  Outcome insecure = run("--insecure_syn=1\n" + body);
  EXPECT_EQ(insecure.verdict, Verdict::Pass) << ladder(insecure);
}

TEST(Runner, EndOfScriptResetsTheConnection) {
  Outcome o = run(server(""));
  ASSERT_EQ(o.verdict, Verdict::Pass);
  bool saw = false;
  for (const auto& l : o.log) saw = saw || l.find("end of script: RST") != std::string::npos;
  EXPECT_TRUE(saw) << ladder(o);
}

}  // namespace
}  // namespace synack::pdrill

namespace synack::pdrill {
namespace {

TEST(Runner, TsValIsCheckedAgainstTheTickRateWhenAsked) {
  std::string script =
      "--tcp_ts_tick_usecs=1000\n" + std::string(kListen) +
      "+0 < S 0:0(0) win 32792 <mss 1000,sackOK,TS val 100 ecr 0>\n"
      "+0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 5000 ecr 100>\n"
      "+.1 < . 1:1(0) ack 1 win 20000 <nop,nop,TS val 200 ecr 5000>\n"
      "+0 accept(3, ..., ...) = 4\n"
      "+0 write(4, ..., 10) = 10\n";
  // 100 ms later at 1 ms per tick: TSval 5100 (±4 ms tolerance at most 12.5 % of 0.1 s).
  Outcome ok = run(script + "+0 > P. 1:11(10) ack 1 <nop,nop,TS val 5100 ecr 200>\n");
  EXPECT_EQ(ok.verdict, Verdict::Pass) << ladder(ok);
  Outcome off = run(script + "+0 > P. 1:11(10) ack 1 <nop,nop,TS val 5200 ecr 200>\n");
  ASSERT_EQ(off.verdict, Verdict::Fail) << ladder(off);
  EXPECT_NE(off.message.find("TS val: expected 5200, got 5100"), std::string::npos) << off.message;
}

TEST(Runner, InboundTsEcrNamesAnOutboundTsVal) {
  // The ACK echoes TSval 5000, which the runner maps to the live SYN,ACK's TSval.
  Outcome o = run(std::string(kListen) +
                  "+0 < S 0:0(0) win 32792 <mss 1000,sackOK,TS val 100 ecr 0>\n"
                  "+0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 5000 ecr 100>\n"
                  "+.1 < . 1:1(0) ack 1 win 20000 <nop,nop,TS val 200 ecr 7777>\n");
  ASSERT_EQ(o.verdict, Verdict::Fail);
  EXPECT_NE(o.message.find("unable to infer live TS ecr for script TS ecr 7777"), std::string::npos) << o.message;
}

TEST(Runner, PacketsForOtherConnectionsAreIgnored) {
  // A SYN,ACK to the listener gets a RST from one ephemeral port; the next SYN comes from
  // a new one (a new socket under test), so that RST is not the next packet (as packetdrill).
  Outcome o = run(std::string(kListen) +
                  "+.1 < S. 17:20(3) ack 34 win 32767\n"
                  "+1 < S 0:0(0) win 32767 <mss 1460>\n"
                  "+0 > S. 0:0(0) ack 1 <mss 1460>\n");
  EXPECT_EQ(o.verdict, Verdict::Pass) << ladder(o);
}

TEST(Runner, GsoSplitsLargeInboundSegmentsWithTheMssOption) {
  // --mss=1000: 2000 bytes arrive as two segments of 1000 (packetdrill's inbound GSO).
  auto injected = [](const Outcome& o) {
    std::string s;
    for (const auto& l : o.log) {
      bool data = l.find("000)") != std::string::npos;  // (1000) or (2000): not the handshake's ACK
      if (l.find("script -> synack") != std::string::npos && data) s += l.substr(l.find(" . 1")) + ";";
    }
    return s;
  };
  std::string body = server("+.1 < . 1:2001(2000) ack 1 win 20000\n");
  Outcome split = run("--mss=1000\n" + body);
  ASSERT_EQ(split.verdict, Verdict::Pass) << ladder(split);
  EXPECT_EQ(injected(split), " . 1:1001(1000) ack 1 win 20000; . 1001:2001(1000) ack 1 win 20000;");
  EXPECT_EQ(injected(run(body)), " . 1:2001(2000) ack 1 win 20000;");
}

}  // namespace
}  // namespace synack::pdrill

namespace synack::pdrill {
namespace {

TEST(Runner, TcpNodelayTurnsNagleOff) {
  // Nagle (SHLD-7): a second small segment waits while the first is unacknowledged.
  std::string with_nagle = server(
      "+0 write(4, ..., 10) = 10\n"
      "+0 > P. 1:11(10) ack 1\n"
      "+0 write(4, ..., 10) = 10\n"
      "+.1 < . 1:1(0) ack 11 win 20000\n"
      "+0 > P. 11:21(10) ack 1\n");
  EXPECT_EQ(run(with_nagle).verdict, Verdict::Pass) << ladder(run(with_nagle));
  // TCP_NODELAY (MUST-17): it goes at once.
  std::string nodelay = server(
      "+0 setsockopt(4, SOL_TCP, TCP_NODELAY, [1], 4) = 0\n"
      "+0 getsockopt(4, SOL_TCP, TCP_NODELAY, [1], [4]) = 0\n"
      "+0 write(4, ..., 10) = 10\n"
      "+0 > P. 1:11(10) ack 1\n"
      "+0 write(4, ..., 10) = 10\n"
      "+0 > P. 11:21(10) ack 1\n");
  EXPECT_EQ(run(nodelay).verdict, Verdict::Pass) << ladder(run(nodelay));
}

TEST(Runner, LingerZeroMakesCloseAbort) {
  // ABORT (RFC 9293 §3.10.5): a reset, and the TCB is gone at once (no FIN-WAIT-1).
  Outcome o = run(server("+0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0\n"
                         "+0 close(4) = 0\n"
                         "+0 %{ assert tcpi_state == TCP_CLOSE }%\n"));
  EXPECT_EQ(o.verdict, Verdict::Pass) << ladder(o);
  bool rst = false;
  for (const auto& l : o.log) rst = rst || l.find("script <- synack  R") != std::string::npos;
  EXPECT_TRUE(rst) << ladder(o);
}

TEST(Runner, ErrnoOfCallsOnBadFdsAndUnconnectedSockets) {
  Outcome o = run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                  "+0 close(7) = -1 EBADF (Bad file descriptor)\n"
                  "+0 write(3, ..., 10) = -1 EPIPE (Broken pipe)\n"
                  "+0 read(3, ..., 10) = -1 ENOTCONN (Transport endpoint is not connected)\n"
                  "+0 shutdown(3, SHUT_WR) = -1 ENOTCONN\n"
                  "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0\n");
  EXPECT_EQ(o.verdict, Verdict::Pass) << ladder(o);
}

}  // namespace
}  // namespace synack::pdrill
