#include "bench_support/lifecycle.h"

#include "bench_support/measure.h"
#include "bench_support/net.h"
#include "bench_support/rr_app.h"

namespace synack::bench {

uint32_t auto_server_ports(uint64_t conns) {
  return static_cast<uint32_t>(std::max<uint64_t>(1, (conns + kConnsPerServerPort - 1) / kConnsPerServerPort));
}

namespace {

void check_final_state(BenchNet& net, const RrApp& app, uint64_t n) {
  const auto& c = app.counts();
  if (c.started != n || c.connected != n || c.responded != n || c.client_closed != n || c.accepted != n ||
      c.served != n || c.server_closed != n) {
    throw BenchError(strf("lifecycle incomplete: started %llu connected %llu responded %llu accepted %llu served "
                          "%llu server_closed %llu",
                          (unsigned long long)c.started, (unsigned long long)c.connected,
                          (unsigned long long)c.responded, (unsigned long long)c.accepted,
                          (unsigned long long)c.served, (unsigned long long)c.server_closed));
  }
  stack::Stack& client = net.stack(1);
  stack::Stack& server = net.server();
  // Every server connection is gone (freed by the final ACK); the clients wait in TIME-WAIT.
  if (server.connection_count() != 0) throw BenchError(strf("%zu server connections left", server.connection_count()));
  if (client.connection_count() != 0) throw BenchError(strf("%zu client connections left", client.connection_count()));
  if (client.config().compact_time_wait && client.time_wait_count() != n)
    throw BenchError(strf("%zu TIME-WAIT records, expected %llu", client.time_wait_count(), (unsigned long long)n));
  for (size_t i = 0; i < net.stack_count(); ++i) {
    const auto& k = net.stack(i).counters();
    if (k.drops_total() != 0 || k.rst_out != 0)
      throw BenchError(strf("stack %zu dropped %llu segments and sent %llu RSTs", i,
                            (unsigned long long)k.drops_total(), (unsigned long long)k.rst_out));
  }
}

}  // namespace

LifecycleResult run_lifecycle(const LifecycleParams& p) {
  if (p.conns == 0 || p.concurrency == 0) throw BenchError("lifecycle: conns and concurrency must be > 0");
  LifecycleResult res;
  res.conns = p.conns;
  res.server_ports = p.server_ports ? p.server_ports : auto_server_ports(p.conns);

  NetConfig nc;
  nc.clients = 1;
  BenchNet net(nc);
  RrConfig rc;
  rc.request_bytes = rc.response_bytes = p.request_bytes;
  rc.ports = static_cast<uint16_t>(res.server_ports);
  RrApp app(net, rc);
  const auto& c = app.counts();
  const uint64_t n = p.conns;
  const uint64_t tenth = n / 10;
  uint64_t mark_first = 0, mark_last = 0;

  LoopGuard guard("lifecycle", 1'000'000 + n * (1000 + p.request_bytes / 64), p.timeout_s);
  Stopwatch sw;
  sw.start();
  while (c.started < n || c.server_closed < n || net.in_flight() > 0) {
    guard.tick();
    while (c.started < n && c.started - c.server_closed < p.concurrency) {
      uint64_t port = rc.first_port + c.started * res.server_ports / n;
      app.connect(1, static_cast<uint16_t>(port));
    }
    if (!net.deliver_one() && !net.stall()) throw BenchError("lifecycle: deadlock (wire idle, no timer pending)");
    if (tenth > 0 && mark_first == 0 && c.server_closed == tenth) mark_first = sw.wall_ns();
    if (tenth > 0 && mark_last == 0 && c.server_closed == n - tenth) mark_last = sw.wall_ns();
  }
  sw.stop();
  check_final_state(net, app, n);

  res.wall_s = sw.wall_s();
  res.cpu_s = sw.cpu_s();
  res.packets = net.packets();
  res.stalls = net.stalls();
  res.time_wait_records = net.stack(1).time_wait_count();
  if (tenth > 0 && mark_first > 0 && sw.wall_ns() > mark_last) {
    res.first_tenth_per_s = static_cast<double>(tenth) / (static_cast<double>(mark_first) / 1e9);
    res.last_tenth_per_s = static_cast<double>(tenth) / (static_cast<double>(sw.wall_ns() - mark_last) / 1e9);
  }

  const double dn = static_cast<double>(n);
  Report& r = res.report;
  r.note(strf("synack lifecycle: conns=%llu request_bytes=%u concurrency=%llu server_ports=%u clock=virtual "
              "(1 us per packet) time_wait=%llds",
              (unsigned long long)n, p.request_bytes, (unsigned long long)p.concurrency, res.server_ports,
              (long long)(net.config().stack.tcp.msl.us() * 2 / 1'000'000)));
  r.note(strf("segments_per_conn=%.3f stalls=%llu time_wait_records_at_end=%llu cpu_s=%.4f",
              static_cast<double>(res.packets) / dn, (unsigned long long)res.stalls,
              (unsigned long long)res.time_wait_records, res.cpu_s));
  if (res.first_tenth_per_s > 0)
    r.note(strf("first 10%%: %.0f conn/s, last 10%%: %.0f conn/s (TIME-WAIT records grow 0 -> %llu)",
                res.first_tenth_per_s, res.last_tenth_per_s, (unsigned long long)res.time_wait_records));
  r.add("conns", n);
  r.add("conns_per_s", dn / res.wall_s, 0);
  r.add("cpu_us_per_conn", res.cpu_s * 1e6 / dn, 3);
  r.add("wall_s", res.wall_s, 4);
  r.add("errors", uint64_t{0});
  r.add("request_bytes", uint64_t{p.request_bytes});
  r.add("concurrency", p.concurrency);
  r.add("server_ports", uint64_t{res.server_ports});
  r.add("stalls", res.stalls);
  r.add("time_wait", res.time_wait_records);
  r.add("segments_per_conn", static_cast<double>(res.packets) / dn, 3);
  return res;
}

}  // namespace synack::bench
