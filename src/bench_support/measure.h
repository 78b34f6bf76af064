#pragma once
// Measuring tools for the benchmarks: a stopwatch over wall time and process CPU
// time that also switches callgrind's collection (so `valgrind --tool=callgrind
// --collect-atstart=no` counts exactly the timed region, as with the anchors),
// the heap in use (glibc mallinfo2), and a guard that bounds every loop in
// iterations and in wall time.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace synack::bench {

// A benchmark could not do its job (data mismatch, a connection failed, a loop
// ran out of iterations or time). The CLI prints it and exits 1.
class BenchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

uint64_t mono_ns();
uint64_t cpu_ns();  // CLOCK_PROCESS_CPUTIME_ID

class Stopwatch {
 public:
  void start();
  void stop();
  bool running() const { return running_; }
  // Accumulated so far (including a running interval).
  uint64_t wall_ns() const;
  uint64_t cpu_ns() const;
  double wall_s() const { return static_cast<double>(wall_ns()) / 1e9; }
  double cpu_s() const { return static_cast<double>(cpu_ns()) / 1e9; }

 private:
  uint64_t wall_ = 0, cpu_ = 0;
  uint64_t wall_start_ = 0, cpu_start_ = 0;
  bool running_ = false;
};

// Under callgrind: write the counts collected so far to a separate profile
// part labelled `label` and start counting afresh (so the phases of one run
// can be compared). Does nothing otherwise.
void profile_dump(const char* label);

// Bytes of heap in use: mallinfo2 uordblks + hblkhd (the anchors' measure).
size_t heap_in_use();
// Whether heap_in_use() sees allocations (not under a sanitizer's allocator).
bool heap_measurable();

// Peak resident set size of the process, in bytes.
size_t peak_rss();

// Bounds a loop: at most `max_iterations` calls to tick(), and at most
// `timeout_s` of wall time (checked every 1024 ticks). Throws BenchError.
class LoopGuard {
 public:
  LoopGuard(std::string what, uint64_t max_iterations, double timeout_s);
  void tick() {
    if (++n_ > max_) fail("no completion after " + std::to_string(max_) + " iterations");
    if ((n_ & 1023) == 0) check_time();
  }
  uint64_t iterations() const { return n_; }

 private:
  [[noreturn]] void fail(const std::string& why) const;
  void check_time() const;
  std::string what_;
  uint64_t n_ = 0;
  uint64_t max_;
  uint64_t deadline_ns_;
  double timeout_s_;
};

}  // namespace synack::bench
