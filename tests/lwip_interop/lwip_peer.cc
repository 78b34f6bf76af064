// LwipPeer: the lwIP side of the interop test (raw API, one thread). This is
// the only file that includes lwIP headers; see lwip_peer.h.
#include "lwip_peer.h"

#include <algorithm>
#include <sstream>

#include "common/conn_pair.h"  // pattern_byte
#include "lwip_host.h"

#include "lwip/ip4.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

namespace synack::lwip_interop {

namespace {

struct netif g_netif;

tcp::State to_state(enum tcp_state s) {
  switch (s) {
    case CLOSED: return tcp::State::Closed;
    case LISTEN: return tcp::State::Listen;
    case SYN_SENT: return tcp::State::SynSent;
    case SYN_RCVD: return tcp::State::SynReceived;
    case ESTABLISHED: return tcp::State::Established;
    case FIN_WAIT_1: return tcp::State::FinWait1;
    case FIN_WAIT_2: return tcp::State::FinWait2;
    case CLOSE_WAIT: return tcp::State::CloseWait;
    case CLOSING: return tcp::State::Closing;
    case LAST_ACK: return tcp::State::LastAck;
    case TIME_WAIT: return tcp::State::TimeWait;
  }
  return tcp::State::Closed;
}

wire::Ipv4Addr to_addr(const ip_addr_t& a) { return wire::Ipv4Addr(lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&a)))); }

wire::FourTuple tuple_of(const tcp_pcb* pcb) {
  return {{to_addr(pcb->local_ip), pcb->local_port}, {to_addr(pcb->remote_ip), pcb->remote_port}};
}

bool pcb_matches(const tcp_pcb* pcb, const wire::FourTuple& t) { return tuple_of(pcb) == t; }

LwipPcbInfo info_of(const tcp_pcb* pcb) {
  LwipPcbInfo i;
  i.state = to_state(pcb->state);
  i.mss = pcb->mss;
  i.wnd_scale = (pcb->flags & TF_WND_SCALE) != 0;
  i.snd_scale = pcb->snd_scale;
  i.rcv_scale = pcb->rcv_scale;
  i.snd_wnd = pcb->snd_wnd;
  i.rcv_wnd = pcb->rcv_wnd;
  i.nrtx = pcb->nrtx;
  return i;
}

void detach(tcp_pcb* pcb) {
  tcp_arg(pcb, nullptr);
  tcp_recv(pcb, nullptr);
  tcp_sent(pcb, nullptr);
  tcp_err(pcb, nullptr);
}

uint32_t peer_clock_ms(void* ctx) {
  return static_cast<uint32_t>(static_cast<const LwipPeer*>(ctx)->now().us() / 1000);
}

err_t netif_out(struct netif* nif, struct pbuf* p, const ip4_addr_t*) {
  // Copy now: lwIP keeps unacked segments and may change them later.
  std::vector<uint8_t> bytes(p->tot_len);
  if (pbuf_copy_partial(p, bytes.data(), p->tot_len, 0) != p->tot_len) return ERR_BUF;
  static_cast<LwipPeer*>(nif->state)->on_output(bytes);
  return ERR_OK;
}

// ---- application callbacks ----

void finish_if_due(LwipApp& app);

err_t app_recv(void* arg, tcp_pcb* pcb, pbuf* p, err_t err) {
  auto* app = static_cast<LwipApp*>(arg);
  if (p == nullptr) {  // the peer's FIN: end of stream
    if (app != nullptr) {
      app->peer_fin = true;
      finish_if_due(*app);
    }
    return ERR_OK;
  }
  if (app != nullptr && err == ERR_OK) {
    for (const pbuf* q = p; q != nullptr; q = q->next) {
      const auto* bytes = static_cast<const uint8_t*>(q->payload);
      for (size_t k = 0; k < q->len; ++k) {
        uint64_t off = app->received + k;
        if (off >= app->plan.expect_bytes || bytes[k] != testing::pattern_byte(off, app->plan.expect_salt)) {
          if (app->problem.empty())
            app->problem = "lwIP received a wrong byte at stream offset " + std::to_string(off);
          break;
        }
      }
      app->received += q->len;
    }
  }
  tcp_recved(pcb, p->tot_len);
  pbuf_free(p);
  return ERR_OK;
}

err_t app_sent(void* arg, tcp_pcb*, u16_t len) {
  auto* app = static_cast<LwipApp*>(arg);
  if (app != nullptr) {
    app->acked += len;
    // tcp_input flushes after the callback; service() refills the buffer.
  }
  return ERR_OK;
}

void app_err(void* arg, err_t err) {
  auto* app = static_cast<LwipApp*>(arg);
  if (app == nullptr) return;
  app->error = err;
  app->pcb = nullptr;  // lwIP freed it
}

err_t app_connected(void* arg, tcp_pcb*, err_t err) {
  auto* app = static_cast<LwipApp*>(arg);
  if (app != nullptr && err == ERR_OK) app->connected = true;
  return ERR_OK;
}

err_t app_accept(void* arg, tcp_pcb* pcb, err_t err) {
  if (err != ERR_OK || pcb == nullptr) return ERR_VAL;
  auto* plan = static_cast<const AppPlan*>(arg);
  LwipPeer* peer = static_cast<LwipPeer*>(g_netif.state);
  LwipApp* app = peer->adopt(pcb, *plan);
  app->connected = true;
  return ERR_OK;
}

// Passive close once everything was queued and the peer's FIN arrived.
void finish_if_due(LwipApp& app) {
  if (app.plan.close_on_peer_fin && app.peer_fin && !app.closed && app.pcb != nullptr &&
      app.queued == app.plan.send_bytes) {
    static_cast<LwipPeer*>(g_netif.state)->close(app);
  }
}

}  // namespace

std::string LwipPcbInfo::describe() const {
  std::ostringstream os;
  os << tcp::to_string(state) << " mss=" << mss << " ws=" << (wnd_scale ? "yes" : "no")
     << " snd_scale=" << int{snd_scale} << " rcv_scale=" << int{rcv_scale} << " snd_wnd=" << snd_wnd
     << " rcv_wnd=" << rcv_wnd << " nrtx=" << int{nrtx};
  return os.str();
}

LwipPeer* LwipPeer::instance(std::string* error) {
  static LwipPeer* peer = nullptr;
  static std::string init_error;
  if (peer == nullptr && init_error.empty()) {
    auto* p = new LwipPeer();
    const char* e = lwip_host_init(peer_clock_ms, p);
    if (e == nullptr) e = lwip_host_add_netif(&g_netif, "sy", 10, 0, 0, 2, 24, netif_out, p);
    if (e != nullptr) {
      init_error = e;
      delete p;
    } else {
      peer = p;
    }
  }
  if (peer == nullptr && error != nullptr) *error = init_error;
  return peer;
}

// ---- link ----

void LwipPeer::input(base::Bytes ip_packet) {
  pbuf* p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(ip_packet.size()), PBUF_RAM);
  if (p == nullptr) return;
  pbuf_take(p, ip_packet.data(), static_cast<u16_t>(ip_packet.size()));
  g_netif.input(p, &g_netif);  // ip4_input takes the pbuf in every case
}

void LwipPeer::on_output(base::Bytes packet) { out_.emplace_back(packet.begin(), packet.end()); }

std::optional<std::vector<uint8_t>> LwipPeer::poll_transmit() {
  if (out_.empty()) return std::nullopt;
  std::vector<uint8_t> p = std::move(out_.front());
  out_.pop_front();
  return p;
}

// ---- clock ----

void LwipPeer::set_now(Instant t) { now_ = std::max(now_, t); }

Instant LwipPeer::next_deadline() const {
  u32_t wait = sys_timeouts_sleeptime();
  if (wait == SYS_TIMEOUTS_SLEEPTIME_INFINITE) return Instant::never();
  int64_t now_ms = now_.us() / 1000;  // what sys_now() returns
  return Instant::from_micros((now_ms + int64_t{wait}) * 1000);
}

void LwipPeer::on_timeout() { sys_check_timeouts(); }

// ---- applications ----

bool LwipPeer::listen(uint16_t port, const AppPlan& plan) {
  tcp_pcb* pcb = tcp_new();
  if (pcb == nullptr) return false;
  ip_addr_t any = IPADDR4_INIT(0);
  if (tcp_bind(pcb, &any, port) != ERR_OK) {
    tcp_close(pcb);
    return false;
  }
  tcp_pcb* lpcb = tcp_listen(pcb);  // frees pcb
  if (lpcb == nullptr) return false;
  auto l = std::make_unique<Listener>();
  l->pcb = lpcb;
  l->plan = plan;
  tcp_arg(lpcb, &l->plan);
  tcp_accept(lpcb, app_accept);
  listeners_.push_back(std::move(l));
  return true;
}

LwipApp* LwipPeer::adopt(tcp_pcb* pcb, const AppPlan& plan) {
  auto app = std::make_unique<LwipApp>();
  app->plan = plan;
  app->pcb = pcb;
  tcp_arg(pcb, app.get());
  tcp_recv(pcb, app_recv);
  tcp_sent(pcb, app_sent);
  tcp_err(pcb, app_err);
  app->tuple = tuple_of(pcb);
  apps_.push_back(std::move(app));
  return apps_.back().get();
}

LwipApp* LwipPeer::connect(wire::Endpoint remote, uint16_t local_port, const AppPlan& plan,
                           std::string* error) {
  tcp_pcb* pcb = tcp_new();
  if (pcb == nullptr) {
    *error = "tcp_new failed";
    return nullptr;
  }
  ip_addr_t local = IPADDR4_INIT(lwip_htonl(addr().value()));
  if (err_t e = tcp_bind(pcb, &local, local_port); e != ERR_OK) {
    *error = "tcp_bind: err " + std::to_string(e);
    tcp_close(pcb);
    return nullptr;
  }
  LwipApp* app = adopt(pcb, plan);
  ip_addr_t dst = IPADDR4_INIT(lwip_htonl(remote.addr.value()));
  if (err_t e = tcp_connect(pcb, &dst, remote.port, app_connected); e != ERR_OK) {
    *error = "tcp_connect: err " + std::to_string(e);
    detach(pcb);
    tcp_abort(pcb);
    app->pcb = nullptr;
    return nullptr;
  }
  app->tuple = tuple_of(pcb);
  return app;
}

void LwipPeer::push_data(LwipApp& app) {
  static std::vector<uint8_t> scratch(0xffff);
  while (app.pcb != nullptr && app.queued < app.plan.send_bytes) {
    uint64_t room = std::min<uint64_t>({tcp_sndbuf(app.pcb), app.plan.send_bytes - app.queued, scratch.size()});
    if (room == 0 || tcp_sndqueuelen(app.pcb) >= TCP_SND_QUEUELEN) return;
    for (uint64_t i = 0; i < room; ++i) scratch[i] = testing::pattern_byte(app.queued + i, app.plan.send_salt);
    err_t e = tcp_write(app.pcb, scratch.data(), static_cast<u16_t>(room), TCP_WRITE_FLAG_COPY);
    if (e == ERR_MEM) return;  // segment queue full: the sent callback frees it
    if (e != ERR_OK) {
      if (app.problem.empty()) app.problem = "tcp_write: err " + std::to_string(e);
      return;
    }
    app.queued += room;
  }
}

void LwipPeer::service() {
  for (auto& app : apps_) {
    if (app->pcb == nullptr || !app->connected) continue;
    push_data(*app);
    finish_if_due(*app);
    if (app->pcb != nullptr) tcp_output(app->pcb);
  }
}

bool LwipPeer::close(LwipApp& app) {
  if (app.pcb == nullptr || app.closed) return false;
  err_t e = tcp_close(app.pcb);
  if (e != ERR_OK) {  // ERR_MEM: no memory for the FIN; the app may retry
    if (app.problem.empty()) app.problem = "tcp_close: err " + std::to_string(e);
    return false;
  }
  app.closed = true;
  app.pcb = nullptr;  // lwIP owns it now; its recv/err callbacks still reach the app
  return true;
}

// ---- inspection ----

std::optional<LwipPcbInfo> LwipPeer::pcb(const wire::FourTuple& t) const {
  for (const tcp_pcb* p = tcp_active_pcbs; p != nullptr; p = p->next)
    if (pcb_matches(p, t)) return info_of(p);
  for (const tcp_pcb* p = tcp_tw_pcbs; p != nullptr; p = p->next)
    if (pcb_matches(p, t)) return info_of(p);
  return std::nullopt;
}

std::string LwipPeer::describe_pcbs() const {
  std::ostringstream os;
  for (const tcp_pcb* list : {tcp_active_pcbs, tcp_tw_pcbs}) {
    for (const tcp_pcb* p = list; p != nullptr; p = p->next) {
      wire::FourTuple t = tuple_of(p);
      os << "  lwIP " << t.local.to_string() << " <-> " << t.remote.to_string() << ": "
         << info_of(p).describe() << " snd_nxt=" << p->snd_nxt << " lastack=" << p->lastack
         << " rcv_nxt=" << p->rcv_nxt << " unacked=" << (p->unacked != nullptr ? "yes" : "no")
         << " unsent=" << (p->unsent != nullptr ? "yes" : "no") << '\n';
    }
  }
  return os.str();
}

size_t LwipPeer::active_pcb_count() const {
  size_t n = 0;
  for (const tcp_pcb* p = tcp_active_pcbs; p != nullptr; p = p->next) ++n;
  return n;
}

size_t LwipPeer::time_wait_pcb_count() const {
  size_t n = 0;
  for (const tcp_pcb* p = tcp_tw_pcbs; p != nullptr; p = p->next) ++n;
  return n;
}

void LwipPeer::reset() {
  // Every active pcb belongs to this test: abort it without callbacks.
  for (int guard = 0; tcp_active_pcbs != nullptr && guard < 100000; ++guard) {
    tcp_pcb* p = tcp_active_pcbs;
    detach(p);
    tcp_abort(p);
  }
  for (tcp_pcb* p = tcp_tw_pcbs; p != nullptr; p = p->next) detach(p);
  for (auto& l : listeners_) tcp_close(l->pcb);
  listeners_.clear();
  apps_.clear();
  out_.clear();
}

}  // namespace synack::lwip_interop
