/* lwip_host: Debian's packaged lwIP (liblwip-dev 2.1.3) run inside one of our
 * processes, single-threaded, through its raw API. Shared by the benchmark
 * anchor (bench/anchors/lwip_anchor.c) and the synack <-> lwIP interop test
 * (tests/lwip_interop). Background: shared/docs/lwip-notes.md.
 *
 * What it does:
 *  - The clock. It defines sys_now(), which the library calls through its PLT;
 *    targets linking lwip_host export it (-Wl,--export-dynamic-symbol=sys_now)
 *    so liblwip uses ours instead of its CLOCK_MONOTONIC one. sys_now()
 *    returns whatever the caller's clock function says (real, hybrid or
 *    virtual time), in milliseconds.
 *  - lwip_init() without tcpip_init(): no thread is started, and the
 *    core-locking assert stays inert. Timers run only when the caller calls
 *    sys_check_timeouts(); sys_timeouts_sleeptime() says when that is due.
 *  - Checks that the library is usable this way: our sys_now() is called,
 *    the process still has one thread, and our headers describe the binary
 *    (memp TCP_PCB element size, a fresh pcb's snd_buf and rcv_wnd).
 *  - IP-level netifs (no ARP, no Ethernet, MTU 1500) whose output is the
 *    caller's function.
 *
 * What the caller must do: never allocate PBUF_POOL pbufs (the packaged
 * library's pool elements are too small, see lwip-notes), copy packets out of
 * netif->output (lwIP keeps unacked segments and rewrites headers in place on
 * input), and never call back into lwIP from inside an output function. */
#pragma once

#include <stdint.h>

#include "lwip/netif.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Milliseconds for sys_now(). lwIP compares times with wrap-around, so any
 * monotonic 32-bit millisecond count will do. */
typedef uint32_t (*LwipHostClock)(void *ctx);

/* Calls lwip_init() with `clock` behind sys_now() and runs the checks above.
 * Returns NULL on success, otherwise a message (static storage). Call once per
 * process: lwIP's state is global. */
const char *lwip_host_init(LwipHostClock clock, void *ctx);

/* Number of sys_now() calls so far (a check that the library uses ours). */
uint64_t lwip_host_sys_now_calls(void);

/* Adds and brings up an IP-level netif named `name` (two characters) with
 * address a.b.c.d and a /`prefix_len` mask, no gateway. `output` receives
 * every IPv4 packet the netif sends (copy it before returning); nif->state is
 * set to `state`. IPv6 output is refused. Returns NULL or a message. */
const char *lwip_host_add_netif(struct netif *nif, const char *name, uint8_t a, uint8_t b, uint8_t c,
                                uint8_t d, int prefix_len, netif_output_fn output, void *state);

#ifdef __cplusplus
}
#endif
