/* linux_anchor: the Linux kernel's TCP over loopback (127.0.0.1 only) as a
 * benchmark anchor, running the same workloads as lwip_anchor and synack.
 *
 * lifecycle: ONE thread, non-blocking sockets and one edge-triggered epoll
 *   set hold both endpoints, so the whole exchange can be pinned to one CPU
 *   like the single-threaded lwIP and synack harnesses, and process CPU time
 *   (CLOCK_PROCESS_CPUTIME_ID) covers both endpoints. On loopback the kernel
 *   runs the receive path (softirq) in the context of the sending syscall,
 *   so that work is included too; work deferred to ksoftirqd is not, and is
 *   reported separately (ksoftirqd_ms, from /proc/PID/schedstat).
 *   Per connection: connect, B-byte request, B-byte response, the client
 *   closes first (so TIME_WAIT sits on the client, as with lwIP and synack),
 *   the server reads EOF and closes. The operations are tried optimistically
 *   and epoll is consulted only on EAGAIN.
 *   Ephemeral ports: every client TIME_WAIT socket holds its 4-tuple for
 *   60 s. We change no sysctl. Instead the clients spread over --server-ports
 *   listeners (default 8, ports --port..--port+7), so each ephemeral port can
 *   serve 8 4-tuples, and the default net.ipv4.tcp_tw_reuse=2 lets connect()
 *   reuse loopback TIME_WAIT 4-tuples older than 1 s. No SO_LINGER tricks:
 *   every connection closes normally. The kernel caps TIME_WAIT sockets at
 *   net.ipv4.tcp_max_tw_buckets (131072 here); beyond that it skips
 *   TIME_WAIT, which is cheaper, so we warn when a run may cross it
 *   (bench/compare.sh waits for old TIME_WAIT sockets to expire).
 *
 * bulk: one connection; a sender thread writes N pattern bytes
 *   (--write-size, default 64 KiB per write), the main thread reads into a
 *   32 KiB buffer and verifies the pattern. Timed from releasing the sender to
 *   the last byte read; CPU is the process's (both threads).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "anchor_common.h"

typedef enum { ModeNone, ModeLifecycle, ModeBulk } Mode;

typedef struct {
  Mode mode;
  uint64_t conns;
  uint64_t request_bytes;
  uint64_t concurrency;
  uint64_t bytes;
  uint64_t server_ports;
  uint64_t port;
  uint64_t write_size;
  bool verify;
  bool nodelay;
  double timeout_s;
} Options;

enum { kAppBufBytes = 32 * 1024 };

/* ---- kernel-side observations ---------------------------------------------- */

/* Sum of sum_exec_runtime over all ksoftirqd threads, in ns. */
static uint64_t ksoftirqd_ns(void) {
  DIR *d = opendir("/proc");
  if (d == NULL) return 0;
  uint64_t total = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char path[300], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
    FILE *f = fopen(path, "r");
    if (f == NULL) continue;
    bool is_softirqd = fgets(comm, sizeof comm, f) != NULL && strncmp(comm, "ksoftirqd/", 10) == 0;
    fclose(f);
    if (!is_softirqd) continue;
    snprintf(path, sizeof path, "/proc/%s/schedstat", e->d_name);
    f = fopen(path, "r");
    unsigned long long run = 0;
    if (f != NULL && fscanf(f, "%llu", &run) == 1) total += run;
    if (f != NULL) fclose(f);
  }
  closedir(d);
  return total;
}

/* A field of the "Tcp:" rows of /proc/net/snmp (system-wide counters). */
static long long tcp_snmp(const char *field) {
  FILE *f = fopen("/proc/net/snmp", "r");
  if (f == NULL) return -1;
  char names[1024], values[1024];
  long long result = -1;
  while (fgets(names, sizeof names, f) != NULL) {
    if (strncmp(names, "Tcp:", 4) != 0) continue;
    if (fgets(values, sizeof values, f) == NULL) break;
    char *np, *vp;
    char *n = strtok_r(names, " \n", &np), *v = strtok_r(values, " \n", &vp);
    while (n != NULL && v != NULL) {
      if (strcmp(n, field) == 0) result = atoll(v);
      n = strtok_r(NULL, " \n", &np);
      v = strtok_r(NULL, " \n", &vp);
    }
    break;
  }
  fclose(f);
  return result;
}

/* Number of TIME_WAIT sockets (the "tw" field of /proc/net/sockstat). */
static long long time_wait_sockets(void) {
  FILE *f = fopen("/proc/net/sockstat", "r");
  if (f == NULL) return -1;
  char line[256];
  long long tw = -1;
  while (fgets(line, sizeof line, f) != NULL) {
    char *p = strstr(line, " tw ");
    if (strncmp(line, "TCP:", 4) == 0 && p != NULL) tw = atoll(p + 4);
  }
  fclose(f);
  return tw;
}

static long long read_sysctl(const char *path) {
  FILE *f = fopen(path, "r");
  long long v = -1;
  if (f != NULL) {
    if (fscanf(f, "%lld", &v) != 1) v = -1;
    fclose(f);
  }
  return v;
}

/* ---- sockets ----------------------------------------------------------------- */

static struct sockaddr_in loopback(uint16_t port) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* 127.0.0.1, never anything else */
  return a;
}

static int listen_on(uint16_t port, bool nonblocking) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) anchor_die("socket: %s", strerror(errno));
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) anchor_die("SO_REUSEADDR: %s", strerror(errno));
  struct sockaddr_in a = loopback(port);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) anchor_die("bind 127.0.0.1:%u: %s", port, strerror(errno));
  if (listen(fd, 4096) != 0) anchor_die("listen: %s", strerror(errno));
  return fd;
}

static void set_nodelay(int fd) {
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) anchor_die("TCP_NODELAY: %s", strerror(errno));
}

/* ---- lifecycle --------------------------------------------------------------- */

typedef enum { RoleNone, RoleListener, RoleClient, RoleServer } Role;
typedef enum { PhaseSend, PhaseRecv, PhaseAwaitEof } Phase;

typedef struct {
  Role role;
  Phase phase;
  uint64_t tx_off;
  uint64_t rx_got;
} Endpoint;

typedef struct {
  Options opt;
  int epfd;
  Endpoint *fds; /* indexed by file descriptor */
  size_t fd_capacity;
  int *listeners;
  uint64_t started, client_closed, done;
  uint8_t buf[kAppBufBytes];
} Lifecycle;

static Endpoint *endpoint(Lifecycle *lc, int fd) {
  if (fd < 0 || (size_t)fd >= lc->fd_capacity) anchor_die("fd %d beyond the table (%zu)", fd, lc->fd_capacity);
  return &lc->fds[fd];
}

static void watch(Lifecycle *lc, int fd, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.fd = fd};
  if (epoll_ctl(lc->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) anchor_die("epoll_ctl: %s", strerror(errno));
}

/* Writes pattern bytes until `total` or EAGAIN. true when everything is out. */
static bool send_pattern(int fd, uint64_t *off, uint64_t total) {
  while (*off < total) {
    uint64_t n = total - *off;
    if (n > kAnchorPatternSpan) n = kAnchorPatternSpan;
    ssize_t w = write(fd, anchor_pattern_at(*off), n);
    if (w < 0 && errno == EAGAIN) return false;
    if (w < 0) anchor_die("write: %s", strerror(errno));
    *off += (uint64_t)w;
  }
  return true;
}

/* Reads and verifies until `total` bytes or EAGAIN. true when complete. */
static bool recv_pattern(Lifecycle *lc, int fd, uint64_t *got, uint64_t total, const char *who) {
  while (*got < total) {
    uint64_t want = total - *got;
    ssize_t r = read(fd, lc->buf, want < sizeof lc->buf ? want : sizeof lc->buf);
    if (r < 0 && errno == EAGAIN) return false;
    if (r < 0) anchor_die("%s read: %s", who, strerror(errno));
    if (r == 0) anchor_die("%s: unexpected EOF after %llu bytes", who, (unsigned long long)*got);
    if (!anchor_pattern_check(lc->buf, (size_t)r, *got)) anchor_die("%s: data mismatch at %llu", who, (unsigned long long)*got);
    *got += (uint64_t)r;
  }
  return true;
}

static void close_endpoint(Lifecycle *lc, int fd) {
  endpoint(lc, fd)->role = RoleNone;
  if (close(fd) != 0) anchor_die("close: %s", strerror(errno));
}

static void advance_client(Lifecycle *lc, int fd) {
  Endpoint *e = endpoint(lc, fd);
  uint64_t b = lc->opt.request_bytes;
  if (e->phase == PhaseSend) { /* EAGAIN also while the handshake is under way */
    if (!send_pattern(fd, &e->tx_off, b)) return;
    e->phase = PhaseRecv;
  }
  if (!recv_pattern(lc, fd, &e->rx_got, b, "client")) return;
  close_endpoint(lc, fd); /* the client closes first: TIME_WAIT is ours */
  ++lc->client_closed;
}

static void advance_server(Lifecycle *lc, int fd) {
  Endpoint *e = endpoint(lc, fd);
  uint64_t b = lc->opt.request_bytes;
  if (e->phase == PhaseRecv) {
    if (!recv_pattern(lc, fd, &e->rx_got, b, "server")) return;
    e->phase = PhaseSend;
  }
  if (e->phase == PhaseSend) {
    if (!send_pattern(fd, &e->tx_off, b)) return;
    e->phase = PhaseAwaitEof;
  }
  ssize_t r = read(fd, lc->buf, 1);
  if (r < 0 && errno == EAGAIN) return;
  if (r != 0) anchor_die("server: expected EOF, got %zd (%s)", r, r < 0 ? strerror(errno) : "data");
  close_endpoint(lc, fd);
  ++lc->done;
}

static void accept_all(Lifecycle *lc, int lfd) {
  for (;;) {
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0 && errno == EAGAIN) return;
    if (fd < 0) anchor_die("accept4: %s", strerror(errno));
    *endpoint(lc, fd) = (Endpoint){.role = RoleServer, .phase = PhaseRecv};
    if (lc->opt.nodelay) set_nodelay(fd);
    watch(lc, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
    advance_server(lc, fd);
  }
}

static void start_client(Lifecycle *lc) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) anchor_die("socket: %s", strerror(errno));
  *endpoint(lc, fd) = (Endpoint){.role = RoleClient, .phase = PhaseSend};
  if (lc->opt.nodelay) set_nodelay(fd);
  uint64_t i = lc->started % lc->opt.server_ports;
  struct sockaddr_in a = loopback((uint16_t)(lc->opt.port + i));
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS)
    anchor_die("connect (connection %llu): %s", (unsigned long long)lc->started + 1, strerror(errno));
  ++lc->started;
  watch(lc, fd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET); /* after connect: no spurious HUP */
  advance_client(lc, fd);
}

static void dispatch(Lifecycle *lc, int fd) {
  switch (endpoint(lc, fd)->role) {
    case RoleListener: accept_all(lc, fd); break;
    case RoleClient: advance_client(lc, fd); break;
    case RoleServer: advance_server(lc, fd); break;
    case RoleNone: break; /* closed earlier in this batch */
  }
}

static size_t raise_fd_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) anchor_die("getrlimit: %s", strerror(errno));
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  getrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_cur > 1u << 20 ? 1u << 20 : (size_t)rl.rlim_cur;
}

static void run_lifecycle(const Options *o) {
  static Lifecycle lc;
  lc.opt = *o;
  if (o->request_bytes == 0) anchor_die("linux lifecycle needs --request-bytes >= 1");
  lc.fd_capacity = raise_fd_limit();
  if (lc.fd_capacity < 2 * o->concurrency + o->server_ports + 16) anchor_die("fd limit too low for --concurrency");
  lc.fds = calloc(lc.fd_capacity, sizeof *lc.fds);
  lc.listeners = calloc(o->server_ports, sizeof *lc.listeners);
  lc.epfd = epoll_create1(EPOLL_CLOEXEC);
  if (lc.fds == NULL || lc.listeners == NULL || lc.epfd < 0) anchor_die("setup failed");
  for (uint64_t i = 0; i < o->server_ports; ++i) {
    int fd = listen_on((uint16_t)(o->port + i), true);
    lc.listeners[i] = fd;
    endpoint(&lc, fd)->role = RoleListener;
    watch(&lc, fd, EPOLLIN);
  }
  long long tw_start = time_wait_sockets(), tw_max = read_sysctl("/proc/sys/net/ipv4/tcp_max_tw_buckets");
  if (tw_max > 0 && tw_start + (long long)o->conns > tw_max)
    printf("# warning: %lld TIME_WAIT sockets + %llu new exceed tcp_max_tw_buckets=%lld; the kernel will skip TIME_WAIT for some\n",
           tw_start, (unsigned long long)o->conns, tw_max);
  long long segs_start = tcp_snmp("OutSegs");
  uint64_t softirq_start = ksoftirqd_ns();
  uint64_t deadline = anchor_mono_ns() + (uint64_t)(o->timeout_s * 1e9), idle_waits = 0;
  struct epoll_event events[256];
  AnchorTimer timer = {0};
  anchor_timer_start(&timer);
  while (lc.done < o->conns) {
    while (lc.started < o->conns && lc.started - lc.done < o->concurrency) start_client(&lc);
    int n = epoll_wait(lc.epfd, events, 256, 100);
    if (n < 0 && errno != EINTR) anchor_die("epoll_wait: %s", strerror(errno));
    if (n == 0 && ++idle_waits > 50) anchor_die("lifecycle: no progress for 5 s");
    for (int i = 0; i < n; ++i) dispatch(&lc, events[i].data.fd);
    if (anchor_mono_ns() > deadline) anchor_die("lifecycle: timeout after %.0f s", o->timeout_s);
  }
  anchor_timer_stop(&timer);
  uint64_t softirq = ksoftirqd_ns() - softirq_start;
  long long segs = tcp_snmp("OutSegs") - segs_start;
  for (uint64_t i = 0; i < o->server_ports; ++i) close(lc.listeners[i]);
  if (lc.client_closed != o->conns) anchor_die("client side incomplete");

  double wall = (double)timer.wall_ns / 1e9, cpu = (double)timer.cpu_ns / 1e9, n = (double)o->conns;
  printf("# linux lifecycle: conns=%llu request_bytes=%llu concurrency=%llu server_ports=%llu (127.0.0.1:%llu..)\n",
         (unsigned long long)o->conns, (unsigned long long)o->request_bytes, (unsigned long long)o->concurrency,
         (unsigned long long)o->server_ports, (unsigned long long)o->port);
  printf("# segments_per_conn=%.3f (system-wide OutSegs) ksoftirqd_ms=%.1f time_wait_before=%lld after=%lld cpu_s=%.4f\n",
         (double)segs / n, (double)softirq / 1e6, tw_start, time_wait_sockets(), cpu);
  printf("RESULT impl=linux bench=lifecycle conns=%llu conns_per_s=%.0f cpu_us_per_conn=%.3f wall_s=%.4f errors=0"
         " request_bytes=%llu concurrency=%llu ksoftirqd_ms=%.1f\n",
         (unsigned long long)o->conns, n / wall, cpu * 1e6 / n, wall, (unsigned long long)o->request_bytes,
         (unsigned long long)o->concurrency, (double)softirq / 1e6);
}

/* ---- bulk -------------------------------------------------------------------- */

typedef struct {
  int fd;
  uint64_t bytes;
  uint64_t write_size;
  pthread_barrier_t *start;
  const char *error; /* set by the sender on failure */
} Sender;

static void *sender_main(void *arg) {
  Sender *s = arg;
  pthread_barrier_wait(s->start);
  uint64_t off = 0;
  while (off < s->bytes) {
    uint64_t n = s->bytes - off;
    if (n > s->write_size) n = s->write_size;
    ssize_t w = write(s->fd, anchor_pattern_at(off), n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      s->error = strerror(errno);
      return NULL;
    }
    off += (uint64_t)w;
  }
  return NULL;
}

static void run_bulk(const Options *o) {
  if (o->write_size == 0 || o->write_size > kAnchorPatternSpan) anchor_die("--write-size must be 1..%d", kAnchorPatternSpan);
  int lfd = listen_on((uint16_t)o->port, false);
  int cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = loopback((uint16_t)o->port);
  if (cfd < 0 || connect(cfd, (struct sockaddr *)&a, sizeof a) != 0) anchor_die("connect: %s", strerror(errno));
  int rfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
  if (rfd < 0) anchor_die("accept: %s", strerror(errno));
  if (o->nodelay) set_nodelay(cfd);
  static uint8_t buf[kAppBufBytes];

  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, 2);
  Sender s = {.fd = cfd, .bytes = o->bytes, .write_size = o->write_size, .start = &start};
  pthread_t thread;
  if (pthread_create(&thread, NULL, sender_main, &s) != 0) anchor_die("pthread_create failed");
  uint64_t softirq_start = ksoftirqd_ns();
  uint64_t deadline = anchor_mono_ns() + (uint64_t)(o->timeout_s * 1e9), got = 0, reads = 0;
  AnchorTimer timer = {0};
  anchor_timer_start(&timer);
  pthread_barrier_wait(&start);
  while (got < o->bytes) {
    uint64_t want = o->bytes - got;
    ssize_t r = read(rfd, buf, want < sizeof buf ? want : sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) anchor_die("bulk read after %llu bytes: %s", (unsigned long long)got, r == 0 ? "EOF" : strerror(errno));
    if (o->verify && !anchor_pattern_check(buf, (size_t)r, got)) anchor_die("bulk: data mismatch near %llu", (unsigned long long)got);
    got += (uint64_t)r;
    if ((++reads & 1023u) == 0 && anchor_mono_ns() > deadline) anchor_die("bulk: timeout after %.0f s", o->timeout_s);
  }
  anchor_timer_stop(&timer);
  uint64_t softirq = ksoftirqd_ns() - softirq_start;
  pthread_join(thread, NULL);
  if (s.error != NULL) anchor_die("sender: %s", s.error);
  close(cfd);
  if (read(rfd, buf, 1) != 0) anchor_die("bulk: expected EOF after %llu bytes", (unsigned long long)o->bytes);
  close(rfd);
  close(lfd);

  double wall = (double)timer.wall_ns / 1e9, cpu = (double)timer.cpu_ns / 1e9;
  double gib = (double)o->bytes / (double)(1u << 30);
  printf("# linux bulk: bytes=%llu write_size=%llu read_size=%d rx=%s nagle=%s threads=2 reads=%llu\n",
         (unsigned long long)o->bytes, (unsigned long long)o->write_size, kAppBufBytes, o->verify ? "verify" : "copy",
         o->nodelay ? "off" : "on", (unsigned long long)reads);
  printf("# cpu_s=%.4f ksoftirqd_ms=%.1f (not in cpu_s)\n", cpu, (double)softirq / 1e6);
  printf("RESULT impl=linux bench=bulk bytes=%llu gbit_per_s=%.3f cpu_s_per_gib=%.4f wall_s=%.4f errors=0 ksoftirqd_ms=%.1f\n",
         (unsigned long long)o->bytes, (double)o->bytes * 8.0 / wall / 1e9, cpu / gib, wall, (double)softirq / 1e6);
}

/* ---- main -------------------------------------------------------------------- */

static void usage(void) {
  fputs("usage: linux_anchor --mode lifecycle --conns N [--request-bytes B] [--concurrency K] [--server-ports S]\n"
        "       linux_anchor --mode bulk --bytes N [--write-size W] [--rx verify|copy]\n"
        "common: [--port P (first server port, default 23400)] [--nodelay] [--timeout SECONDS]\n"
        "numbers take k M G (10^3..) or Ki Mi Gi (2^10..) suffixes; only 127.0.0.1 is used\n",
        stderr);
  exit(2);
}

static Options parse_args(int argc, char **argv) {
  Options o = {.mode = ModeNone, .conns = 100000, .request_bytes = 1, .concurrency = 1, .bytes = 1ull << 30,
               .server_ports = 8, .port = 23400, .write_size = 65536, .verify = true, .timeout_s = 300};
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEEDS_VALUE() do { if (v == NULL) usage(); ++i; } while (0)
    if (strcmp(a, "--mode") == 0) {
      NEEDS_VALUE();
      if (strcmp(v, "lifecycle") == 0) o.mode = ModeLifecycle;
      else if (strcmp(v, "bulk") == 0) o.mode = ModeBulk;
      else usage();
    } else if (strcmp(a, "--conns") == 0) { NEEDS_VALUE(); o.conns = anchor_parse_u64(a, v); }
    else if (strcmp(a, "--request-bytes") == 0) { NEEDS_VALUE(); o.request_bytes = anchor_parse_u64(a, v); }
    else if (strcmp(a, "--concurrency") == 0) { NEEDS_VALUE(); o.concurrency = anchor_parse_u64(a, v); }
    else if (strcmp(a, "--bytes") == 0) { NEEDS_VALUE(); o.bytes = anchor_parse_u64(a, v); }
    else if (strcmp(a, "--server-ports") == 0) { NEEDS_VALUE(); o.server_ports = anchor_parse_u64(a, v); }
    else if (strcmp(a, "--port") == 0) { NEEDS_VALUE(); o.port = anchor_parse_u64(a, v); }
    else if (strcmp(a, "--write-size") == 0) { NEEDS_VALUE(); o.write_size = anchor_parse_u64(a, v); }
    else if (strcmp(a, "--timeout") == 0) { NEEDS_VALUE(); o.timeout_s = (double)anchor_parse_u64(a, v); }
    else if (strcmp(a, "--nodelay") == 0) o.nodelay = true;
    else if (strcmp(a, "--rx") == 0) {
      NEEDS_VALUE();
      if (strcmp(v, "verify") == 0) o.verify = true;
      else if (strcmp(v, "copy") == 0) o.verify = false;
      else usage();
    } else usage();
#undef NEEDS_VALUE
  }
  if (o.mode == ModeNone) usage();
  if (o.conns == 0 || o.concurrency == 0 || o.bytes == 0 || o.server_ports == 0) anchor_die("counts must be > 0");
  if (o.port < 1024 || o.port + o.server_ports > 65536) anchor_die("--port out of range");
  if (o.concurrency > o.conns) o.concurrency = o.conns;
  return o;
}

int main(int argc, char **argv) {
  Options o = parse_args(argc, argv);
  anchor_pattern_init();
  if (o.mode == ModeLifecycle) run_lifecycle(&o);
  else run_bulk(&o);
  return 0;
}
