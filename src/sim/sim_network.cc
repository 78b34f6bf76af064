#include "sim/sim_network.h"

#include <algorithm>

#include "base/bytes.h"
#include "wire/ipv4.h"

namespace synack::sim {

namespace {
// Derive independent seeds for links, ISN keys and port secrets (splitmix64).
uint64_t mix(uint64_t seed, uint64_t salt) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (salt + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
constexpr uint64_t kIsnSalt = 0x1000;
constexpr uint64_t kPortSalt = 0x2000;
constexpr uint64_t kLinkSalt = 0x3000;
constexpr int kMaxPollRounds = 64;  // apps acting on each other's output at one instant
}  // namespace

std::string_view to_string(RunStatus s) {
  switch (s) {
    case RunStatus::Idle: return "idle";
    case RunStatus::Done: return "done";
    case RunStatus::Elapsed: return "elapsed";
    case RunStatus::StepLimit: return "step limit reached";
    case RunStatus::TimeLimit: return "time limit reached";
  }
  return "?";
}

struct SimNetwork::Host {
  std::string name;
  wire::Ipv4Addr addr;
  std::unique_ptr<tcp::IsnGenerator> isn;
  std::unique_ptr<stack::Stack> stack;
  App* app = nullptr;
  link::PcapRecorder* recorder = nullptr;
  std::vector<Route> routes;
};

SimNetwork::SimNetwork(uint64_t seed, Instant start) : seed_(seed), now_(start), rx_buf_(65536) {}

SimNetwork::~SimNetwork() = default;

SimNetwork::Host& SimNetwork::host(HostId h) { return *hosts_.at(h); }
const SimNetwork::Host& SimNetwork::host(HostId h) const { return *hosts_.at(h); }

base::Expected<HostId, SimError> SimNetwork::add_host(HostConfig cfg) {
  for (const auto& h : hosts_) {
    if (h->addr == cfg.addr) return base::Unexpected(SimError::DuplicateAddress);
  }
  auto h = std::make_unique<Host>();
  uint64_t index = hosts_.size();
  h->name = std::move(cfg.name);
  h->addr = cfg.addr;
  h->isn = std::move(cfg.isn);
  if (!h->isn) {
    h->isn = std::make_unique<tcp::Rfc6528Isn>(tcp::Rfc6528Isn::key_from_seed(mix(seed_, kIsnSalt + index)));
  }
  stack::StackConfig sc = cfg.stack;
  sc.addr = cfg.addr;
  if (sc.port_secret == 0) sc.port_secret = mix(seed_, kPortSalt + index);
  h->stack = std::make_unique<stack::Stack>(sc, *h->isn);
  hosts_.push_back(std::move(h));
  return static_cast<HostId>(index);
}

base::Expected<void, SimError> SimNetwork::add_link(HostId a, HostId b, const LinkParams& a_to_b,
                                                    const LinkParams& b_to_a) {
  if (a >= hosts_.size() || b >= hosts_.size()) return base::Unexpected(SimError::UnknownHost);
  if (a == b) return base::Unexpected(SimError::SameHost);
  if (link(a, b)) return base::Unexpected(SimError::LinkExists);
  if (auto e = validate(a_to_b)) return base::Unexpected(*e);
  if (auto e = validate(b_to_a)) return base::Unexpected(*e);
  auto add = [&](HostId from, HostId to, const LinkParams& p) {
    auto l = std::make_unique<SimLink>(host(from).name, host(to).name, p, mix(seed_, kLinkSalt + links_.size()));
    l->set_observer(link_observer_);
    host(from).routes.push_back(Route{host(to).addr, l.get()});
    links_.push_back(std::move(l));
    link_dst_.push_back(to);
  };
  add(a, b, a_to_b);
  add(b, a, b_to_a);
  return {};
}

stack::Stack& SimNetwork::stack(HostId h) { return *host(h).stack; }
const stack::Stack& SimNetwork::stack(HostId h) const { return *host(h).stack; }
const std::string& SimNetwork::name(HostId h) const { return host(h).name; }
wire::Ipv4Addr SimNetwork::addr(HostId h) const { return host(h).addr; }
void SimNetwork::set_app(HostId h, App* app) { host(h).app = app; }
void SimNetwork::set_observer(HostId h, stack::Observer* o) { host(h).stack->set_observer(o); }
void SimNetwork::record(HostId h, link::PcapRecorder* rec) { host(h).recorder = rec; }

void SimNetwork::set_link_observer(link::LinkObserver* o) {
  link_observer_ = o;
  for (auto& l : links_) l->set_observer(o);
}

const SimLink* SimNetwork::link(HostId from, HostId to) const {
  if (from >= hosts_.size() || to >= hosts_.size()) return nullptr;
  for (const Route& r : host(from).routes) {
    if (r.dst == host(to).addr) return r.link;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Moving packets.

void SimNetwork::transmit(Host& h, base::Bytes packet) {
  if (h.recorder) h.recorder->record(now_, packet);
  // Route on the IPv4 destination (bytes 16..19); the stack only emits valid headers.
  if (packet.size() >= wire::kIpv4MinHeader) {
    wire::Ipv4Addr dst(base::load_be32(packet.data() + 16));
    for (const Route& r : h.routes) {
      if (r.dst == dst) {
        r.link->send(now_, packet);
        return;
      }
    }
  }
  ++no_route_;
}

void SimNetwork::deliver(size_t link_index) {
  auto n = links_[link_index]->receive(now_, rx_buf_);
  if (!n) return;
  Host& h = host(link_dst_[link_index]);
  base::Bytes packet(rx_buf_.data(), *n);
  if (h.recorder) h.recorder->record(now_, packet);
  h.stack->on_packet(now_, packet);
}

bool SimNetwork::poll_apps() {
  bool acted = false;
  for (auto& h : hosts_) {
    if (h->app && h->app->poll(now_)) acted = true;
  }
  return acted;
}

void SimNetwork::flush() {
  for (int round = 0; round < kMaxPollRounds; ++round) {
    for (auto& h : hosts_) {
      while (auto p = h->stack->poll_transmit()) transmit(*h, *p);
    }
    if (!poll_apps()) break;
  }
  for (auto& h : hosts_) {
    while (auto p = h->stack->poll_transmit()) transmit(*h, *p);
  }
}

// ---------------------------------------------------------------------------
// Events.

SimNetwork::Next SimNetwork::next_event() const {
  Next n;
  // Strict comparisons: at equal times packets come first, then timers, then
  // wake-ups, each in index order.
  for (size_t i = 0; i < links_.size(); ++i) {
    Instant at = links_[i]->next_arrival();
    if (at < n.at) n = Next{at, What::Packet, i};
  }
  for (size_t i = 0; i < hosts_.size(); ++i) {
    Instant at = hosts_[i]->stack->next_deadline();
    if (at < n.at) n = Next{at, What::Timer, i};
  }
  for (size_t i = 0; i < hosts_.size(); ++i) {
    if (!hosts_[i]->app) continue;
    Instant at = hosts_[i]->app->next_wakeup();
    if (at < n.at) n = Next{at, What::Wakeup, i};
  }
  return n;
}

bool SimNetwork::step() {
  flush();
  Next n = next_event();
  if (n.what == What::None) return false;
  now_ = std::max(now_, n.at);
  switch (n.what) {
    case What::Packet: deliver(n.index); break;
    case What::Timer: hosts_[n.index]->stack->on_timeout(now_); break;
    case What::Wakeup: break;  // the app is polled below
    case What::None: break;
  }
  ++steps_;
  flush();
  return true;
}

RunStatus SimNetwork::bounded(const RunLimits& limits, Instant start, uint64_t first_step) const {
  if (steps_ - first_step >= limits.max_steps) return RunStatus::StepLimit;
  Instant next = next_event().at;
  if (!next.is_never() && next > start + limits.max_time) return RunStatus::TimeLimit;
  return RunStatus::Done;  // "within bounds"
}

RunStatus SimNetwork::run_until_idle(const RunLimits& limits) {
  flush();
  const Instant start = now_;
  const uint64_t first = steps_;
  for (;;) {
    if (RunStatus b = bounded(limits, start, first); b != RunStatus::Done) return b;
    if (!step()) return RunStatus::Idle;
  }
}

RunStatus SimNetwork::run_for(Duration d, const RunLimits& limits) {
  flush();
  const Instant start = now_;
  const Instant end = now_ + d;
  const uint64_t first = steps_;
  for (;;) {
    if (steps_ - first >= limits.max_steps) return RunStatus::StepLimit;
    Next n = next_event();
    if (n.what == What::None || n.at > end) break;
    if (n.at > start + limits.max_time) return RunStatus::TimeLimit;
    step();
  }
  now_ = std::max(now_, end);
  return RunStatus::Elapsed;
}

RunStatus SimNetwork::run_until(const std::function<bool()>& pred, const RunLimits& limits) {
  flush();
  const Instant start = now_;
  const uint64_t first = steps_;
  for (;;) {
    if (pred()) return RunStatus::Done;
    if (RunStatus b = bounded(limits, start, first); b != RunStatus::Done) return b;
    if (!step()) return pred() ? RunStatus::Done : RunStatus::Idle;
  }
}

}  // namespace synack::sim
