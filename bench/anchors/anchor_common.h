/* Shared helpers for the benchmark anchors (lwip_anchor, linux_anchor):
 * clocks, the verification byte pattern, option parsing, fatal errors and
 * callgrind toggles. Plain C so the anchors stay independent of synack. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- clocks --------------------------------------------------------------- */

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t anchor_mono_ns(void);
/* CLOCK_PROCESS_CPUTIME_ID in nanoseconds: every thread of the process, and,
 * for the kernel anchor, the softirq work the kernel runs in our context. */
uint64_t anchor_cpu_ns(void);

/* A stopwatch that can be paused (lwIP purges run outside the timing).
 * While running it also enables callgrind collection, so that
 * `valgrind --tool=callgrind --collect-atstart=no` counts exactly the timed
 * region. */
typedef struct {
  uint64_t wall_ns;  /* accumulated */
  uint64_t cpu_ns;   /* accumulated */
  uint64_t wall_start;
  uint64_t cpu_start;
  bool running;
} AnchorTimer;

void anchor_timer_start(AnchorTimer *t);
void anchor_timer_stop(AnchorTimer *t);
/* Wall time so far, including the running segment. */
uint64_t anchor_timer_wall_now(const AnchorTimer *t);

/* ---- verification pattern ------------------------------------------------- */

/* Byte at stream offset o is (o % 251), a prime period so it never lines up
 * with segment or buffer sizes. anchor_pattern_at(o) points at a buffer that
 * holds at least kAnchorPatternSpan correct bytes starting at offset o. */
enum { kAnchorPatternPeriod = 251, kAnchorPatternSpan = 1 << 17 };
void anchor_pattern_init(void);
const uint8_t *anchor_pattern_at(uint64_t offset);
/* true when buf[0..len) equals the pattern starting at stream offset. */
bool anchor_pattern_check(const uint8_t *buf, size_t len, uint64_t offset);

/* ---- options and errors ---------------------------------------------------- */

/* Parses an unsigned integer with an optional suffix: k/M/G (powers of 1000)
 * or Ki/Mi/Gi (powers of 1024). Exits with a message on a malformed value. */
uint64_t anchor_parse_u64(const char *opt, const char *text);

/* Prints "ERROR: ..." to stderr and exits with status 1. */
void anchor_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Number of threads of this process (from /proc/self/status). */
int anchor_thread_count(void);
