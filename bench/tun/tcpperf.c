/* tcpperf: the kernel-side programs of bench/tun_compare.sh. The same binary
 * plays both ends of the veth baseline, so synack and the kernel face the
 * same peer.
 *
 *   tcpperf source-server PORT BYTES    accept one connection, send BYTES, close
 *   tcpperf sink-server PORT            accept one connection, read to EOF
 *   tcpperf source-client ADDR PORT BYTES
 *   tcpperf sink-client ADDR PORT
 *   tcpperf rr-server PORT              per connection: read a request head,
 *                                       answer a 44-byte HTTP/1.1 response, close
 *   tcpperf rr-client ADDR PORT SECONDS new connection per GET /, sequential
 *
 * Servers print "listening" when ready; every program prints one result line:
 *   bytes=N secs=S cpu=C   or   requests=N secs=S cpu=C   (cpu: this process, s)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 20];
static const char kResponse[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n";

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

static void die(const char* what) {
  perror(what);
  exit(1);
}

static int listen_on(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(s, (struct sockaddr*)&a, sizeof a) < 0 || listen(s, 512) < 0) die("listen");
  printf("listening\n");
  fflush(stdout);
  return s;
}

static int connect_to(const char* addr, int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, addr, &a.sin_addr);
  if (connect(s, (struct sockaddr*)&a, sizeof a) < 0) die("connect");
  return s;
}

static void send_bytes(int s, long long n) {
  while (n > 0) {
    ssize_t w = write(s, buf, n < (long long)sizeof buf ? (size_t)n : sizeof buf);
    if (w <= 0) die("write");
    n -= w;
  }
}

static long long read_all(int s) {
  long long n = 0;
  ssize_t r;
  while ((r = read(s, buf, sizeof buf)) > 0) n += r;
  if (r < 0) die("read");
  return n;
}

static void report_bytes(long long n, double t0, double c0) {
  printf("bytes=%lld secs=%.6f cpu=%.6f\n", n, now() - t0, cpu() - c0);
}

static void rr_server(int port) {
  int ls = listen_on(port);
  for (;;) {
    int c = accept(ls, NULL, NULL);
    if (c < 0) die("accept");
    size_t got = 0;
    while (got < 4 || !memmem(buf, got, "\r\n\r\n", 4)) {
      ssize_t r = read(c, buf + got, sizeof buf - got);
      if (r <= 0) break;
      got += (size_t)r;
    }
    if (write(c, kResponse, sizeof kResponse - 1) < 0) perror("write");
    close(c);
  }
}

static void rr_client(const char* addr, int port, double secs) {
  static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  double t0 = now(), c0 = cpu();
  long long n = 0;
  while (now() - t0 < secs) {
    int s = connect_to(addr, port);
    if (write(s, req, sizeof req - 1) < 0) die("write");
    if (read_all(s) < (long long)sizeof kResponse - 1) die("short response");
    close(s);
    ++n;
  }
  printf("requests=%lld secs=%.6f cpu=%.6f\n", n, now() - t0, cpu() - c0);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: see the comment at the top of tcpperf.c\n");
    return 2;
  }
  const char* m = argv[1];
  double t0, c0;
  if (!strcmp(m, "rr-server")) rr_server(atoi(argv[2]));
  if (!strcmp(m, "rr-client") && argc == 5) rr_client(argv[2], atoi(argv[3]), atof(argv[4]));
  else if (!strcmp(m, "source-server") || !strcmp(m, "sink-server")) {
    int ls = listen_on(atoi(argv[2]));
    int c = accept(ls, NULL, NULL);
    t0 = now(), c0 = cpu();
    long long n = m[1] == 'o' ? (send_bytes(c, atoll(argv[3])), atoll(argv[3])) : read_all(c);
    close(c);
    report_bytes(n, t0, c0);
  } else if (!strcmp(m, "source-client") || !strcmp(m, "sink-client")) {
    int s = connect_to(argv[2], atoi(argv[3]));
    t0 = now(), c0 = cpu();
    long long n = m[1] == 'o' ? (send_bytes(s, atoll(argv[4])), atoll(argv[4])) : read_all(s);
    close(s);
    report_bytes(n, t0, c0);
  } else {
    fprintf(stderr, "tcpperf: bad arguments\n");
    return 2;
  }
  return 0;
}
