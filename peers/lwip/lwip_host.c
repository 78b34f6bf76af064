/* lwip_host: the clock, lwip_init() with its checks, and IP-level netifs for
 * running Debian's packaged lwIP in-process from one thread. See lwip_host.h. */
#include "lwip_host.h"

#include <stdio.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip4.h"
#include "lwip/memp.h"
#include "lwip/priv/memp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

/* The Hurd's posix/inet.h redefines TCP_MSS to 512 via <netinet/tcp.h>; we
 * must see the value the TCP core was compiled with. */
#if TCP_MSS != 1460
#error "TCP_MSS is not 1460: a header pulled in <netinet/tcp.h>"
#endif

/* ---- clock: our sys_now(), used by the library through its PLT ----------- */

static LwipHostClock g_clock;
static void *g_clock_ctx;
static uint64_t g_sys_now_calls;

u32_t sys_now(void);
u32_t sys_now(void) {
  ++g_sys_now_calls;
  return g_clock != NULL ? g_clock(g_clock_ctx) : 0;
}

uint64_t lwip_host_sys_now_calls(void) { return g_sys_now_calls; }

/* ---- init and checks -------------------------------------------------------- */

static int thread_count(void) {
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

const char *lwip_host_init(LwipHostClock clock, void *ctx) {
  static int initialised;
  if (initialised) return "lwip_host_init called twice (lwIP state is global)";
  initialised = 1;
  g_clock = clock;
  g_clock_ctx = ctx;
  int threads_before = thread_count();
  lwip_init();

  /* The library must call our sys_now (exported from the executable). */
  uint64_t before = g_sys_now_calls;
  (void)sys_timeouts_sleeptime();
  if (g_sys_now_calls == before)
    return "liblwip does not call our sys_now(); link with -Wl,--export-dynamic-symbol=sys_now";
  /* lwip_init() must not have started a thread (we never call tcpip_init). */
  if (thread_count() != threads_before) return "lwip_init() started a thread";
  /* Our headers must describe the binary. */
  if (memp_pools[MEMP_TCP_PCB]->size != LWIP_MEM_ALIGN_SIZE(sizeof(struct tcp_pcb)))
    return "memp TCP_PCB element size != sizeof(struct tcp_pcb): headers do not match liblwip";
  struct tcp_pcb *probe = tcp_new();
  if (probe == NULL) return "tcp_new failed";
  int fresh_ok = probe->snd_buf == TCP_SND_BUF && probe->rcv_wnd == TCP_WND;
  tcp_close(probe);
  if (!fresh_ok) return "a fresh pcb's snd_buf/rcv_wnd differ from TCP_SND_BUF/TCP_WND: headers do not match liblwip";
  return NULL;
}

/* ---- netifs ------------------------------------------------------------------ */

static err_t refuse_ip6(struct netif *nif, struct pbuf *p, const ip6_addr_t *dst) {
  (void)nif, (void)p, (void)dst;
  return ERR_RTE;
}

static netif_output_fn g_pending_output; /* handed to netif_setup by lwip_host_add_netif */

static err_t netif_setup(struct netif *nif) {
  nif->mtu = 1500;
  nif->output = g_pending_output;
  nif->output_ip6 = refuse_ip6;
  nif->flags = 0; /* no ARP, no broadcast, no IGMP/MLD */
  return ERR_OK;
}

const char *lwip_host_add_netif(struct netif *nif, const char *name, uint8_t a, uint8_t b, uint8_t c,
                                uint8_t d, int prefix_len, netif_output_fn output, void *state) {
  if (prefix_len < 0 || prefix_len > 32) return "bad prefix length";
  ip4_addr_t addr, mask, gw;
  IP4_ADDR(&addr, a, b, c, d);
  ip4_addr_set_u32(&mask, lwip_htonl(prefix_len == 0 ? 0 : 0xffffffffu << (32 - prefix_len)));
  ip4_addr_set_zero(&gw);
  g_pending_output = output;
  struct netif *added = netif_add(nif, &addr, &mask, &gw, state, netif_setup, ip4_input);
  g_pending_output = NULL;
  if (added == NULL) return "netif_add failed";
  memcpy(nif->name, name, 2);
  netif_set_up(nif);
  netif_set_link_up(nif);
  return NULL;
}
