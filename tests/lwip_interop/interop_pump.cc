// InteropPump and SynackApp: see interop_pump.h.
#include "interop_pump.h"

#include <algorithm>
#include <sstream>

#include "common/conn_pair.h"  // pattern_byte

namespace synack::lwip_interop {

// ---------------------------------------------------------------------------
// SynackApp

void SynackApp::service(stack::Stack& s, Instant now) {
  if (!id_ && listen_port_ != 0) id_ = s.accept(listen_port_);
  if (!id_ || closed_) return;
  const tcp::Connection* c = s.connection(*id_);
  if (c == nullptr) return;
  tuple_ = c->tuple();
  // Send what fits: fill only as many pattern bytes as the stack will take.
  for (int guard = 0; guard < 64 && sent_ < plan_.send_bytes; ++guard) {
    size_t n = std::min<uint64_t>({c->send_space(), plan_.send_bytes - sent_, buf_.size()});
    if (n == 0) break;
    for (size_t i = 0; i < n; ++i) buf_[i] = testing::pattern_byte(sent_ + i, plan_.send_salt);
    auto r = s.send(now, *id_, base::Bytes(buf_.data(), n));
    if (!r || *r == 0) break;
    sent_ += *r;
  }
  // Read and verify everything in order.
  for (int guard = 0; guard < 64; ++guard) {
    auto r = s.recv(now, *id_, buf_);
    if (!r) {
      if (r.error() == tcp::Error::ConnectionClosing) eof_ = true;
      else if (!error_) error_ = r.error();
      break;
    }
    if (*r == 0) break;
    for (size_t k = 0; k < *r; ++k) {
      uint64_t off = received_ + k;
      if (off >= plan_.expect_bytes || buf_[k] != testing::pattern_byte(off, plan_.expect_salt)) {
        if (problem_.empty()) problem_ = "synack received a wrong byte at stream offset " + std::to_string(off);
        break;
      }
    }
    received_ += *r;
  }
  if (plan_.close_on_peer_fin && eof_ && sent_ == plan_.send_bytes) close(s, now);
}

void SynackApp::on_event(const stack::StackEvent& e) {
  if (e.kind != stack::StackEvent::Kind::Connection || !id_ || !(e.conn == *id_)) return;
  if (e.event.kind == tcp::EventKind::Closed && e.event.error && !error_) error_ = e.event.error;
}

void SynackApp::close(stack::Stack& s, Instant now) {
  if (!id_ || closed_) return;
  if (const tcp::Connection* c = s.connection(*id_)) tuple_ = c->tuple();
  s.close(now, *id_);
  closed_ = true;
}

std::string SynackApp::describe() const {
  std::ostringstream os;
  os << "synack app: sent=" << sent_ << "/" << plan_.send_bytes << " received=" << received_ << "/"
     << plan_.expect_bytes << " eof=" << eof_ << " closed=" << closed_;
  if (error_) os << " error=" << *error_;
  if (!problem_.empty()) os << " problem=\"" << problem_ << '"';
  return os.str();
}

// ---------------------------------------------------------------------------
// InteropPump

InteropPump::InteropPump(LwipPeer& peer, const stack::StackConfig& cfg, uint32_t synack_isn)
    : peer_(peer), isn_(synack_isn), start_(peer.now()) {
  stack::StackConfig c = cfg;
  c.addr = kSynackAddr;
  stack_ = std::make_unique<stack::Stack>(c, isn_);
  stack_->set_observer(this);
}

InteropPump::~InteropPump() {
  stack_->set_observer(nullptr);
  peer_.reset();
}

void InteropPump::carry(base::Bytes packet, bool to_lwip) {
  DirectionStats& st = to_lwip ? to_lwip_ : to_synack_;
  bool drop = rng_.chance(loss_);
  auto seg = trace::SegmentInfo::decode(packet);
  ++st.packets;
  if (drop) ++st.dropped;
  if (seg) {
    st.payload_bytes += seg->len;
    st.max_payload = std::max(st.max_payload, seg->len);
    bool syn = seg->flags & tcp::flags::kSyn;
    if (seg->flags & tcp::flags::kRst) ++st.rst;
    if (seg->options.timestamps && !syn) ++st.with_timestamps;
    if (seg->options.sack_count > 0) ++st.with_sack_blocks;
    if (syn && !seg->has_ack() && !st.syn_options) st.syn_options = seg->options;
    if (syn && seg->has_ack() && !st.syn_ack_options) st.syn_ack_options = seg->options;
  }
  Sent sent{now(), to_lwip, drop, seg, packet.size()};
  if (head_.size() < kHeadLen) head_.push_back(sent);
  constexpr uint8_t kControl = tcp::flags::kSyn | tcp::flags::kFin | tcp::flags::kRst;
  if (seg && (seg->flags & kControl) && control_.size() < kControlLen) control_.push_back(sent);
  trace_.push_back(sent);
  if (trace_.size() > kTraceLen) trace_.pop_front();
  if (drop) return;
  if (to_lwip) peer_.input(packet);
  else stack_->on_packet(now(), packet);
}

bool InteropPump::step() {
  ++steps_;
  app_.service(*stack_, now());
  peer_.service();
  bool moved = false;
  while (auto p = peer_.poll_transmit()) {
    carry(*p, false);
    moved = true;
  }
  // synack is drained last, so between steps it has sent everything its
  // inputs caused (the stack produces segments, and reaps or compacts closed
  // connections, lazily in poll_transmit). lwIP acts at once on input; what it
  // sends in reply waits for the next step.
  while (auto p = stack_->poll_transmit()) {
    carry(*p, true);
    moved = true;
  }
  while (auto e = stack_->poll_event()) app_.on_event(*e);
  return moved;
}

void InteropPump::fire_timers(Instant limit) {
  Instant next = std::min(stack_->next_deadline(), peer_.next_deadline());
  if (next > now()) peer_.set_now(std::min(next, limit));
  if (stack_->next_deadline() <= now()) stack_->on_timeout(now());
  peer_.on_timeout();
}

bool InteropPump::run_until(const std::function<bool()>& done, std::string_view what, Duration max_time,
                            uint64_t max_steps) {
  const Instant limit = now() + max_time;
  for (uint64_t i = 0; i < max_steps; ++i) {
    if (done()) return true;
    if (step()) continue;
    if (now() >= limit) {
      failure_ = "waiting for " + std::string(what) + ": not done within " + std::to_string(max_time.ms()) +
                 " ms of virtual time";
      return false;
    }
    fire_timers(limit);
  }
  if (done()) return true;
  failure_ = "waiting for " + std::string(what) + ": not done after " + std::to_string(max_steps) + " steps";
  return false;
}

void InteropPump::advance(Duration d) {
  const Instant end = now() + d;
  for (uint64_t i = 0; i < 10'000'000 && now() < end; ++i) {
    if (!step()) fire_timers(end);
  }
  // Deliver what the last timers produced.
  for (int i = 0; i < 100000 && step(); ++i) {
  }
}

void InteropPump::on_state_change(Instant at, const wire::FourTuple& t, tcp::State from, tcp::State to,
                                  tcp::Cause cause) {
  changes_.push_back({at, t, from, to, cause});
  if (!tcp::is_legal_transition(from, to)) {
    illegal_.push_back(std::string(tcp::to_string(from)) + " -> " + std::string(tcp::to_string(to)) + " (" +
                       std::string(tcp::to_string(cause)) + ")");
  }
}

std::vector<tcp::State> InteropPump::synack_path(const wire::FourTuple& t) const {
  std::vector<tcp::State> path;
  for (const auto& c : changes_) {
    if (!(c.tuple == t)) continue;
    if (path.empty()) path.push_back(c.from);
    path.push_back(c.to);
  }
  return path;
}

namespace {
std::string describe_counters(const tcp::ConnCounters& c) {
  std::ostringstream os;
  os << "retransmits=" << c.retransmits << " timeouts=" << c.timeouts << " fast_retransmits=" << c.fast_retransmits
     << " dup_acks_in=" << c.dup_acks_in << " drops=" << c.drops << " last_drop=" << tcp::to_string(c.last_drop);
  return os.str();
}
}  // namespace

std::string InteropPump::report() const {
  std::ostringstream os;
  os << "---- interop report: " << (failure_.empty() ? "(no pump failure)" : failure_) << '\n';
  os << "virtual time +" << (now() - start_).ms() << " ms, " << steps_ << " steps\n";
  os << app_.describe() << '\n';
  const wire::FourTuple& t = app_.tuple();
  os << "synack " << t.local.to_string() << " <-> " << t.remote.to_string() << ": "
     << tcp::to_string(stack_->state_of(t)) << ", time_wait_count=" << stack_->time_wait_count() << '\n';
  if (auto id = stack_->find(t)) {
    if (const tcp::Connection* c = stack_->connection(*id)) {
      os << "  snd.una=" << c->snd().una.value() << " snd.nxt=" << c->snd().nxt.value()
         << " snd.wnd=" << c->snd().wnd << " snd.mss=" << c->snd().mss << " rcv.nxt=" << c->rcv().nxt.value()
         << " rcv_wnd=" << c->rcv_wnd() << " queued=" << c->send_queued() << "\n  " << describe_counters(c->counters())
         << '\n';
    }
  }
  os << "  stack drops=" << stack_->counters().drops_total() << " rst_out=" << stack_->counters().rst_out << '\n';
  for (const auto& app : peer_.apps()) {
    os << "lwIP app " << app->tuple.local.to_string() << " <-> " << app->tuple.remote.to_string()
       << ": queued=" << app->queued << "/" << app->plan.send_bytes << " acked=" << app->acked
       << " received=" << app->received << "/" << app->plan.expect_bytes << " connected=" << app->connected
       << " peer_fin=" << app->peer_fin << " closed=" << app->closed;
    if (app->error) os << " err=" << *app->error;
    if (!app->problem.empty()) os << " problem=\"" << app->problem << '"';
    os << '\n';
  }
  os << peer_.describe_pcbs();
  os << "link: synack->lwIP " << to_lwip_.packets << " packets (" << to_lwip_.dropped << " dropped), lwIP->synack "
     << to_synack_.packets << " (" << to_synack_.dropped << " dropped)\n";
  auto print = [&](const Sent& s) {
    os << "  +" << static_cast<double>((s.at - start_).us()) / 1000.0 << "ms "
       << (s.to_lwip ? "synack -> lwIP " : "lwIP -> synack ");
    if (s.seg) os << s.seg->src_port << ">" << s.seg->dst_port << ' ' << s.seg->describe();
    else os << "(not TCP/IPv4, " << s.bytes << " bytes)";
    if (s.dropped) os << "  [DROPPED]";
    os << '\n';
  };
  uint64_t total = to_lwip_.packets + to_synack_.packets;
  os << "first " << head_.size() << " packets:\n";
  for (const Sent& s : head_) print(s);
  os << "SYN, FIN and RST packets (first " << kControlLen << "):\n";
  for (const Sent& s : control_) print(s);
  os << "last " << trace_.size() << " of " << total << " packets:\n";
  for (const Sent& s : trace_) print(s);
  return os.str();
}

}  // namespace synack::lwip_interop
