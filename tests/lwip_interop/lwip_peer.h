#pragma once
// LwipPeer: Debian's lwIP as the other end of an interop test, in this process.
//
// lwIP keeps global state, so there is one peer per process: one lwIP instance
// with ONE IP-level netif, 10.0.0.2/24. Everything it sends leaves through that
// netif's output, is copied, and waits in poll_transmit(); packets for it go in
// through input(), copied into a PBUF_RAM pbuf (never PBUF_POOL: see
// shared/docs/lwip-notes.md). With a single netif and the synack host
// (10.0.0.1) on its subnet, routing never takes lwIP's loopback path, so
// neither tcp_bind_netif() nor a default netif is needed and RSTs for unknown
// connections leave normally.
//
// Time: sys_now() (peers/lwip) returns the peer's virtual clock in ms, which
// the test's pump also hands to the synack stack. set_now() moves it forward
// (never back); on_timeout() runs lwIP's due timers; next_deadline() is when
// the next one is due.
//
// Applications: small raw-API apps (LwipApp) that send a pattern stream,
// verify what they receive, and close when told or when the peer's FIN
// arrives. Their callbacks only touch the app and lwIP, never the link.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"
#include "tcp/state.h"
#include "wire/ipv4_addr.h"

struct tcp_pcb;

namespace synack::lwip_interop {

using base::Instant;

// What one side's application does with a connection.
struct AppPlan {
  uint64_t send_bytes = 0;   // pattern bytes to send (salt send_salt)
  uint64_t send_salt = 0;
  uint64_t expect_bytes = 0; // pattern bytes the peer sends us (salt expect_salt)
  uint64_t expect_salt = 0;
  bool close_on_peer_fin = false;  // passive close: close once the peer's FIN arrived
};

// One lwIP connection's application state, updated from lwIP's callbacks.
struct LwipApp {
  AppPlan plan;
  tcp_pcb* pcb = nullptr;  // null once the app closed it (lwIP owns it) or lwIP freed it
  wire::FourTuple tuple;   // from lwIP's side (local = 10.0.0.2)
  bool connected = false;  // connected callback (client) or accepted (server)
  uint64_t queued = 0;     // bytes handed to tcp_write
  uint64_t acked = 0;      // bytes the sent callback reported
  uint64_t received = 0;   // in-order bytes delivered to the recv callback
  bool peer_fin = false;   // recv callback with p == NULL
  bool closed = false;     // the app called tcp_close
  std::optional<int> error;  // err callback (lwIP freed the pcb): ERR_RST, ERR_ABRT...
  std::string problem;       // first pattern mismatch or API failure
};

// A snapshot of an lwIP pcb, for assertions and failure reports.
struct LwipPcbInfo {
  tcp::State state = tcp::State::Closed;
  uint16_t mss = 0;          // effective send MSS
  bool wnd_scale = false;    // TF_WND_SCALE: window scaling negotiated
  uint8_t snd_scale = 0;     // shift lwIP applies to the peer's window field
  uint8_t rcv_scale = 0;     // shift lwIP applies to its own window field
  uint32_t snd_wnd = 0;
  uint32_t rcv_wnd = 0;
  uint8_t nrtx = 0;          // retransmissions of the current segment
  std::string describe() const;
};

class LwipPeer {
 public:
  // The process's peer; the first call initialises lwIP and fails the calling
  // test (returns nullptr) if the library is not usable as lwip_host expects.
  static LwipPeer* instance(std::string* error);

  static wire::Ipv4Addr addr() { return wire::Ipv4Addr(10, 0, 0, 2); }

  // ---- link side ----
  void input(base::Bytes ip_packet);
  std::optional<std::vector<uint8_t>> poll_transmit();
  bool has_output() const { return !out_.empty(); }

  // ---- clock ----
  Instant now() const { return now_; }
  void set_now(Instant t);
  Instant next_deadline() const;
  void on_timeout();

  // ---- applications ----
  // Listen on `port`; every accepted connection gets a new LwipApp with `plan`.
  bool listen(uint16_t port, const AppPlan& plan);
  // Active open from local_port to remote. nullptr (and *error) on failure.
  LwipApp* connect(wire::Endpoint remote, uint16_t local_port, const AppPlan& plan, std::string* error);
  // Every app of this test (accepted or connecting), in creation order.
  const std::deque<std::unique_ptr<LwipApp>>& apps() const { return apps_; }
  // Writes what the apps still have to send (as far as the send buffer allows)
  // and flushes; the pump calls it every step.
  void service();
  // Active close of an app's connection (tcp_close).
  bool close(LwipApp& app);

  // ---- inspection ----
  // lwIP's pcb for a tuple seen from lwIP's side; nullopt once lwIP freed it.
  std::optional<LwipPcbInfo> pcb(const wire::FourTuple& t) const;
  // Every active and TIME_WAIT pcb, one per line ("" if none).
  std::string describe_pcbs() const;
  size_t active_pcb_count() const;
  size_t time_wait_pcb_count() const;

  // Ends a test: detaches every app (aborting connections lwIP still has
  // active, closing the listeners) and drops queued output. TIME_WAIT pcbs
  // stay and expire on lwIP's clock; tests use fresh ports.
  void reset();

  // lwIP callbacks (C linkage trampolines in lwip_peer.cc).
  void on_output(base::Bytes packet);
  LwipApp* adopt(tcp_pcb* pcb, const AppPlan& plan);

 private:
  LwipPeer() = default;
  struct Listener {
    tcp_pcb* pcb = nullptr;
    AppPlan plan;
  };
  void push_data(LwipApp& app);

  Instant now_ = Instant::from_micros(1'000'000);
  std::deque<std::vector<uint8_t>> out_;
  std::deque<std::unique_ptr<LwipApp>> apps_;
  std::vector<std::unique_ptr<Listener>> listeners_;
};

}  // namespace synack::lwip_interop
