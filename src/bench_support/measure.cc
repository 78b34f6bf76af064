#include "bench_support/measure.h"

#include <malloc.h>
#include <cstdlib>
#include <sys/resource.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define SYNACK_HAVE_CALLGRIND 1
#endif
#endif
#ifndef SYNACK_HAVE_CALLGRIND
#define CALLGRIND_TOGGLE_COLLECT
#define CALLGRIND_DUMP_STATS_AT(label) ((void)(label))
#endif

namespace synack::bench {

namespace {
uint64_t clock_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}
}  // namespace

uint64_t mono_ns() { return clock_ns(CLOCK_MONOTONIC); }
uint64_t cpu_ns() { return clock_ns(CLOCK_PROCESS_CPUTIME_ID); }

void Stopwatch::start() {
  if (running_) return;
  running_ = true;
  CALLGRIND_TOGGLE_COLLECT;
  cpu_start_ = bench::cpu_ns();
  wall_start_ = mono_ns();
}

void Stopwatch::stop() {
  if (!running_) return;
  uint64_t w = mono_ns();
  uint64_t c = bench::cpu_ns();
  CALLGRIND_TOGGLE_COLLECT;
  wall_ += w - wall_start_;
  cpu_ += c - cpu_start_;
  running_ = false;
}

uint64_t Stopwatch::wall_ns() const { return wall_ + (running_ ? mono_ns() - wall_start_ : 0); }
uint64_t Stopwatch::cpu_ns() const { return cpu_ + (running_ ? bench::cpu_ns() - cpu_start_ : 0); }

void profile_dump(const char* label) { CALLGRIND_DUMP_STATS_AT(label); }

size_t heap_in_use() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

bool heap_measurable() {
  constexpr size_t kProbe = 1 << 16;
  size_t before = heap_in_use();
  void* volatile p = std::malloc(kProbe);
  size_t after = heap_in_use();
  std::free(p);
  return after >= before + kProbe;
}

size_t peak_rss() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<size_t>(ru.ru_maxrss) * 1024;
}

LoopGuard::LoopGuard(std::string what, uint64_t max_iterations, double timeout_s)
    : what_(std::move(what)),
      max_(max_iterations),
      deadline_ns_(mono_ns() + static_cast<uint64_t>(timeout_s * 1e9)),
      timeout_s_(timeout_s) {}

void LoopGuard::fail(const std::string& why) const { throw BenchError(what_ + ": " + why); }

void LoopGuard::check_time() const {
  if (mono_ns() > deadline_ns_) fail("timeout after " + std::to_string(timeout_s_) + " s");
}

}  // namespace synack::bench
