/* lwip_anchor: Debian's packaged lwIP (liblwip-dev 2.1.3) as a benchmark anchor.
 *
 * One lwIP instance, driven from one thread through the raw API. Two IP-level
 * netifs, la 10.0.0.1/24 (client) and lb 10.0.0.2/24 (server), are joined by
 * an in-memory FIFO link: netif->output copies each packet with pbuf_clone
 * (like NIC DMA; lwIP keeps unacked segments and ip4_input rewrites headers in
 * place) and the main loop feeds the FIFO to the peer's ip4_input, never
 * re-entrantly. Figures therefore cover both endpoints plus the wire copy.
 *
 * Modes (see usage()):
 *   --mode lifecycle  handshake, B-byte request, B-byte response, client
 *                     closes first, server closes, final ACK; K in parallel.
 *   --mode bulk       one connection, N bytes client -> server.
 *   --mem             heap per pcb, established and in TIME_WAIT (mallinfo2).
 *   --info            key lwIP options, struct and memp sizes.
 *
 * Catches handled here (details in shared/docs/lwip-notes.md):
 *  - The "loopback trap": lwIP would route a packet for one of its own
 *    addresses to netif_loop_output -> tcpip_try_callback, which aborts
 *    without a tcpip thread. tcp_bind_netif() pins the client to la and the
 *    listener (and so its accepted pcbs) to lb, so packets leave through
 *    netif->output.
 *  - The clock: peers/lwip (lwip_host) exports our own sys_now() and checks
 *    at startup that the library calls it; it returns hybrid_clock_ms() here.
 *    The "hybrid" clock is real time plus skipped time:
 *    when the link is idle and only a timer is pending, the clock jumps to it
 *    (counted as a stall).
 *  - TIME_WAIT: the client keeps a full pcb for 2*TCP_MSL = 120 s, and every
 *    tcp_connect and SYN lookup walks that list; at 16383 TIME_WAIT pcbs the
 *    ephemeral ports run out. --purge-every M fast-forwards the clock by
 *    2*MSL every M connections, with nothing in flight and outside the timing.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lwip/init.h"
#include "lwip/ip4.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/memp_priv.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

#include "anchor_common.h"
#include "lwip_host.h"

/* The Hurd's posix/inet.h redefines TCP_MSS to 512 via <netinet/tcp.h>; we
 * must see the value the TCP core was compiled with. */
#if TCP_MSS != 1460
#error "TCP_MSS is not 1460: a header pulled in <netinet/tcp.h>"
#endif

/* ---- clock: behind lwip_host's sys_now() ------------------------------------ */

static uint64_t g_clock_base_ns;
static uint64_t g_clock_skip_ms;

static uint32_t hybrid_clock_ms(void *ctx) {
  (void)ctx;
  uint64_t real_ms = (anchor_mono_ns() - g_clock_base_ns) / 1000000u;
  return (uint32_t)(real_ms + g_clock_skip_ms + 1000u);
}

/* ---- options ------------------------------------------------------------------ */

typedef enum { ModeNone, ModeLifecycle, ModeBulk, ModeMem, ModeInfo } Mode;

typedef struct {
  Mode mode;
  uint64_t conns;
  uint64_t request_bytes;
  uint64_t concurrency;
  uint64_t purge_every;
  uint64_t bytes;
  bool hybrid_clock;
  bool nodelay;
  bool verify;
  double timeout_s;
} Options;

/* ---- the link: a FIFO of (packet copy, destination netif) -------------------- */

enum { kLinkSlots = 1 << 16, kDeliverBatch = 64 };

typedef struct {
  struct pbuf *p;
  struct netif *dst;
} Packet;

typedef struct {
  Packet ring[kLinkSlots];
  size_t head;  /* next to pop */
  size_t count;
} Link;

/* ---- harness state ------------------------------------------------------------ */

typedef struct Client Client;
typedef struct Server Server;

typedef struct {
  Options opt;
  struct netif la, lb;
  ip_addr_t lb_addr;
  u16_t port;
  Link link;
  uint64_t segments;
  uint64_t stalls;
  uint64_t deadline_ns;
  AnchorTimer timer;
  /* lifecycle and bulk bookkeeping */
  uint64_t started, client_done, server_closed, accepted, connected;
  uint64_t want; /* target count for the --mem drive predicates */
  uint64_t mark_first_ns, mark_last_ns;
  Client *clients;
  Client **free_clients;
  size_t free_client_count;
  Server *servers;
  Server *free_servers;
  /* bulk */
  uint64_t rx_total;
  uint8_t *app_buf;
} Harness;

struct Client {
  Harness *h;
  struct tcp_pcb *pcb;
  uint64_t tx_off;
  uint64_t rx_got;
  bool closed;
};

struct Server {
  Harness *h;
  struct tcp_pcb *pcb;
  uint64_t tx_off;
  uint64_t rx_got;
  Server *next_free;
};

enum { kAppBufBytes = 32 * 1024 };

static void link_push(Harness *h, struct pbuf *p, struct netif *dst) {
  Link *l = &h->link;
  if (l->count == kLinkSlots) anchor_die("link FIFO overflow (%d packets)", kLinkSlots);
  l->ring[(l->head + l->count) % kLinkSlots] = (Packet){p, dst};
  ++l->count;
}

/* Delivers up to max packets (packets sent meanwhile join the queue). */
static size_t link_deliver(Harness *h, size_t max) {
  Link *l = &h->link;
  size_t n = 0;
  while (n < max && l->count > 0) {
    Packet pkt = l->ring[l->head];
    l->head = (l->head + 1) % kLinkSlots;
    --l->count;
    ip4_input(pkt.p, pkt.dst); /* takes ownership in every case */
    ++n;
  }
  return n;
}

static err_t link_output(struct netif *nif, struct pbuf *p, const ip4_addr_t *dst_ip) {
  Harness *h = nif->state;
  struct netif *peer = nif == &h->la ? &h->lb : &h->la;
  if (!ip4_addr_cmp(dst_ip, netif_ip4_addr(peer)))
    anchor_die("packet from %c%c to an address that is not the peer's", nif->name[0], nif->name[1]);
  struct pbuf *copy = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
  if (copy == NULL) anchor_die("pbuf_clone failed");
  link_push(h, copy, peer);
  ++h->segments;
  return ERR_OK;
}

/* ---- timers and loop guards ---------------------------------------------------- */

/* Called when the link is empty and the workload waits on an lwIP timer. */
static void idle_advance(Harness *h) {
  u32_t wait_ms = sys_timeouts_sleeptime();
  if (wait_ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE) anchor_die("deadlock: link idle and no timer pending");
  if (h->opt.hybrid_clock) {
    g_clock_skip_ms += wait_ms;
  } else {
    struct timespec ts = {wait_ms / 1000, (long)(wait_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  ++h->stalls;
  sys_check_timeouts();
}

static void guard(Harness *h, uint64_t *iters, uint64_t max_iters, const char *what) {
  if (++*iters > max_iters) anchor_die("%s: no completion after %llu loop iterations", what, (unsigned long long)max_iters);
  if ((*iters & 1023u) == 0 && anchor_mono_ns() > h->deadline_ns)
    anchor_die("%s: timeout after %.0f s", what, h->opt.timeout_s);
  if (h->stalls > 100000u) anchor_die("%s: more than 100000 timer stalls", what);
}

/* ---- stack setup and checks ---------------------------------------------------- */

static size_t list_length(const struct tcp_pcb *pcb) {
  size_t n = 0;
  for (; pcb != NULL; pcb = pcb->next) ++n;
  return n;
}

/* lwip_init with lwip_host's checks (our sys_now is used, one thread, headers
 * match the binary), then the two netifs. */
static void stack_init(Harness *h) {
  g_clock_base_ns = anchor_mono_ns();
  const char *err = lwip_host_init(hybrid_clock_ms, NULL);
  if (err == NULL) err = lwip_host_add_netif(&h->la, "la", 10, 0, 0, 1, 24, link_output, h);
  if (err == NULL) err = lwip_host_add_netif(&h->lb, "lb", 10, 0, 0, 2, 24, link_output, h);
  if (err != NULL) anchor_die("lwIP setup: %s", err);
  if (anchor_thread_count() != 1) anchor_die("expected 1 thread after lwip_init, found %d", anchor_thread_count());
  IP_ADDR4(&h->lb_addr, 10, 0, 0, 2);
  h->port = 5001;
}

static void detach(struct tcp_pcb *pcb) {
  tcp_arg(pcb, NULL);
  tcp_recv(pcb, NULL);
  tcp_sent(pcb, NULL);
  tcp_err(pcb, NULL);
}

/* Queues pattern bytes [*off, total) as far as the send buffer allows. Called
 * from callbacks, so tcp_input's own tcp_output sends them. */
static void pump(struct tcp_pcb *pcb, uint64_t *off, uint64_t total) {
  while (*off < total) {
    uint64_t n = total - *off;
    uint64_t room = tcp_sndbuf(pcb);
    if (room == 0) return;
    if (n > room) n = room;
    err_t e = tcp_write(pcb, anchor_pattern_at(*off), (u16_t)n, TCP_WRITE_FLAG_COPY);
    if (e == ERR_MEM) return; /* queue full: tcp_sent refills */
    if (e != ERR_OK) anchor_die("tcp_write: err %d", (int)e);
    *off += n;
  }
}

/* Verifies a received chain against the pattern at stream offset *got. */
static void check_rx(struct pbuf *p, uint64_t *got, uint64_t limit, const char *who) {
  for (struct pbuf *q = p; q != NULL; q = q->next) {
    if (*got + q->len > limit) anchor_die("%s received more than %llu bytes", who, (unsigned long long)limit);
    if (!anchor_pattern_check(q->payload, q->len, *got)) anchor_die("%s: data mismatch at offset %llu", who, (unsigned long long)*got);
    *got += q->len;
  }
}

/* ---- lifecycle: client side ---------------------------------------------------- */

static void client_err(void *arg, err_t err) {
  (void)arg;
  anchor_die("client connection error %d", (int)err);
}

static void client_close(Client *c) {
  c->closed = true;
  err_t e = tcp_close(c->pcb);
  if (e != ERR_OK) anchor_die("client tcp_close: err %d", (int)e);
}

static void client_finished(Client *c) {
  Harness *h = c->h;
  detach(c->pcb); /* the pcb stays in TIME_WAIT, owned by lwIP */
  c->pcb = NULL;
  h->free_clients[h->free_client_count++] = c;
  ++h->client_done;
  if (h->client_done == h->opt.conns / 10) h->mark_first_ns = anchor_timer_wall_now(&h->timer);
  if (h->client_done == h->opt.conns - h->opt.conns / 10) h->mark_last_ns = anchor_timer_wall_now(&h->timer);
}

static err_t client_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  Client *c = arg;
  if (err != ERR_OK) anchor_die("client recv: err %d", (int)err);
  if (p == NULL) { /* the server's FIN: we are in TIME_WAIT now */
    if (!c->closed) anchor_die("server closed before the response was complete");
    client_finished(c);
    return ERR_OK;
  }
  if (c->closed) anchor_die("client received data after closing");
  check_rx(p, &c->rx_got, c->h->opt.request_bytes, "client");
  tcp_recved(pcb, p->tot_len);
  pbuf_free(p);
  if (c->rx_got == c->h->opt.request_bytes) client_close(c);
  return ERR_OK;
}

static err_t client_sent(void *arg, struct tcp_pcb *pcb, u16_t len) {
  Client *c = arg;
  (void)len;
  pump(pcb, &c->tx_off, c->h->opt.request_bytes);
  return ERR_OK;
}

static err_t client_connected(void *arg, struct tcp_pcb *pcb, err_t err) {
  Client *c = arg;
  if (err != ERR_OK) anchor_die("connect: err %d", (int)err);
  ++c->h->connected;
  if (c->h->opt.mode == ModeMem) return ERR_OK;
  if (c->h->opt.request_bytes == 0) client_close(c);
  else pump(pcb, &c->tx_off, c->h->opt.request_bytes);
  return ERR_OK;
}

static void start_client(Harness *h) {
  if (h->free_client_count == 0) anchor_die("no free client slot");
  Client *c = h->free_clients[--h->free_client_count];
  struct tcp_pcb *pcb = tcp_new();
  if (pcb == NULL) anchor_die("tcp_new failed");
  *c = (Client){.h = h, .pcb = pcb};
  tcp_arg(pcb, c);
  tcp_recv(pcb, client_recv);
  tcp_sent(pcb, client_sent);
  tcp_err(pcb, client_err);
  if (h->opt.nodelay) tcp_nagle_disable(pcb);
  tcp_bind_netif(pcb, &h->la);
  err_t e = tcp_connect(pcb, &h->lb_addr, h->port, client_connected);
  if (e != ERR_OK)
    anchor_die("tcp_connect: err %d at connection %llu with %zu TIME_WAIT pcbs", (int)e,
               (unsigned long long)h->started + 1, list_length(tcp_tw_pcbs));
  ++h->started;
}

/* ---- lifecycle: server side ---------------------------------------------------- */

static void server_err(void *arg, err_t err) {
  (void)arg;
  anchor_die("server connection error %d", (int)err);
}

static err_t server_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  Server *s = arg;
  Harness *h = s->h;
  uint64_t b = h->opt.mode == ModeMem ? 0 : h->opt.request_bytes;
  if (err != ERR_OK) anchor_die("server recv: err %d", (int)err);
  if (p == NULL) { /* the client's FIN: close our side too */
    if (s->rx_got != b || s->tx_off != b) anchor_die("client closed before the exchange was complete");
    detach(pcb);
    err_t e = tcp_close(pcb);
    if (e != ERR_OK) anchor_die("server tcp_close: err %d", (int)e);
    s->next_free = h->free_servers;
    h->free_servers = s;
    ++h->server_closed;
    return ERR_OK;
  }
  check_rx(p, &s->rx_got, b, "server");
  tcp_recved(pcb, p->tot_len);
  pbuf_free(p);
  if (s->rx_got == b) pump(pcb, &s->tx_off, b);
  return ERR_OK;
}

static err_t server_sent(void *arg, struct tcp_pcb *pcb, u16_t len) {
  Server *s = arg;
  (void)len;
  if (s->rx_got == s->h->opt.request_bytes) pump(pcb, &s->tx_off, s->h->opt.request_bytes);
  return ERR_OK;
}

static err_t server_accept(void *arg, struct tcp_pcb *pcb, err_t err) {
  Harness *h = arg;
  if (err != ERR_OK || pcb == NULL) anchor_die("accept: err %d", (int)err);
  Server *s = h->free_servers;
  if (s == NULL) anchor_die("no free server slot");
  h->free_servers = s->next_free;
  *s = (Server){.h = h, .pcb = pcb};
  tcp_arg(pcb, s);
  tcp_recv(pcb, server_recv);
  tcp_sent(pcb, server_sent);
  tcp_err(pcb, server_err);
  if (h->opt.nodelay) tcp_nagle_disable(pcb);
  ++h->accepted;
  return ERR_OK;
}

static void listen_on_lb(Harness *h) {
  struct tcp_pcb *pcb = tcp_new();
  if (pcb == NULL) anchor_die("tcp_new failed");
  tcp_bind_netif(pcb, &h->lb);
  if (tcp_bind(pcb, &h->lb_addr, h->port) != ERR_OK) anchor_die("tcp_bind failed");
  struct tcp_pcb *lpcb = tcp_listen(pcb);
  if (lpcb == NULL) anchor_die("tcp_listen failed");
  tcp_arg(lpcb, h);
  tcp_accept(lpcb, server_accept);
}

/* Client and server slots for k connections in flight, allocated up front. */
static void alloc_slots(Harness *h, size_t k) {
  h->clients = calloc(k, sizeof *h->clients);
  h->free_clients = calloc(k, sizeof *h->free_clients);
  h->servers = calloc(k, sizeof *h->servers);
  if (!h->clients || !h->free_clients || !h->servers) anchor_die("out of memory");
  for (size_t i = 0; i < k; ++i) {
    h->free_clients[i] = &h->clients[k - 1 - i];
    h->servers[i].next_free = i + 1 < k ? &h->servers[i + 1] : NULL;
  }
  h->free_client_count = k;
  h->free_servers = &h->servers[0];
}

/* ---- lifecycle ------------------------------------------------------------------- */

/* Fast-forwards the clock by 2*MSL in TCP timer steps until every TIME_WAIT
 * pcb has expired. Runs with nothing in flight and outside the timing. */
static void purge_time_wait(Harness *h) {
  anchor_timer_stop(&h->timer);
  const unsigned max_steps = 4u * (2u * TCP_MSL / TCP_TMR_INTERVAL) + 16u;
  unsigned steps = 0;
  while (tcp_tw_pcbs != NULL) {
    if (++steps > max_steps) anchor_die("purge: %zu TIME_WAIT pcbs left", list_length(tcp_tw_pcbs));
    g_clock_skip_ms += TCP_TMR_INTERVAL;
    sys_check_timeouts();
    link_deliver(h, kLinkSlots);
  }
  anchor_timer_start(&h->timer);
}

static bool purge_due(const Harness *h, uint64_t purged_at) {
  uint64_t m = h->opt.purge_every;
  return m != 0 && h->started != 0 && h->started % m == 0 && h->started < h->opt.conns && purged_at != h->started;
}

static void run_lifecycle(Harness *h) {
  const Options *o = &h->opt;
  alloc_slots(h, o->concurrency);
  listen_on_lb(h);
  uint64_t iters = 0, purged_at = 0, purges = 0;
  const uint64_t max_iters = 1000000u + o->conns * 1000u;
  anchor_timer_start(&h->timer);
  while (h->client_done < o->conns || h->link.count > 0) {
    guard(h, &iters, max_iters, "lifecycle");
    bool progress = false;
    if (purge_due(h, purged_at)) {
      if (h->client_done == h->started && h->link.count == 0) {
        purge_time_wait(h);
        purged_at = h->started;
        ++purges;
        progress = true;
      }
    } else {
      while (h->started < o->conns && h->started - h->client_done < o->concurrency && !purge_due(h, purged_at)) {
        start_client(h);
        progress = true;
      }
    }
    if (link_deliver(h, kDeliverBatch) > 0) progress = true;
    sys_check_timeouts();
    if (!progress && h->link.count == 0) idle_advance(h);
  }
  anchor_timer_stop(&h->timer);

  /* Every server pcb must be gone (freed by the final ACK); the clients wait in TIME_WAIT. */
  if (tcp_active_pcbs != NULL) anchor_die("%zu pcbs still active after the run", list_length(tcp_active_pcbs));
  if (h->server_closed != o->conns || h->accepted != o->conns) anchor_die("server side incomplete");
  double wall = (double)h->timer.wall_ns / 1e9, cpu = (double)h->timer.cpu_ns / 1e9;
  double n = (double)o->conns;
  printf("# lwip lifecycle: conns=%llu request_bytes=%llu concurrency=%llu purge_every=%llu clock=%s\n",
         (unsigned long long)o->conns, (unsigned long long)o->request_bytes, (unsigned long long)o->concurrency,
         (unsigned long long)o->purge_every, o->hybrid_clock ? "hybrid" : "real");
  printf("# segments_per_conn=%.3f stalls=%llu purges=%llu time_wait_pcbs_at_end=%zu cpu_s=%.4f\n",
         (double)h->segments / n, (unsigned long long)h->stalls, (unsigned long long)purges,
         list_length(tcp_tw_pcbs), cpu);
  if (o->conns >= 10 && h->mark_first_ns > 0 && h->timer.wall_ns > h->mark_last_ns) {
    double tenth = (double)(o->conns / 10);
    printf("# first 10%%: %.0f conn/s, last 10%%: %.0f conn/s\n", tenth / ((double)h->mark_first_ns / 1e9),
           tenth / ((double)(h->timer.wall_ns - h->mark_last_ns) / 1e9));
  }
  printf("RESULT impl=lwip bench=lifecycle conns=%llu conns_per_s=%.0f cpu_us_per_conn=%.3f wall_s=%.4f errors=0"
         " request_bytes=%llu concurrency=%llu purge_every=%llu stalls=%llu\n",
         (unsigned long long)o->conns, n / wall, cpu * 1e6 / n, wall, (unsigned long long)o->request_bytes,
         (unsigned long long)o->concurrency, (unsigned long long)o->purge_every, (unsigned long long)h->stalls);
}

/* ---- bulk ------------------------------------------------------------------------ */

static err_t bulk_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  Server *s = arg;
  Harness *h = s->h;
  if (err != ERR_OK) anchor_die("bulk recv: err %d", (int)err);
  if (p == NULL) { /* sender's FIN after the run */
    detach(pcb);
    if (tcp_close(pcb) != ERR_OK) anchor_die("receiver tcp_close failed");
    ++h->server_closed;
    return ERR_OK;
  }
  if (h->rx_total + p->tot_len > h->opt.bytes) anchor_die("receiver got more than %llu bytes", (unsigned long long)h->opt.bytes);
  for (u16_t off = 0; off < p->tot_len;) {
    u16_t n = (u16_t)(p->tot_len - off < kAppBufBytes ? p->tot_len - off : kAppBufBytes);
    if (pbuf_copy_partial(p, h->app_buf, n, off) != n) anchor_die("pbuf_copy_partial short");
    if (h->opt.verify && !anchor_pattern_check(h->app_buf, n, h->rx_total))
      anchor_die("bulk: data mismatch near offset %llu", (unsigned long long)h->rx_total);
    h->rx_total += n;
    off = (u16_t)(off + n);
  }
  tcp_recved(pcb, p->tot_len);
  pbuf_free(p);
  return ERR_OK;
}

static err_t bulk_accept(void *arg, struct tcp_pcb *pcb, err_t err) {
  err_t e = server_accept(arg, pcb, err);
  tcp_recv(pcb, bulk_recv);
  tcp_sent(pcb, NULL);
  return e;
}

static err_t bulk_sent(void *arg, struct tcp_pcb *pcb, u16_t len) {
  Client *c = arg;
  (void)len;
  pump(pcb, &c->tx_off, c->h->opt.bytes);
  return ERR_OK;
}

static err_t bulk_connected(void *arg, struct tcp_pcb *pcb, err_t err) {
  Client *c = arg;
  (void)pcb;
  if (err != ERR_OK) anchor_die("connect: err %d", (int)err);
  ++c->h->connected;
  return ERR_OK;
}

/* Runs the link (and timers) until done() holds. */
static void drive(Harness *h, bool (*done)(const Harness *), uint64_t max_iters, const char *what) {
  uint64_t iters = 0;
  while (!done(h)) {
    guard(h, &iters, max_iters, what);
    size_t moved = link_deliver(h, kDeliverBatch);
    sys_check_timeouts();
    if (moved == 0 && h->link.count == 0 && !done(h)) idle_advance(h);
  }
}

static bool bulk_established(const Harness *h) { return h->connected == 1 && h->accepted == 1 && h->link.count == 0; }
static bool bulk_received(const Harness *h) { return h->rx_total == h->opt.bytes; }
static bool bulk_closed(const Harness *h) { return h->server_closed == 1 && h->link.count == 0; }

static void run_bulk(Harness *h) {
  const Options *o = &h->opt;
  alloc_slots(h, 1);
  h->app_buf = malloc(kAppBufBytes);
  if (h->app_buf == NULL) anchor_die("out of memory");
  struct tcp_pcb *listener = tcp_new();
  tcp_bind_netif(listener, &h->lb);
  if (tcp_bind(listener, &h->lb_addr, h->port) != ERR_OK) anchor_die("tcp_bind failed");
  listener = tcp_listen(listener);
  if (listener == NULL) anchor_die("tcp_listen failed");
  tcp_arg(listener, h);
  tcp_accept(listener, bulk_accept);

  Client *c = h->free_clients[--h->free_client_count];
  struct tcp_pcb *pcb = tcp_new();
  *c = (Client){.h = h, .pcb = pcb};
  tcp_arg(pcb, c);
  tcp_sent(pcb, bulk_sent);
  tcp_err(pcb, client_err);
  if (o->nodelay) tcp_nagle_disable(pcb);
  tcp_bind_netif(pcb, &h->la);
  if (tcp_connect(pcb, &h->lb_addr, h->port, bulk_connected) != ERR_OK) anchor_die("tcp_connect failed");
  drive(h, bulk_established, 100000, "bulk handshake");

  uint64_t segments_before = h->segments;
  anchor_timer_start(&h->timer);
  pump(pcb, &c->tx_off, o->bytes);
  tcp_output(pcb);
  drive(h, bulk_received, 1000000u + o->bytes / 64u, "bulk transfer");
  anchor_timer_stop(&h->timer);
  uint64_t segments = h->segments - segments_before;

  if (tcp_close(pcb) != ERR_OK) anchor_die("sender tcp_close failed");
  drive(h, bulk_closed, 100000, "bulk close");

  double wall = (double)h->timer.wall_ns / 1e9, cpu = (double)h->timer.cpu_ns / 1e9;
  double gib = (double)o->bytes / (double)(1u << 30);
  printf("# lwip bulk: bytes=%llu rx=%s nagle=%s clock=%s mss=%d wnd=%d\n", (unsigned long long)o->bytes,
         o->verify ? "verify" : "copy", o->nodelay ? "off" : "on", o->hybrid_clock ? "hybrid" : "real", TCP_MSS,
         TCP_WND);
  printf("# packets=%llu (%.3f M per GiB) stalls=%llu cpu_s=%.4f\n", (unsigned long long)segments,
         (double)segments / gib / 1e6, (unsigned long long)h->stalls, cpu);
  printf("RESULT impl=lwip bench=bulk bytes=%llu gbit_per_s=%.3f cpu_s_per_gib=%.4f wall_s=%.4f errors=0 stalls=%llu\n",
         (unsigned long long)o->bytes, (double)o->bytes * 8.0 / wall / 1e9, cpu / gib, wall,
         (unsigned long long)h->stalls);
}

/* ---- memory ---------------------------------------------------------------------- */

static size_t heap_in_use(void) {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

static bool mem_established(const Harness *h) {
  return h->connected == h->want && h->accepted == h->want && h->link.count == 0;
}
static bool mem_time_wait(const Harness *h) { return h->client_done == h->want && h->link.count == 0; }

/* One warm-up pair is set up before the baseline (it arms the TCP timer, whose
 * allocation is then not counted) and stays established; then `pairs` more
 * pairs are established, measured, closed by the client and measured again. */
static void run_mem(Harness *h) {
  const uint64_t pairs = h->opt.conns;
  if (pairs > 16000) anchor_die("--mem supports at most 16000 connections (ephemeral ports)");
  alloc_slots(h, pairs + 1);
  listen_on_lb(h);
  Client *warm_up = h->free_clients[h->free_client_count - 1]; /* the slot start_client takes */
  start_client(h);
  h->want = 1;
  drive(h, mem_established, 100000, "mem warm-up");
  size_t base = heap_in_use();
  size_t tw_before = list_length(tcp_tw_pcbs);
  for (uint64_t i = 0; i < pairs; ++i) start_client(h);
  h->want = pairs + 1;
  drive(h, mem_established, 10000000, "mem established");
  size_t est = heap_in_use();
  if (list_length(tcp_active_pcbs) != 2 * (pairs + 1)) anchor_die("unexpected number of active pcbs");

  for (size_t i = 0; i <= pairs; ++i)
    if (&h->clients[i] != warm_up) client_close(&h->clients[i]);
  h->want = pairs;
  drive(h, mem_time_wait, 10000000, "mem close");
  size_t tw = heap_in_use();
  if (list_length(tcp_active_pcbs) != 2) anchor_die("only the warm-up pair should stay active");
  if (list_length(tcp_tw_pcbs) - tw_before != pairs) anchor_die("TIME_WAIT count mismatch");

  double per_pair = ((double)est - (double)base) / (double)pairs;
  double per_tw = ((double)tw - (double)base) / (double)pairs;
  printf("# lwip memory: %llu idle established pairs (heap = mallinfo2 uordblks+hblkhd, single arena)\n",
         (unsigned long long)pairs);
  printf("# established: %.1f B per pair, %.1f B per pcb; TIME_WAIT: %.1f B per client pcb (server pcbs freed)\n",
         per_pair, per_pair / 2, per_tw);
  printf("# sizeof(struct tcp_pcb)=%zu\n", sizeof(struct tcp_pcb));
  static const char *const kPoolNames[] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
  };
  for (int i = 0; i < MEMP_MAX; ++i) printf("# memp %-18s element %u B\n", kPoolNames[i], (unsigned)memp_pools[i]->size);
  printf("RESULT impl=lwip bench=memory conns=%llu bytes_per_conn_established=%.1f bytes_per_conn_time_wait=%.1f"
         " bytes_per_pair_established=%.1f\n",
         (unsigned long long)pairs, per_pair / 2, per_tw, per_pair);
}

/* ---- info ------------------------------------------------------------------------ */

static void run_info(void) {
#define OPT(x) {#x, (long long)(x)}
  static const struct { const char *name; long long value; } kOpts[] = {
      OPT(NO_SYS), OPT(LWIP_TCPIP_CORE_LOCKING), OPT(SYS_LIGHTWEIGHT_PROT), OPT(LWIP_SOCKET), OPT(LWIP_NETCONN),
      OPT(LWIP_TCP), OPT(LWIP_UDP), OPT(LWIP_IPV4), OPT(LWIP_IPV6), OPT(LWIP_ARP), OPT(LWIP_ETHERNET),
      OPT(LWIP_NETIF_LOOPBACK), OPT(LWIP_NETIF_LOOPBACK_MULTITHREADING), OPT(LWIP_HAVE_LOOPIF), OPT(IP_FORWARD),
      OPT(TCP_MSS), OPT(TCP_WND), OPT(LWIP_WND_SCALE), OPT(TCP_RCV_SCALE), OPT(TCP_SND_BUF), OPT(TCP_SND_QUEUELEN),
      OPT(TCP_SNDLOWAT), OPT(TCP_WND_UPDATE_THRESHOLD), OPT(TCP_MSL), OPT(TCP_TMR_INTERVAL), OPT(TCP_MAXRTX),
      OPT(TCP_SYNMAXRTX), OPT(TCP_QUEUE_OOSEQ), OPT(TCP_CALCULATE_EFF_SEND_MSS), OPT(TCP_OVERSIZE),
      OPT(TCP_LISTEN_BACKLOG), OPT(TCP_DEFAULT_LISTEN_BACKLOG), OPT(LWIP_TCP_TIMESTAMPS), OPT(LWIP_TCP_SACK_OUT),
      OPT(LWIP_TCP_KEEPALIVE), OPT(LWIP_TCP_PCB_NUM_EXT_ARGS), OPT(LWIP_CALLBACK_API), OPT(LWIP_EVENT_API),
      OPT(MEM_LIBC_MALLOC), OPT(MEMP_MEM_MALLOC), OPT(MEM_USE_POOLS), OPT(MEM_ALIGNMENT), OPT(MEM_SIZE),
      OPT(MEMP_NUM_TCP_PCB), OPT(MEMP_NUM_TCP_PCB_LISTEN), OPT(MEMP_NUM_TCP_SEG), OPT(MEMP_NUM_PBUF),
      OPT(PBUF_POOL_SIZE), OPT(PBUF_POOL_BUFSIZE), OPT(LWIP_NETIF_TX_SINGLE_PBUF), OPT(LWIP_CHECKSUM_ON_COPY),
      OPT(CHECKSUM_GEN_IP), OPT(CHECKSUM_GEN_TCP), OPT(CHECKSUM_CHECK_IP), OPT(CHECKSUM_CHECK_TCP),
      OPT(LWIP_CHECKSUM_CTRL_PER_NETIF), OPT(LWIP_STATS), OPT(LWIP_STATS_DISPLAY),
      OPT(LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS),
      OPT(LWIP_TIMERS), OPT(LWIP_TIMERS_CUSTOM), OPT(SO_REUSE), OPT(LWIP_SO_RCVBUF), OPT(IP_REASSEMBLY),
      OPT(IP_FRAG), OPT(LWIP_IPV6_AUTOCONFIG), OPT(LWIP_NETIF_HWADDRHINT), OPT(ETH_PAD_SIZE),
  };
#undef OPT
  for (size_t i = 0; i < sizeof kOpts / sizeof kOpts[0]; ++i) printf("# %-36s %lld\n", kOpts[i].name, kOpts[i].value);
#ifdef LWIP_NOASSERT
  printf("# LWIP_NOASSERT                        defined (asserts off)\n");
#else
  printf("# LWIP_NOASSERT                        undefined (asserts on)\n");
#endif
  printf("# ephemeral ports 0xC000-0xFFFF (tcp.c), so at most 16383 TIME_WAIT pcbs with ephemeral ports\n");
  printf("# sizeof: tcp_pcb=%zu tcp_pcb_listen=%zu tcp_seg=%zu pbuf=%zu netif=%zu\n", sizeof(struct tcp_pcb),
         sizeof(struct tcp_pcb_listen), sizeof(struct tcp_seg), sizeof(struct pbuf), sizeof(struct netif));
  printf("# memp TCP_PCB element %u B, PBUF_POOL element %u B (see lwip-notes: packaging TCP_MSS bug)\n",
         (unsigned)memp_pools[MEMP_TCP_PCB]->size, (unsigned)memp_pools[MEMP_PBUF_POOL]->size);
  printf("# checks passed (lwip_host): our sys_now() is used, 1 thread, memp TCP_PCB size matches, fresh pcb snd_buf=rcv_wnd=%u\n",
         (unsigned)TCP_WND);
  printf("RESULT impl=lwip bench=info version=%s sizeof_tcp_pcb=%zu tcp_mss=%d tcp_wnd=%d tcp_snd_buf=%d tcp_msl_ms=%ld\n",
         LWIP_VERSION_STRING, sizeof(struct tcp_pcb), TCP_MSS, TCP_WND, TCP_SND_BUF, (long)TCP_MSL);
}

/* ---- main ------------------------------------------------------------------------ */

static void usage(void) {
  fputs("usage: lwip_anchor --mode lifecycle --conns N [--request-bytes B] [--concurrency K] [--purge-every M]\n"
        "       lwip_anchor --mode bulk --bytes N [--rx verify|copy] [--nodelay]\n"
        "       lwip_anchor --mem --conns N\n"
        "       lwip_anchor --info\n"
        "common: [--clock hybrid|real] [--timeout SECONDS]\n"
        "numbers take k M G (10^3..) or Ki Mi Gi (2^10..) suffixes\n",
        stderr);
  exit(2);
}

static Options parse_args(int argc, char **argv) {
  Options o = {.mode = ModeNone, .conns = 100000, .request_bytes = 1, .concurrency = 1, .purge_every = 0,
               .bytes = 1ull << 30, .hybrid_clock = true, .verify = true, .timeout_s = 300};
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEEDS_VALUE() do { if (v == NULL) usage(); ++i; } while (0)
    if (strcmp(a, "--mode") == 0) {
      NEEDS_VALUE();
      if (strcmp(v, "lifecycle") == 0) o.mode = ModeLifecycle;
      else if (strcmp(v, "bulk") == 0) o.mode = ModeBulk;
      else usage();
    } else if (strcmp(a, "--mem") == 0) o.mode = ModeMem;
    else if (strcmp(a, "--info") == 0) o.mode = ModeInfo;
    else if (strcmp(a, "--conns") == 0) { NEEDS_VALUE(); o.conns = anchor_parse_u64(a, v); }
    else if (strcmp(a, "--request-bytes") == 0) { NEEDS_VALUE(); o.request_bytes = anchor_parse_u64(a, v); }
    else if (strcmp(a, "--concurrency") == 0) { NEEDS_VALUE(); o.concurrency = anchor_parse_u64(a, v); }
    else if (strcmp(a, "--purge-every") == 0) { NEEDS_VALUE(); o.purge_every = anchor_parse_u64(a, v); }
    else if (strcmp(a, "--bytes") == 0) { NEEDS_VALUE(); o.bytes = anchor_parse_u64(a, v); }
    else if (strcmp(a, "--timeout") == 0) { NEEDS_VALUE(); o.timeout_s = (double)anchor_parse_u64(a, v); }
    else if (strcmp(a, "--nodelay") == 0) o.nodelay = true;
    else if (strcmp(a, "--rx") == 0) {
      NEEDS_VALUE();
      if (strcmp(v, "verify") == 0) o.verify = true;
      else if (strcmp(v, "copy") == 0) o.verify = false;
      else usage();
    } else if (strcmp(a, "--clock") == 0) {
      NEEDS_VALUE();
      if (strcmp(v, "hybrid") == 0) o.hybrid_clock = true;
      else if (strcmp(v, "real") == 0) o.hybrid_clock = false;
      else usage();
    } else usage();
#undef NEEDS_VALUE
  }
  if (o.mode == ModeNone) usage();
  if (o.conns == 0 || o.concurrency == 0 || o.bytes == 0) anchor_die("--conns, --concurrency and --bytes must be > 0");
  if (o.concurrency > o.conns) o.concurrency = o.conns;
  return o;
}

int main(int argc, char **argv) {
  static Harness h; /* large (the link ring); zero-initialised */
  h.opt = parse_args(argc, argv);
  h.deadline_ns = anchor_mono_ns() + (uint64_t)(h.opt.timeout_s * 1e9);
  anchor_pattern_init();
  stack_init(&h);
  switch (h.opt.mode) {
    case ModeLifecycle: run_lifecycle(&h); break;
    case ModeBulk: run_bulk(&h); break;
    case ModeMem: run_mem(&h); break;
    case ModeInfo: run_info(); break;
    case ModeNone: usage();
  }
  return 0;
}
