#define _GNU_SOURCE
#include "anchor_common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define ANCHOR_HAVE_CALLGRIND 1
#endif
#endif
#ifndef ANCHOR_HAVE_CALLGRIND
#define CALLGRIND_TOGGLE_COLLECT
#endif

static uint64_t clock_ns(clockid_t id) {
  struct timespec ts;
  if (clock_gettime(id, &ts) != 0) anchor_die("clock_gettime: %s", strerror(errno));
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t anchor_mono_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
uint64_t anchor_cpu_ns(void) { return clock_ns(CLOCK_PROCESS_CPUTIME_ID); }

void anchor_timer_start(AnchorTimer *t) {
  if (t->running) return;
  t->running = true;
  CALLGRIND_TOGGLE_COLLECT;
  t->cpu_start = anchor_cpu_ns();
  t->wall_start = anchor_mono_ns();
}

void anchor_timer_stop(AnchorTimer *t) {
  if (!t->running) return;
  uint64_t wall = anchor_mono_ns();
  uint64_t cpu = anchor_cpu_ns();
  CALLGRIND_TOGGLE_COLLECT;
  t->wall_ns += wall - t->wall_start;
  t->cpu_ns += cpu - t->cpu_start;
  t->running = false;
}

uint64_t anchor_timer_wall_now(const AnchorTimer *t) {
  return t->wall_ns + (t->running ? anchor_mono_ns() - t->wall_start : 0);
}

/* kAnchorPatternSpan bytes plus one period, so any offset has a full span. */
static uint8_t g_pattern[kAnchorPatternSpan + kAnchorPatternPeriod];

void anchor_pattern_init(void) {
  for (size_t i = 0; i < sizeof g_pattern; ++i) g_pattern[i] = (uint8_t)(i % kAnchorPatternPeriod);
}

const uint8_t *anchor_pattern_at(uint64_t offset) {
  return g_pattern + offset % kAnchorPatternPeriod;
}

bool anchor_pattern_check(const uint8_t *buf, size_t len, uint64_t offset) {
  while (len > 0) {
    size_t n = len < kAnchorPatternSpan ? len : kAnchorPatternSpan;
    if (memcmp(buf, anchor_pattern_at(offset), n) != 0) return false;
    buf += n;
    offset += n;
    len -= n;
  }
  return true;
}

uint64_t anchor_parse_u64(const char *opt, const char *text) {
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno != 0 || end == text || text[0] == '-') anchor_die("%s: bad number '%s'", opt, text);
  uint64_t mult = 1;
  if (strcmp(end, "") == 0) mult = 1;
  else if (strcmp(end, "k") == 0) mult = 1000ull;
  else if (strcmp(end, "M") == 0) mult = 1000000ull;
  else if (strcmp(end, "G") == 0) mult = 1000000000ull;
  else if (strcmp(end, "Ki") == 0) mult = 1ull << 10;
  else if (strcmp(end, "Mi") == 0) mult = 1ull << 20;
  else if (strcmp(end, "Gi") == 0) mult = 1ull << 30;
  else anchor_die("%s: bad suffix in '%s' (use k M G Ki Mi Gi)", opt, text);
  if (v > UINT64_MAX / mult) anchor_die("%s: '%s' is too large", opt, text);
  return (uint64_t)v * mult;
}

void anchor_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fflush(stdout);
  fputs("ERROR: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

int anchor_thread_count(void) {
  FILE *f = fopen("/proc/self/status", "r");
  if (f == NULL) return -1;
  char line[256];
  int threads = -1;
  while (fgets(line, sizeof line, f) != NULL) {
    if (sscanf(line, "Threads: %d", &threads) == 1) break;
  }
  fclose(f);
  return threads;
}
