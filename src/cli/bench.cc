// `synack bench`: the benchmarks that bench/compare.sh runs next to the lwIP
// and Linux anchors. Each prints "# ..." lines for people and, last, one
// `RESULT impl=synack bench=... key=value ...` line for scripts.
//
//   synack bench lifecycle --conns N [--request-bytes B] [--concurrency K]
//   synack bench bulk --bytes N [--mss M]
//   synack bench memory --conns N
//   synack bench scale --conns 1000000
//
// Wrong arguments: a message and exit 2. A benchmark that fails (a
// connection error, a data mismatch, a loop out of bounds): exit 1.
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "bench_support/bulk.h"
#include "bench_support/count.h"
#include "bench_support/lifecycle.h"
#include "bench_support/measure.h"
#include "bench_support/memory.h"
#include "bench_support/scale.h"
#include "cli/commands.h"

namespace synack::cli {

namespace {

// Accepts the anchors' suffixes (100k, 1Gi) and rewrites the value as a plain number.
CLI::Validator count_suffixes() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        auto v = bench::parse_count(s);
        if (!v) return "'" + s + "' is not a count (digits with an optional k M G Ki Mi Gi suffix)";
        s = std::to_string(*v);
        return {};
      },
      "COUNT", "count");
}

CLI::Option* add_count(CLI::App* app, const std::string& name, uint64_t& v, const std::string& help, uint64_t lo,
                       uint64_t hi) {
  return app->add_option(name, v, help)->transform(count_suffixes())->check(CLI::Range(lo, hi));
}

void add_timeout(CLI::App* app, double& timeout_s) {
  app->add_option("--timeout", timeout_s, "give up after this many seconds of wall time (exit 1)")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
}

// Runs a benchmark; prints its report, or the error (exit 1).
void run(ExitCode& exit_code, const std::function<bench::Report()>& f) {
  try {
    bench::Report r = f();
    std::fputs(r.text().c_str(), stdout);
    std::fflush(stdout);
    exit_code.value = 0;
  } catch (const bench::BenchError& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "synack bench: %s\n", e.what());
    exit_code.value = 1;
  }
}

void register_lifecycle(CLI::App* bench, ExitCode& exit_code) {
  auto* cmd = bench->add_subcommand(
      "lifecycle",
      "N connection lifecycles between two stacks in one process: handshake, request, response, the client closes "
      "first; TIME-WAIT records accumulate as the stack keeps them");
  auto p = std::make_shared<bench::LifecycleParams>();
  auto ports = std::make_shared<uint64_t>(0);
  add_count(cmd, "--conns", p->conns, "number of connections", 1, 10'000'000)->required();
  cmd->add_option("--request-bytes", p->request_bytes, "bytes in the request and in the response (0: none)")
      ->check(CLI::Range(0u, 16u << 20))
      ->capture_default_str();
  add_count(cmd, "--concurrency", p->concurrency, "connections under way at once", 1, 1'000'000)
      ->capture_default_str();
  add_count(cmd, "--server-ports", *ports,
            "server ports the clients spread over (default: one per 16000 connections)", 0, 60'000);
  add_timeout(cmd, p->timeout_s);
  cmd->callback([p, ports, &exit_code] {
    p->server_ports = static_cast<uint32_t>(*ports);
    if (p->server_ports != 0 && (p->conns + p->server_ports - 1) / p->server_ports > 16384) {
      throw CLI::ValidationError("--server-ports",
                                 "too few server ports: each offers 16384 ephemeral ports, need at least " +
                                     std::to_string((p->conns + 16383) / 16384));
    }
    run(exit_code, [&] { return bench::run_lifecycle(*p).report; });
  });
}

void register_bulk(CLI::App* bench, ExitCode& exit_code) {
  auto* cmd = bench->add_subcommand(
      "bulk", "one connection, N bytes copied in by the sending app and out (32 KiB buffer, verified) by the receiver");
  auto p = std::make_shared<bench::BulkParams>();
  add_count(cmd, "--bytes", p->bytes, "payload bytes (suffixes k M G Ki Mi Gi)", 1, uint64_t{1} << 40)->required();
  cmd->add_option("--mss", p->mss, "MSS; the MTU is MSS + 40 (65495 gives 64 KiB packets)")
      ->check(CLI::Range(64u, 65495u))
      ->capture_default_str();
  add_timeout(cmd, p->timeout_s);
  cmd->callback([p, &exit_code] { run(exit_code, [&] { return bench::run_bulk(*p).report; }); });
}

void register_memory(CLI::App* bench, ExitCode& exit_code) {
  auto* cmd = bench->add_subcommand(
      "memory", "heap per connection: N idle ESTABLISHED pairs, then the same N in TIME-WAIT (mallinfo2)");
  auto p = std::make_shared<bench::MemoryParams>();
  add_count(cmd, "--conns", p->conns, "number of connection pairs", 1, 2'000'000)->required();
  add_timeout(cmd, p->timeout_s);
  cmd->callback([p, &exit_code] { run(exit_code, [&] { return bench::run_memory(*p).report; }); });
}

void register_scale(CLI::App* bench, ExitCode& exit_code) {
  auto* cmd = bench->add_subcommand(
      "scale", "time per lifecycle operation with 1k and with N (e.g. 1M) concurrent connections in one process");
  auto p = std::make_shared<bench::ScaleParams>();
  add_count(cmd, "--conns", p->conns, "the large population of concurrent connections", 1, 4'000'000)
      ->capture_default_str();
  add_count(cmd, "--small", p->small, "the small population", 1, 4'000'000)->capture_default_str();
  add_count(cmd, "--batch", p->batch, "connections per timed batch", 1, 100'000)->capture_default_str();
  cmd->add_option("--reps", p->reps, "timed batches per population (median reported)")
      ->check(CLI::Range(1u, 100u))
      ->capture_default_str();
  cmd->add_option("--warmup", p->warmup, "untimed batches before the timed ones, per population")
      ->check(CLI::Range(0u, 100u))
      ->capture_default_str();
  cmd->add_option("--request-bytes", p->request_bytes, "bytes in the request and in the response")
      ->check(CLI::Range(1u, 1u << 20))
      ->capture_default_str();
  cmd->add_flag("!--no-prefetch", p->prefetch, "deliver packets without the receive prefetch hints (A/B)");
  p->timeout_s = 1800;
  add_timeout(cmd, p->timeout_s);
  cmd->callback([p, &exit_code] {
    if (p->small > p->conns) throw CLI::ValidationError("--small", "must not exceed --conns");
    run(exit_code, [&] { return bench::run_scale(*p).report; });
  });
}

}  // namespace

void register_bench(CLI::App& app, ExitCode& exit_code) {
  auto* bench = app.add_subcommand(
      "bench",
      "benchmarks (two stacks in one process on an in-memory wire); the last output line is "
      "`RESULT impl=synack bench=... key=value ...`");
  bench->require_subcommand(1);
  register_lifecycle(bench, exit_code);
  register_bulk(bench, exit_code);
  register_memory(bench, exit_code);
  register_scale(bench, exit_code);
}

}  // namespace synack::cli
