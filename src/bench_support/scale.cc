#include "bench_support/scale.h"

#include <algorithm>
#include <vector>

#include "bench_support/measure.h"
#include "bench_support/net.h"
#include "bench_support/rr_app.h"

namespace synack::bench {

namespace {

constexpr uint64_t kGrowInFlight = 4096;

class Scale {
 public:
  Scale(const ScaleParams& p, size_t client_stacks)
      : p_(p), net_(make_config(client_stacks, p.prefetch)), app_(net_, make_rr(p)),
        guard_("scale", 100'000'000 + (p.conns + 2 * p.batch * (p.warmup + p.reps)) * 200, p.timeout_s) {}

  // Grow the idle ESTABLISHED population to `live` pairs.
  void grow_to(uint64_t live) {
    const auto& c = app_.counts();
    while (background_ < live) {
      while (c.started - c.connected >= kGrowInFlight) step();
      app_.connect(next_stack(), kPort);
      ++background_;
    }
    drive([&] { return c.connected == c.started && c.accepted == c.started && net_.in_flight() == 0; });
    if (net_.server().connection_count() != background_)
      throw BenchError(strf("scale: %zu server connections, expected %llu", net_.server().connection_count(),
                            (unsigned long long)background_));
  }

  // Let the timers the population left behind fire (not timed): the stack
  // moves a timer only when it gets earlier, so every connect leaves its SYN
  // retransmission entry in the wheel until it expires, rto_initial later.
  // Without this, the expiries of the last second of growth would be charged
  // to the batches measured right after it. Returns the CPU seconds it took.
  double settle() {
    uint64_t c0 = cpu_ns();
    net_.advance(net_.config().stack.tcp.rto_initial + base::Duration::seconds(1), guard_);
    return static_cast<double>(cpu_ns() - c0) / 1e9;
  }

  ScalePoint measure() {
    ScalePoint pt;
    pt.live = background_;
    std::vector<double> cpu[3], wall[3];
    std::vector<ClientRef> refs;
    refs.reserve(p_.batch);
    const auto& c = app_.counts();
    const double m = static_cast<double>(p_.batch);
    for (uint32_t rep = 0; rep < p_.warmup + p_.reps; ++rep) {
      refs.clear();
      Stopwatch sw[3];
      sw[0].start();
      for (uint64_t i = 0; i < p_.batch; ++i) refs.push_back(app_.connect(next_stack(), kPort));
      drive([&] { return c.connected == c.started && c.accepted == c.started && net_.in_flight() == 0; });
      sw[0].stop();
      uint64_t responded = c.responded + p_.batch;
      sw[1].start();
      for (const auto& r : refs) app_.request(r);
      drive([&] { return c.responded == responded && net_.in_flight() == 0; });
      sw[1].stop();
      uint64_t closed = c.server_closed + p_.batch;
      sw[2].start();
      for (const auto& r : refs) app_.close(r);
      drive([&] { return c.server_closed == closed && net_.in_flight() == 0; });
      sw[2].stop();
      if (rep < p_.warmup) continue;  // caches, predictors and the heap's first touches
      for (int k = 0; k < 3; ++k) {
        cpu[k].push_back(static_cast<double>(sw[k].cpu_ns()) / 1e3 / m);
        wall[k].push_back(static_cast<double>(sw[k].wall_ns()) / 1e3 / m);
      }
    }
    if (net_.server().connection_count() != background_)
      throw BenchError("scale: batch connections left on the server");
    pt.connect_us = median(cpu[0]);
    pt.reqresp_us = median(cpu[1]);
    pt.close_us = median(cpu[2]);
    pt.connect_wall_us = median(wall[0]);
    pt.reqresp_wall_us = median(wall[1]);
    pt.close_wall_us = median(wall[2]);
    return pt;
  }

  size_t time_wait_records() {
    size_t n = 0;
    for (size_t i = 1; i < net_.stack_count(); ++i) n += net_.stack(i).time_wait_count();
    return n;
  }
  uint64_t packets() const { return net_.packets(); }

 private:
  static constexpr uint16_t kPort = 5001;

  static NetConfig make_config(size_t clients, bool prefetch) {
    NetConfig nc;
    nc.clients = clients;
    nc.prefetch = prefetch;
    return nc;
  }
  static RrConfig make_rr(const ScaleParams& p) {
    RrConfig rc;
    rc.request_bytes = rc.response_bytes = p.request_bytes;
    rc.auto_request = rc.auto_close = false;
    rc.first_port = kPort;
    return rc;
  }
  static double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t k = v.size();
    return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
  }
  size_t next_stack() {
    size_t s = 1 + rr_ % (net_.stack_count() - 1);
    ++rr_;
    return s;
  }
  void step() {
    guard_.tick();
    if (!net_.deliver_one() && !net_.stall()) throw BenchError("scale: deadlock (wire idle, no timer pending)");
  }
  template <class Done>
  void drive(Done done) {
    while (!done()) step();
  }

  ScaleParams p_;
  BenchNet net_;
  RrApp app_;
  LoopGuard guard_;
  uint64_t background_ = 0;
  uint64_t rr_ = 0;
};

}  // namespace

ScaleResult run_scale(const ScaleParams& p) {
  if (p.conns == 0 || p.batch == 0 || p.reps == 0) throw BenchError("scale: counts must be > 0");
  if (p.small > p.conns) throw BenchError("scale: the small population exceeds --conns");
  ScaleResult res;
  uint64_t total = p.conns + 2 * p.batch * (p.warmup + p.reps);
  res.client_stacks = static_cast<size_t>(std::max<uint64_t>(1, (total + kConnsPerClientStack - 1) / kConnsPerClientStack));
  Scale s(p, res.client_stacks);

  s.grow_to(p.small);
  s.settle();
  res.small = s.measure();
  profile_dump("scale: small population");  // under callgrind, one profile part per population
  uint64_t cpu0 = cpu_ns();
  s.grow_to(p.conns);
  res.build_cpu_s = static_cast<double>(cpu_ns() - cpu0) / 1e9;
  res.settle_cpu_s = s.settle();
  res.large = s.measure();
  profile_dump("scale: large population");

  const ScalePoint& a = res.small;
  const ScalePoint& b = res.large;
  auto ratio = [](double x, double y) { return y > 0 ? x / y : 0.0; };
  double rc = ratio(b.connect_us, a.connect_us), rr = ratio(b.reqresp_us, a.reqresp_us),
         rl = ratio(b.close_us, a.close_us);
  Report& r = res.report;
  r.note(strf("synack scale: one server stack, %zu client stacks (<= %llu connections each), batches of %llu x %u "
              "after %u untimed, request_bytes=%u, receive prefetch %s",
              res.client_stacks, (unsigned long long)kConnsPerClientStack, (unsigned long long)p.batch, p.reps,
              p.warmup,
              p.request_bytes, p.prefetch ? "on" : "off"));
  for (const ScalePoint* pt : {&a, &b}) {
    r.note(strf("live=%llu: connect+handshake %.3f us/op, request+response %.3f us/op, close %.3f us/op (CPU, "
                "median); wall %.3f / %.3f / %.3f us/op",
                (unsigned long long)pt->live, pt->connect_us, pt->reqresp_us, pt->close_us, pt->connect_wall_us,
                pt->reqresp_wall_us, pt->close_wall_us));
  }
  r.note(strf("growing to %llu live pairs took %.2f CPU s, then %.2f CPU s for the timers it left to fire "
              "(not timed); TIME-WAIT records at the end: %zu; peak RSS %.0f MB",
              (unsigned long long)p.conns, res.build_cpu_s, res.settle_cpu_s, s.time_wait_records(),
              static_cast<double>(peak_rss()) / 1e6));
  r.add("conns", p.conns);
  r.add("small", p.small);
  r.add("batch", p.batch);
  r.add("reps", uint64_t{p.reps});
  r.add("warmup", uint64_t{p.warmup});
  r.add("client_stacks", uint64_t{res.client_stacks});
  r.add("prefetch", uint64_t{p.prefetch});
  r.add("connect_us_small", a.connect_us, 3);
  r.add("connect_us_large", b.connect_us, 3);
  r.add("connect_ratio", rc, 3);
  r.add("reqresp_us_small", a.reqresp_us, 3);
  r.add("reqresp_us_large", b.reqresp_us, 3);
  r.add("reqresp_ratio", rr, 3);
  r.add("close_us_small", a.close_us, 3);
  r.add("close_us_large", b.close_us, 3);
  r.add("close_ratio", rl, 3);
  r.add("worst_ratio", std::max({rc, rr, rl}), 3);
  r.add("build_cpu_s", res.build_cpu_s, 2);
  r.add("settle_cpu_s", res.settle_cpu_s, 2);
  r.add("peak_rss_mb", static_cast<double>(peak_rss()) / 1e6, 0);
  r.add("errors", uint64_t{0});
  return res;
}

}  // namespace synack::bench
