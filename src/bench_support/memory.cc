#include "bench_support/memory.h"

#include <vector>

#include "bench_support/lifecycle.h"
#include "bench_support/measure.h"
#include "bench_support/net.h"
#include "bench_support/rr_app.h"
#include "tcp/connection.h"
#include "tcp/time_wait.h"

namespace synack::bench {

namespace {

constexpr uint64_t kInFlight = 1024;  // handshakes or closes under way at once

template <class Done>
void drive(BenchNet& net, LoopGuard& guard, Done done) {
  while (!done()) {
    guard.tick();
    if (!net.deliver_one() && !net.stall()) throw BenchError(std::string("memory: deadlock"));
  }
}

uint16_t port_for(const RrConfig& rc, uint64_t i, uint64_t n) {
  return static_cast<uint16_t>(rc.first_port + i * rc.ports / n);
}

// Phase 1: the same N connections ESTABLISHED, then in TIME-WAIT.
void same_connections(const MemoryParams& p, MemoryResult& res) {
  const uint64_t n = p.conns;
  NetConfig nc;
  BenchNet net(nc);
  RrConfig rc;
  rc.request_bytes = rc.response_bytes = 0;  // idle: handshake only
  rc.auto_request = rc.auto_close = false;
  rc.ports = static_cast<uint16_t>(auto_server_ports(n));
  RrApp app(net, rc);
  app.reserve(n + 2048);
  std::vector<ClientRef> refs;
  refs.reserve(n);
  const auto& c = app.counts();
  LoopGuard guard("memory", 10'000'000 + n * 200, p.timeout_s);

  net.set_metering(true);
  for (uint64_t i = 0; i < n; ++i) {
    while (c.started - c.connected >= kInFlight) {
      guard.tick();
      if (!net.deliver_one() && !net.stall()) throw BenchError("memory: deadlock while connecting");
    }
    refs.push_back(app.connect(1, port_for(rc, i, n)));
  }
  drive(net, guard, [&] { return c.connected == n && c.accepted == n && net.in_flight() == 0; });
  if (net.stack(1).connection_count() != n || net.server().connection_count() != n)
    throw BenchError("memory: not every connection is established");
  const int64_t est_client = net.metered(1), est_server = net.metered(0);

  for (uint64_t i = 0; i < n; ++i) {
    while (c.client_closed - c.server_closed >= kInFlight) {
      guard.tick();
      if (!net.deliver_one() && !net.stall()) throw BenchError("memory: deadlock while closing");
    }
    app.close(refs[i]);
  }
  drive(net, guard, [&] { return c.server_closed == n && net.in_flight() == 0; });
  if (net.stack(1).connection_count() != 0 || net.server().connection_count() != 0 ||
      net.stack(1).time_wait_count() != n) {
    throw BenchError(strf("memory: after close: %zu client connections, %zu server connections, %zu TIME-WAIT",
                          net.stack(1).connection_count(), net.server().connection_count(),
                          net.stack(1).time_wait_count()));
  }
  const double dn = static_cast<double>(n);
  res.client_established = static_cast<double>(est_client) / dn;
  res.server_established = static_cast<double>(est_server) / dn;
  res.client_held_time_wait = static_cast<double>(net.metered(1)) / dn;
  res.server_held_after_close = static_cast<double>(net.metered(0)) / dn;
}

// Phase 2: TIME-WAIT entries accumulating while few connections are alive.
void time_wait_accumulation(const MemoryParams& p, MemoryResult& res) {
  const uint64_t n = p.conns;
  // A first round of lifecycles is not metered: it allocates what the stack
  // needs once whatever the count (the first chunk of 1024 slots is 190 KB,
  // 19 B per record at 10k), so the figure is the cost of one more record.
  const uint64_t warmup = 256, total = warmup + n;
  NetConfig nc;
  BenchNet net(nc);
  RrConfig rc;
  rc.request_bytes = rc.response_bytes = 0;
  rc.ports = static_cast<uint16_t>(auto_server_ports(total));
  RrApp app(net, rc);
  app.reserve(2048);
  const auto& c = app.counts();
  LoopGuard guard("memory (TIME-WAIT)", 10'000'000 + total * 200, p.timeout_s);
  auto run_until = [&](uint64_t end) {
    while (c.started < end || c.server_closed < end || net.in_flight() > 0) {
      guard.tick();
      while (c.started < end && c.started - c.server_closed < 64) app.connect(1, port_for(rc, c.started, total));
      if (!net.deliver_one() && !net.stall()) throw BenchError("memory: deadlock in the TIME-WAIT phase");
    }
  };
  run_until(warmup);
  net.set_metering(true);
  run_until(total);
  if (net.stack(1).time_wait_count() != total) throw BenchError("memory: TIME-WAIT records missing");
  res.time_wait_entry = static_cast<double>(net.metered(1)) / static_cast<double>(n);
}

}  // namespace

MemoryResult run_memory(const MemoryParams& p) {
  if (p.conns == 0) throw BenchError("memory: conns must be > 0");
  if (!heap_measurable())
    throw BenchError("memory: mallinfo2 does not see this process's allocations (a sanitizer's allocator?)");
  MemoryResult res;
  res.conns = p.conns;
  res.sizeof_connection = sizeof(tcp::Connection);
  res.sizeof_time_wait_vars = sizeof(tcp::TimeWaitVars);
  same_connections(p, res);
  time_wait_accumulation(p, res);

  Report& r = res.report;
  r.note(strf("synack memory: %llu idle ESTABLISHED pairs, then closed by the client (heap = mallinfo2 "
              "uordblks+hblkhd, metered per stack)",
              (unsigned long long)p.conns));
  r.note(strf("established: client %.1f B/conn, server %.1f B/conn (%.1f B per pair)", res.client_established,
              res.server_established, res.client_established + res.server_established));
  r.note(strf("after close: client %.1f B/conn held (TIME-WAIT records + slot table and demux map kept), server "
              "%.1f B/conn held (connections freed, slots kept)",
              res.client_held_time_wait, res.server_held_after_close));
  r.note(strf("TIME-WAIT entry: %.1f B each (client heap growth over %llu lifecycles after 256 unmetered, <= 64 "
              "alive at a time)",
              res.time_wait_entry, (unsigned long long)p.conns));
  r.note(strf("sizeof(tcp::Connection)=%zu sizeof(tcp::TimeWaitVars)=%zu", res.sizeof_connection,
              res.sizeof_time_wait_vars));
  r.add("conns", p.conns);
  r.add("bytes_per_conn_established", (res.client_established + res.server_established) / 2, 1);
  r.add("bytes_per_conn_time_wait", res.time_wait_entry, 1);
  r.add("bytes_per_pair_established", res.client_established + res.server_established, 1);
  r.add("client_bytes_established", res.client_established, 1);
  r.add("server_bytes_established", res.server_established, 1);
  r.add("client_bytes_time_wait_held", res.client_held_time_wait, 1);
  r.add("server_bytes_after_close_held", res.server_held_after_close, 1);
  r.add("sizeof_connection", uint64_t{res.sizeof_connection});
  r.add("sizeof_time_wait_vars", uint64_t{res.sizeof_time_wait_vars});
  return res;
}

}  // namespace synack::bench
