// Golden ladders of `synack demo` (no colour). The files under tests/golden
// were written from what RFC 9293 says each segment must be, not copied from
// the program; how each line follows is below.
//
// Common to all three: ISNs 100 (client) and 300 (server); 10 ms one-way
// delay; both hosts advertise MSS 1460, window scale 3 (a 256 KiB receive
// buffer needs a shift of 3 to fit 16 bits), SACK-permitted and timestamps
// (RFC 7323: TSval = ms + ISS * 0x9E3779B1, so 3450571044 for the client and
// 1761778540 for the server at t=0). A SYN's window is never scaled (65535);
// later windows are the receive buffer, 256 KiB rounded up to whole 1460-byte
// segments (262800), >> 3 = 32850. tests/golden/derive_ladders.py writes the
// files from these segments and the ladder's layout rules; the client's port
// (RFC 6056, seed 1) is checked by tests/golden/ephemeral_port.py.
//
// demo_seed.txt (RFC 9293 §3.5 Figure 6, §3.6 Figure 12):
//   SYN seq=100; SYN,ACK seq=300 ack=101; ACK seq=101 ack=301 (3-way).
//   The client sends 1000 bytes only once ESTABLISHED (seq 101, PSH: the queue
//   drains, MUST-61). At the start of a connection the receiver ACKs data at
//   once (quick ACK, as Linux), before its application reads it: ACK
//   ack=1101 with the window shrunk by the unread 1000 bytes (32725); the
//   server then reads and echoes (seq 301, the window full again). The client
//   likewise ACKs the echo (ack=1301), reads it and closes: FIN,ACK seq=1101
//   ack=1301 (FIN-WAIT-1). The server ACKs the FIN on its own
//   (ack=1102, CLOSE-WAIT) before its application reads end of stream and
//   closes (FIN,ACK seq=1301, LAST-ACK). The client's ACK (seq=1102
//   ack=1302) ends the server (CLOSED); the client is CLOSED 2*MSL = 60 s
//   after entering TIME-WAIT at 60 ms.
// demo_simultaneous_open.txt (§3.5 Figure 8): both SYNs cross; each side
//   answers the other's SYN with a SYN,ACK repeating its own SYN (marked as
//   a retransmission: sequence number ISS is sent again, so Karn's rule
//   applies); each SYN,ACK completes the other side (ESTABLISHED) and is
//   acknowledged. The rest as in the seed.
// demo_simultaneous_close.txt (§3.6 Figure 13): both close at 40 ms; each FIN
//   arrives in FIN-WAIT-1 without acknowledging the local FIN: CLOSING, and an
//   ACK (client seq=1102 ack=1302, server seq=1302 ack=1102); each ACK then
//   moves its receiver to TIME-WAIT; both are CLOSED 2*MSL later.
#include <gtest/gtest.h>

#include <string>

#include "demo/run_command.h"

namespace synack::testing {
namespace {

void expect_golden(const std::string& args, const std::string& golden) {
  std::string want = read_file(std::string(SYNACK_GOLDEN_DIR) + "/" + golden);
  ASSERT_FALSE(want.empty()) << "missing golden file " << golden;
  CommandResult r = run_synack("demo --client-isn 100 --server-isn 300 --no-color " + args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, want) << "synack demo " << args << " printed:\n" << r.out;
}

TEST(GoldenLadder, SeedScenarioThreeWayHandshakeEchoFourWayTeardown_Rfc9293_3_5_3_6) {
  expect_golden("", "demo_seed.txt");
}

TEST(GoldenLadder, SimultaneousOpen_Rfc9293_3_5_Figure8) {
  expect_golden("--open simultaneous", "demo_simultaneous_open.txt");
}

TEST(GoldenLadder, SimultaneousClose_Rfc9293_3_6_Figure13) {
  expect_golden("--close both", "demo_simultaneous_close.txt");
}

TEST(DemoOutput, JsonLinesAreTheOnlyOutputAndStartWithTheFirstStateChange) {
  CommandResult r = run_synack("demo --client-isn 100 --server-isn 300 --json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(R"({"t_us":0,"host":"client","event":"state","from":"CLOSED","to":"SYN_SENT")", 0), 0u)
      << r.out.substr(0, 200);
  size_t lines = 0;
  for (char c : r.out) lines += c == '\n';
  EXPECT_GT(lines, 20u);
  EXPECT_EQ(r.out.find("ladder"), std::string::npos);
  EXPECT_EQ(r.out.find("data:"), std::string::npos);  // no summary in JSON mode
}

TEST(DemoOutput, ImpairedRunStillEndsByteExactAndClosed) {
  CommandResult r = run_synack("demo --no-color --bytes 20000 --loss 0.1 --dup 0.05 --reorder 0.05 --corrupt 0.05 --seed 9");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("byte-exact"), std::string::npos);
  EXPECT_NE(r.out.find("both hosts CLOSED"), std::string::npos);
}

// RFC 3168: --ecn negotiates ECN, --ce marks ECN-capable packets; the ladder
// shows the setup flags, the marks and the echo, and nothing is lost.
TEST(DemoOutput, EcnAndCeMarksShowInTheLadder_Rfc3168_6_1) {
  CommandResult r = run_synack("demo --no-color --ecn --ce 0.3 --bytes 20000 --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("SYN,ECE,CWR"), std::string::npos);
  EXPECT_NE(r.out.find("SYN,ACK,ECE"), std::string::npos);
  EXPECT_NE(r.out.find("[CE marked]"), std::string::npos);
  EXPECT_NE(r.out.find("ACK,ECE"), std::string::npos);
  EXPECT_EQ(r.out.find("[retransmission]"), std::string::npos);
  EXPECT_NE(r.out.find("marked CE"), std::string::npos);
}

// --cc cubic gives both hosts CUBIC (RFC 9438): the same seed loses the same
// first packets, but after the first loss CUBIC keeps 0.7 of its window where
// NewReno halves the flight (RFC 5681 eq. 4), so the runs part ways; both
// still deliver every byte.
TEST(DemoOutput, CubicAnswersLossDifferentlyAndStillDeliversEverything_Rfc9438_4_6) {
  const std::string run = "demo --no-color --bytes 300000 --loss 0.03 --seed 2";
  CommandResult reno = run_synack(run);
  CommandResult cubic = run_synack(run + " --cc cubic");
  CommandResult explicit_reno = run_synack(run + " --cc newreno");
  ASSERT_EQ(reno.exit_code, 0) << reno.err;
  ASSERT_EQ(cubic.exit_code, 0) << cubic.err;
  EXPECT_NE(cubic.out.find("byte-exact"), std::string::npos);
  EXPECT_NE(cubic.out, reno.out);
  EXPECT_EQ(explicit_reno.out, reno.out);  // newreno is the default
}

TEST(DemoOutput, FailedRunExitsOne) {
  CommandResult r = run_synack("demo --no-color --loss 1");  // nothing gets through
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("FAILED"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace synack::testing
