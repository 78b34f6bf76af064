// Bad command lines get a clear message on stderr and exit code 2 (issue 3).
#include <gtest/gtest.h>

#include <string>

#include "demo/run_command.h"

namespace synack::testing {
namespace {

void expect_usage_error(const std::string& args, const std::string& mentions) {
  CommandResult r = run_synack(args);
  EXPECT_EQ(r.exit_code, 2) << "synack " << args << "\nstdout: " << r.out << "\nstderr: " << r.err;
  EXPECT_NE(r.err.find(mentions), std::string::npos) << "synack " << args << " said: " << r.err;
  EXPECT_EQ(r.out.find("SYN"), std::string::npos) << "no run may start";
}

TEST(DemoArgs, ProbabilityAboveOneIsRejected) { expect_usage_error("demo --loss 2", "--loss"); }
TEST(DemoArgs, NegativeProbabilityIsRejected) { expect_usage_error("demo --corrupt -0.5", "--corrupt"); }
TEST(DemoArgs, CeProbabilityAboveOneIsRejected) { expect_usage_error("demo --ce 1.5", "--ce"); }
TEST(DemoArgs, NegativeByteCountIsRejected) { expect_usage_error("demo --bytes -5", "--bytes"); }
TEST(DemoArgs, UnknownClosePolicyIsRejected) { expect_usage_error("demo --close sideways", "--close"); }
TEST(DemoArgs, UnknownOpenModeIsRejected) { expect_usage_error("demo --open sometimes", "--open"); }
TEST(DemoArgs, UnknownCongestionControlIsRejected) { expect_usage_error("demo --cc vegas", "--cc"); }
// Parsed before any device is touched: no root, no TUN needed to be refused.
TEST(ServeArgs, UnknownCongestionControlIsRejected) {
  expect_usage_error("serve --tun synack-x --addr 10.1.1.1/24 --cc vegas", "--cc");
}
TEST(DemoArgs, UnknownFlagIsRejected) { expect_usage_error("demo --frobnicate", "frobnicate"); }
TEST(DemoArgs, NonNumericSeedIsRejected) { expect_usage_error("demo --seed banana", "--seed"); }
TEST(DemoArgs, IsnBeyond32BitsIsRejected) { expect_usage_error("demo --client-isn 4294967296", "--client-isn"); }
TEST(DemoArgs, TinyMssIsRejected) { expect_usage_error("demo --mss 10", "--mss"); }
TEST(DemoArgs, MissingSubcommandIsRejected) { expect_usage_error("", "subcommand"); }

TEST(DemoArgs, UncreatablePcapFileIsAClearErrorNotACrash) {
  CommandResult r = run_synack("demo --pcap /nonexistent-dir/x.pcap");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot create pcap file '/nonexistent-dir/x.pcap'"), std::string::npos) << r.err;
}

TEST(DemoArgs, HelpListsTheOptionsAndExitsZero) {
  CommandResult r = run_synack("demo --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* opt : {"--client-isn", "--server-isn", "--bytes", "--mss", "--loss", "--dup", "--reorder",
                          "--corrupt", "--delay", "--seed", "--close", "--open", "--pcap", "--json", "--no-color"}) {
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
  }
}

}  // namespace
}  // namespace synack::testing
