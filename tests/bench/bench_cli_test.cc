// `synack bench` arguments: wrong ones are rejected while parsing (main()
// turns CLI::ParseError into exit code 2); good ones run the benchmark.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/commands.h"

namespace synack::cli {
void register_bench(CLI::App& app, ExitCode& exit_code);

namespace {

// Parses argv (without the program name); returns "" or the parse error's name.
std::string parse(std::vector<std::string> args, ExitCode& code) {
  CLI::App app{"test", "synack"};
  app.require_subcommand(1);
  register_bench(app, code);
  std::vector<const char*> argv{"synack"};
  for (auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return e.get_name();
  }
  return "";
}

TEST(BenchCli, RejectsBadArguments) {
  const std::vector<std::vector<std::string>> bad = {
      {"bench"},                                                // no benchmark named
      {"bench", "nonsense"},
      {"bench", "lifecycle"},                                   // --conns is required
      {"bench", "lifecycle", "--conns", "0"},
      {"bench", "lifecycle", "--conns", "ten"},
      {"bench", "lifecycle", "--conns", "10", "--concurrency", "0"},
      {"bench", "lifecycle", "--conns", "10", "--request-bytes", "-1"},
      {"bench", "lifecycle", "--conns", "100000", "--server-ports", "2"},  // 50000 per port > 16384
      {"bench", "lifecycle", "--conns", "10", "--timeout", "0"},
      {"bench", "bulk"},
      {"bench", "bulk", "--bytes", "0"},
      {"bench", "bulk", "--bytes", "1Q"},
      {"bench", "bulk", "--bytes", "10", "--mss", "63"},
      {"bench", "bulk", "--bytes", "10", "--mss", "65496"},
      {"bench", "memory", "--conns", "0"},
      {"bench", "scale", "--conns", "100", "--small", "1000"},
      {"bench", "scale", "--reps", "0"},
      {"bench", "scale", "--warmup", "101"},
      {"bench", "lifecycle", "--conns", "10", "--bogus"},
  };
  for (const auto& args : bad) {
    ExitCode code;
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_NE(parse(args, code), "") << joined;
  }
}

TEST(BenchCli, RunsWithGoodArguments) {
  ExitCode code;
  code.value = 99;
  testing::internal::CaptureStdout();
  EXPECT_EQ(parse({"bench", "lifecycle", "--conns", "1k", "--concurrency", "4"}, code), "");
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(code.value, 0);
  // The last line is the machine-readable one.
  ASSERT_FALSE(out.empty());
  std::string last = out.substr(out.rfind('\n', out.size() - 2) + 1);
  EXPECT_EQ(last.rfind("RESULT impl=synack bench=lifecycle conns=1000 ", 0), 0u) << last;

  code.value = 99;
  testing::internal::CaptureStdout();
  EXPECT_EQ(parse({"bench", "bulk", "--bytes", "1Mi", "--mss", "65495"}, code), "");
  out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(code.value, 0);
  EXPECT_NE(out.find("RESULT impl=synack bench=bulk bytes=1048576 "), std::string::npos) << out;
}

}  // namespace
}  // namespace synack::cli
