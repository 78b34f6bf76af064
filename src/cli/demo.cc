// synack demo: a client and a server on the simulated network, connect, echo
// --bytes bytes, close, wait out TIME-WAIT on virtual time; shown as a ladder
// diagram (or JSON lines). Exit 0 only when the data arrived byte-exact both
// ways and both hosts ended CLOSED.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "cli/cc_option.h"
#include "cli/commands.h"
#include "link/pcap_recorder.h"
#include "sim/echo_scenario.h"
#include "trace/json_lines.h"
#include "trace/ladder.h"
#include "trace/trace.h"

namespace synack::cli {

namespace {

struct DemoOptions {
  uint32_t client_isn = 0;
  uint32_t server_isn = 0;
  uint64_t bytes = 1000;
  uint16_t mss = 1460;
  uint16_t mtu = 1500;
  double loss = 0, dup = 0, reorder = 0, corrupt = 0, ce = 0;
  bool ecn = false;
  std::string cc = "newreno";
  double delay_ms = 10;
  double jitter_ms = 0;
  double bandwidth_mbit = 0;
  double msl_s = 30;
  double user_timeout_s = 0;
  uint64_t seed = 1;
  std::string close = "client";
  std::string open = "normal";
  std::string pcap;
  bool json = false;
  bool no_color = false;
  CLI::Option* client_isn_opt = nullptr;
  CLI::Option* server_isn_opt = nullptr;
};

base::Duration from_millis(double ms) { return base::Duration::micros(std::llround(ms * 1000.0)); }

sim::EchoConfig echo_config(const DemoOptions& o) {
  sim::EchoConfig c;
  c.seed = o.seed;
  c.bytes = o.bytes;
  if (o.client_isn_opt->count() > 0) c.client_isn = o.client_isn;
  if (o.server_isn_opt->count() > 0) c.server_isn = o.server_isn;
  c.mss = o.mss;
  c.mtu = o.mtu;
  c.msl = from_millis(o.msl_s * 1000.0);
  if (o.user_timeout_s > 0) c.user_timeout = from_millis(o.user_timeout_s * 1000.0);
  c.link.delay = from_millis(o.delay_ms);
  c.link.jitter = from_millis(o.jitter_ms);
  c.link.bandwidth_bps = static_cast<uint64_t>(std::llround(o.bandwidth_mbit * 1e6));
  c.link.loss = o.loss;
  c.link.duplicate = o.dup;
  c.link.reorder = o.reorder;
  c.link.corrupt = o.corrupt;
  c.link.ce_mark = o.ce;
  c.ecn = o.ecn;
  c.congestion_control = cc_algorithm(o.cc);
  c.open = o.open == "simultaneous" ? sim::OpenMode::Simultaneous : sim::OpenMode::Normal;
  c.close = o.close == "server" ? sim::CloseMode::Server
            : o.close == "both" ? sim::CloseMode::Both
                                : sim::CloseMode::Client;
  return c;
}

bool use_color(const DemoOptions& o) {
  const char* no_color = std::getenv("NO_COLOR");
  return !o.no_color && !o.json && isatty(STDOUT_FILENO) && !(no_color && *no_color);
}

std::string seconds(base::Instant t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(t.us()) / 1e6);
  return buf;
}

void print_summary(const DemoOptions& o, const sim::EchoResult& r) {
  const auto& a = r.to_server_link;
  const auto& b = r.to_client_link;
  std::printf("\n");
  std::printf("data: %llu bytes client -> server, %llu bytes server -> client (of %llu)%s\n",
              static_cast<unsigned long long>(r.to_server), static_cast<unsigned long long>(r.to_client),
              static_cast<unsigned long long>(o.bytes), r.ok ? ", byte-exact" : "");
  // The CE count only when the link marks (--ce), so the default summary stays short.
  std::string ce = o.ce > 0 ? ", " + std::to_string(a.ce_marked + b.ce_marked) + " marked CE" : "";
  std::printf("segments: client sent %llu, server sent %llu; link: %llu lost, %llu duplicated, "
              "%llu reordered, %llu corrupted%s; dropped at the hosts: %llu\n",
              static_cast<unsigned long long>(r.client_counters.tcp_out),
              static_cast<unsigned long long>(r.server_counters.tcp_out),
              static_cast<unsigned long long>(a.lost + b.lost + a.too_big + b.too_big),
              static_cast<unsigned long long>(a.duplicated + b.duplicated),
              static_cast<unsigned long long>(a.reordered + b.reordered),
              static_cast<unsigned long long>(a.corrupted + b.corrupted), ce.c_str(),
              static_cast<unsigned long long>(r.client_counters.drops_total() + r.server_counters.drops_total()));
  if (r.ok) {
    std::printf("end: both hosts CLOSED at %s of virtual time (TIME-WAIT lasts 2*MSL = %g s)\n",
                seconds(r.finished).c_str(), 2 * o.msl_s);
  }
}

int run_demo(const DemoOptions& o) {
  std::unique_ptr<link::PcapRecorder> pcap;
  if (!o.pcap.empty()) {
    auto rec = link::PcapRecorder::create(o.pcap);
    if (!rec) {
      std::fprintf(stderr, "synack demo: %s\n", rec.error().message().c_str());
      return 2;
    }
    pcap = std::move(*rec);
  }
  trace::Trace tr;
  sim::EchoWatchers watch;
  watch.client = &tr.observer("client");
  watch.server = &tr.observer("server");
  watch.link = &tr;
  watch.pcap = pcap.get();
  sim::EchoResult r = sim::run_echo(echo_config(o), watch);

  if (o.json) {
    trace::write_json_lines(tr, std::cout);
  } else {
    std::cout << trace::render_ladder(tr, {use_color(o), 0, 1});
    std::cout.flush();
    print_summary(o, r);
  }
  std::fflush(stdout);
  if (pcap) {
    if (auto closed = pcap->close(); !closed) {
      std::fprintf(stderr, "synack demo: %s\n", closed.error().message().c_str());
      return 1;
    }
  }
  if (!r.ok) {
    std::fprintf(stderr, "synack demo: FAILED: %s\n", r.problem.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

void register_demo(CLI::App& app, ExitCode& exit_code) {
  auto o = std::make_shared<DemoOptions>();
  CLI::App* sub = app.add_subcommand(
      "demo",
      "Watch one TCP connection's whole life on a simulated network: 3-way handshake, an echo of "
      "--bytes bytes, 4-way teardown, TIME-WAIT (on virtual time). Client 10.0.0.1, server 10.0.0.2:80.");
  o->client_isn_opt = sub->add_option("--client-isn", o->client_isn,
                                      "Client's initial sequence number (default: RFC 6528, keyed from --seed)");
  o->server_isn_opt = sub->add_option("--server-isn", o->server_isn,
                                      "Server's initial sequence number (default: RFC 6528, keyed from --seed)");
  sub->add_option("--bytes", o->bytes, "Bytes the client sends and the server echoes")
      ->capture_default_str()->check(CLI::Range(uint64_t{0}, uint64_t{1} << 30));
  sub->add_option("--mss", o->mss, "MSS both hosts advertise (capped by the MTU)")
      ->capture_default_str()->check(CLI::Range(64, 65495));
  sub->add_option("--mtu", o->mtu, "MTU of both hosts and the link")
      ->capture_default_str()->check(CLI::Range(108, 65535));
  sub->add_option("--loss", o->loss, "Probability that a packet is lost")->check(CLI::Range(0.0, 1.0));
  sub->add_option("--dup", o->dup, "Probability that a packet is duplicated")->check(CLI::Range(0.0, 1.0));
  sub->add_option("--reorder", o->reorder, "Probability that a packet is held back (reordered)")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--corrupt", o->corrupt, "Probability that a byte of a packet is changed")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--ce", o->ce,
                  "Probability that an ECN-capable packet is marked CE (congestion experienced) instead of "
                  "dropped; with --ecn the hosts then slow down without losing anything")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_flag("--ecn", o->ecn, "Both hosts offer and accept ECN (RFC 3168)");
  add_cc_option(*sub, o->cc, "Congestion control of both hosts");
  sub->add_option("--delay", o->delay_ms, "One-way delay in milliseconds")
      ->capture_default_str()->check(CLI::Range(0.0, 60000.0));
  sub->add_option("--jitter", o->jitter_ms, "Extra random delay in milliseconds (order is kept)")
      ->check(CLI::Range(0.0, 60000.0));
  sub->add_option("--bandwidth", o->bandwidth_mbit, "Link rate in Mbit/s (0: unlimited)")
      ->check(CLI::Range(0.0, 1e6));
  sub->add_option("--msl", o->msl_s, "Maximum segment lifetime in seconds; TIME-WAIT lasts 2*MSL")
      ->capture_default_str()->check(CLI::Range(0.0, 3600.0));
  sub->add_option("--user-timeout", o->user_timeout_s,
                  "R2 in seconds: how long to retransmit before giving up (default: 100, SYN 180)")
      ->check(CLI::Range(1.0, 86400.0));
  sub->add_option("--seed", o->seed, "Seed of every random choice (same seed, same run)")->capture_default_str();
  sub->add_option("--close", o->close, "Who closes first: client, server, or both at once (simultaneous close)")
      ->capture_default_str()->check(CLI::IsMember({"client", "server", "both"}));
  sub->add_option("--open", o->open, "normal (server listens) or simultaneous (both connect at once)")
      ->capture_default_str()->check(CLI::IsMember({"normal", "simultaneous"}));
  sub->add_option("--pcap", o->pcap, "Write the packets seen at the client's interface to this pcap file");
  sub->add_flag("--json", o->json, "JSON lines on stdout instead of the ladder diagram");
  sub->add_flag("--no-color", o->no_color, "No ANSI colours (also when NO_COLOR is set or stdout is not a terminal)");
  sub->callback([o, &exit_code] { exit_code.value = run_demo(*o); });
}

}  // namespace synack::cli
