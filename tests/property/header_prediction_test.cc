// Header prediction (Config::header_prediction) is a shortcut, not a
// behaviour: a connection with it and one without, given the same inputs, must
// end in the same state, send the same segments and report the same events.
//
// Two checks. Twins: one connection of each kind, driven by identical random
// inputs aimed at the predicted shapes and just beside them (sequence number one
// off, the window changed, a stale timestamp, SACK blocks, odd flags, data past
// the window), compared after every input. Pairs: a whole lossy, reordering
// transfer run twice from one seed, compared segment by segment.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "base/rng.h"
#include "common/bulk_app.h"
#include "common/conn_pair.h"
#include "tcp/connection.h"

namespace synack::testing {
namespace {

using tcp::DropReason;
using tcp::Segment;
using tcp::State;
namespace flags = tcp::flags;

std::string format_segment(const Segment& s) {
  std::ostringstream o;
  o << tcp::describe(s) << " urg=" << s.urg;
  const auto& op = s.options;
  if (op.mss) o << " mss=" << *op.mss;
  if (op.window_scale) o << " ws=" << int{*op.window_scale};
  if (op.sack_permitted) o << " sackok";
  if (op.timestamps) o << " ts=" << op.timestamps->val << "/" << op.timestamps->ecr;
  for (const auto& b : op.sack_blocks()) o << " sack=" << b.left << "-" << b.right;
  o << " data=";
  for (uint8_t b : s.payload) o << static_cast<char>('a' + b % 26);
  return o.str();
}

// Everything the owner of a connection can observe; draining events and
// segments is part of the observation (they are compared, not lost).
std::string observe(tcp::Connection& c, base::Instant now, std::vector<Segment>* sent = nullptr,
                    std::vector<std::vector<uint8_t>>* payloads = nullptr) {
  std::ostringstream o;
  const auto& s = c.snd();
  const auto& r = c.rcv();
  auto i = c.info();
  const auto& k = c.counters();
  o << to_string(c.state()) << " snd=" << s.iss.value() << "," << s.una.value() << "," << s.nxt.value() << ","
    << s.max.value() << "," << s.wl1.value() << "," << s.wl2.value() << "," << s.wnd << "," << s.max_wnd << ","
    << s.mss << "," << int{s.wscale} << "," << int{s.dup_acks} << " rcv=" << r.irs.value() << "," << r.nxt.value()
    << "," << r.adv.value() << "," << int{r.wscale} << "," << int{r.unacked_segs} << "," << int{r.quick_acks_left}
    << " rtt=" << i.rtt_us << "," << i.rttvar_us << "," << i.rto_us << " cc=" << i.snd_cwnd << ","
    << i.snd_ssthresh << " rwnd=" << i.rcv_wnd << " retx=" << int{i.retransmits} << "," << i.total_retrans
    << " k=" << k.drops << "," << k.retransmits << "," << k.timeouts << "," << k.fast_retransmits << ","
    << k.dup_acks_in << "," << k.challenge_acks << "," << k.probes << "," << to_string(k.last_drop)
    << " avail=" << c.recv_available() << " space=" << c.send_space() << " queued=" << c.send_queued()
    << " fin=" << c.peer_fin_received() << " urgent=" << c.urgent_remaining()
    << " deadline=" << (c.next_deadline().is_never() ? -1 : c.next_deadline().us())
    << " ecn=" << c.ecn_enabled() << "," << k.ecn_ce_received << "," << k.ecn_reductions;
  if (c.error()) o << " error=" << to_string(*c.error());
  while (auto e = c.poll_event()) {
    o << " event=" << to_string(e->kind) << "," << to_string(e->from) << "," << to_string(e->to) << ","
      << to_string(e->cause);
    if (e->error) o << "," << to_string(*e->error);
  }
  std::vector<uint8_t> buf(9000);
  for (int n = 0; n < 10000; ++n) {
    auto seg = c.poll_transmit(now, buf);
    if (!seg) break;
    o << " out=[" << format_segment(*seg) << " ip_ecn=" << int{seg->ecn} << "]";
    if (sent) {
      sent->push_back(*seg);
      payloads->emplace_back(seg->payload.begin(), seg->payload.end());
      sent->back().payload = {};
    }
  }
  return o.str();
}

// One connection with header prediction and one without, fed the same inputs.
class Twins {
 public:
  explicit Twins(uint64_t seed) : rng_(seed) {
    auto quick_acks = static_cast<uint8_t>(rng_.below(3));
    ecn_ = rng_.chance(0.5);  // RFC 3168: CE marks reach the predicted path's text too
    for (int k = 0; k < 2; ++k) {
      env_[k].config.header_prediction = k == 0;
      env_[k].config.quick_acks = quick_acks;
      env_[k].config.ecn = ecn_;
      env_[k].isn = &isn_;
      conn_[k] = std::make_unique<tcp::Connection>(env_[k], kTuple);
    }
    // A small receive buffer, so that data past the window happens often.
    uint32_t rcvbuf = static_cast<uint32_t>(2048 + rng_.below(16384));
    for (auto& c : conn_) EXPECT_TRUE(c->set_recv_buffer(rcvbuf));
  }

  tcp::Connection& on() { return *conn_[0]; }

  // Applies `f` to both and compares what can be observed afterwards.
  template <class F>
  void both(const char* what, F f) {
    auto r0 = f(*conn_[0]);
    auto r1 = f(*conn_[1]);
    sent_.clear();
    payloads_.clear();
    std::string o0 = observe(*conn_[0], now_, &sent_, &payloads_);
    std::string o1 = observe(*conn_[1], now_);
    ++steps_;
    if (o0 != o1 || r0 != r1) {
      ADD_FAILURE() << "diverged at step " << steps_ << " (" << what << ")\n  with:    " << o0
                    << "\n  without: " << o1;
      diverged_ = true;
    }
  }

  void handshake() {
    both("connect", [&](tcp::Connection& c) { return c.connect(now_).has_value(); });
    ASSERT_FALSE(sent_.empty());
    const Segment& syn = sent_.front();
    Segment sa;
    sa.seq = tcp::SeqNum(kPeerIss);
    sa.ack = syn.seq + 1;
    sa.flags = flags::kSyn | flags::kAck;
    if (ecn_) sa.flags |= flags::kEce;  // the ECN-setup SYN,ACK
    sa.wnd = 65535;
    sa.options.mss = static_cast<uint16_t>(536 + rng_.below(1000));
    if (rng_.chance(0.8)) sa.options.window_scale = static_cast<uint8_t>(rng_.below(8));
    sa.options.sack_permitted = rng_.chance(0.7);
    if (rng_.chance(0.8) && syn.options.timestamps) sa.options.timestamps = wire::Timestamps{peer_ts_, syn.options.timestamps->val};
    peer_wscale_ = sa.options.window_scale.value_or(0);
    now_ = now_ + Duration::millis(static_cast<int64_t>(1 + rng_.below(50)));
    deliver("SYN,ACK", sa);
  }

  void deliver(const char* what, const Segment& s) {
    note(s);
    both(what, [&](tcp::Connection& c) { return c.on_segment(now_, s); });
  }

  // One random input: a segment from the peer (most of the time), a user
  // call, or time passing.
  void step() {
    uint64_t dice = rng_.below(100);
    if (dice < 70) {
      Segment s = peer_segment();
      tcp::SeqNum nxt0 = on().rcv().nxt, una0 = on().snd().una;
      deliver("segment", s);
      if (s.len() > 0 && on().rcv().nxt != nxt0) ++data_in_order_;
      if (s.len() == 0 && on().snd().una != una0) ++new_acks_;
    } else if (dice < 82) {
      size_t n = rng_.below(4000);
      std::vector<uint8_t> d(n);
      for (size_t i = 0; i < n; ++i) d[i] = pattern_byte(sent_bytes_ + i, 3);
      both("send", [&](tcp::Connection& c) {
        auto r = c.send(now_, d);
        return r ? static_cast<int64_t>(*r) : -1;
      });
      sent_bytes_ += n;
    } else if (dice < 94) {
      size_t n = rng_.below(6000);
      std::vector<uint8_t> d0(n), d1(n);
      auto r0 = conn_[0]->recv(now_, d0);
      auto r1 = conn_[1]->recv(now_, d1);
      EXPECT_EQ(r0.has_value(), r1.has_value());
      if (r0 && r1) {
        EXPECT_TRUE(*r0 == *r1 && std::equal(d0.begin(), d0.begin() + static_cast<long>(*r0), d1.begin()));
      }
      both("recv", [](tcp::Connection&) { return 0; });
    } else {
      now_ = now_ + Duration::millis(static_cast<int64_t>(rng_.below(rng_.chance(0.8) ? 60 : 2000)));
      both("timeout", [&](tcp::Connection& c) {
        if (c.next_deadline() <= now_) c.on_timeout(now_);
        return 0;
      });
    }
  }

  bool diverged() const { return diverged_; }
  uint64_t data_in_order() const { return data_in_order_; }
  uint64_t new_acks() const { return new_acks_; }

 private:
  static constexpr uint32_t kPeerIss = 5000;
  static inline const wire::FourTuple kTuple{{wire::Ipv4Addr(10, 0, 0, 1), 40000}, {wire::Ipv4Addr(10, 0, 0, 2), 80}};

  // Remember the peer's own timestamp and window so later segments repeat them.
  void note(const Segment& s) {
    if (s.options.timestamps && static_cast<int32_t>(s.options.timestamps->val - peer_ts_) > 0)
      peer_ts_ = s.options.timestamps->val;
    if (!s.syn()) peer_wnd_ = s.wnd;
  }

  // Mostly what the predicted paths expect; often one thing off.
  Segment peer_segment() {
    const auto& c = on();
    Segment s;
    s.flags = flags::kAck;
    if (rng_.chance(0.3)) s.flags |= flags::kPsh;
    if (rng_.chance(0.03)) {
      static constexpr uint8_t kOdd[] = {flags::kFin, flags::kUrg, flags::kEce, flags::kCwr, flags::kRst, flags::kSyn};
      s.flags |= kOdd[rng_.below(std::size(kOdd))];
    }
    if (rng_.chance(0.01)) s.flags &= static_cast<uint8_t>(~flags::kAck);
    s.seq = c.rcv().nxt;
    if (rng_.chance(0.1)) s.seq = s.seq + static_cast<uint32_t>(rng_.below(3000)) - 1500;
    // SEG.ACK: something in [SND.UNA, SND.MAX] mostly, sometimes just outside.
    uint32_t flight = static_cast<uint32_t>(c.snd().max - c.snd().una);
    s.ack = c.snd().una + static_cast<uint32_t>(rng_.below(uint64_t{flight} + 1));
    if (rng_.chance(0.3)) s.ack = c.snd().una;
    if (rng_.chance(0.05)) s.ack = s.ack + static_cast<uint32_t>(rng_.below(5)) - 2;
    s.wnd = peer_wnd_;
    if (rng_.chance(0.05)) s.wnd = static_cast<uint16_t>(rng_.below(65536));
    if (rng_.chance(0.01)) s.wnd = 0;
    if (rng_.chance(0.95)) {
      uint32_t val = peer_ts_ + static_cast<uint32_t>(rng_.below(3));
      if (rng_.chance(0.03)) val = peer_ts_ - 1 - static_cast<uint32_t>(rng_.below(100));  // PAWS
      s.options.timestamps = wire::Timestamps{val, static_cast<uint32_t>(rng_.below(2)) ? last_tsval() : 0};
    }
    if (rng_.chance(0.05) && flight > 0) {
      uint32_t l = static_cast<uint32_t>(rng_.below(flight));
      uint32_t r = l + 1 + static_cast<uint32_t>(rng_.below(flight - l));
      s.options.sack[0] = {(c.snd().una + l).value(), (c.snd().una + r).value()};
      s.options.sack_count = 1;
    }
    if (rng_.chance(0.01)) s.options.mss = 1000;
    if (s.flags & flags::kUrg) s.urg = static_cast<uint16_t>(rng_.below(100));
    if (rng_.chance(0.1)) s.ecn = tcp::ecn::kCe;
    size_t len = rng_.chance(0.5) ? 0 : rng_.below(1500);
    if (rng_.chance(0.05)) len = rng_.below(20000);
    data_.resize(len);
    for (size_t i = 0; i < len; ++i) data_[i] = pattern_byte(s.seq.value() + i, 7);
    s.payload = data_;
    return s;
  }

  uint32_t last_tsval() const {
    for (auto it = sent_.rbegin(); it != sent_.rend(); ++it)
      if (it->options.timestamps) return it->options.timestamps->val;
    return last_tsval_;
  }

  base::Rng rng_;
  tcp::FixedIsn isn_{1000};
  tcp::Env env_[2];
  std::unique_ptr<tcp::Connection> conn_[2];
  base::Instant now_ = base::Instant::from_micros(1'000'000);
  std::vector<Segment> sent_;
  std::vector<std::vector<uint8_t>> payloads_;
  std::vector<uint8_t> data_;
  uint32_t peer_ts_ = 77;
  uint32_t last_tsval_ = 0;
  uint16_t peer_wnd_ = 65535;
  uint8_t peer_wscale_ = 0;
  uint64_t sent_bytes_ = 0;
  uint64_t steps_ = 0;
  uint64_t data_in_order_ = 0, new_acks_ = 0;
  bool diverged_ = false;
  bool ecn_ = false;
};

TEST(HeaderPrediction, TwinsAgreeOnRandomSegments) {
  uint64_t data = 0, acks = 0, ce = 0, cuts = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    Twins t(seed);
    t.handshake();
    for (int i = 0; i < 400 && !t.diverged(); ++i) {
      t.step();
      if (t.on().state() == State::Closed) break;
    }
    ASSERT_FALSE(t.diverged()) << "seed " << seed;
    data += t.data_in_order();
    acks += t.new_acks();
    ce += t.on().counters().ecn_ce_received;
    cuts += t.on().counters().ecn_reductions;
  }
  // The random segments did reach both predicted shapes, many times.
  EXPECT_GT(data, 5000u);
  EXPECT_GT(acks, 1000u);
  // Half the seeds negotiate ECN: CE marks and ECE cuts happen on both paths.
  EXPECT_GT(ce, 100u);
  EXPECT_GT(cuts, 10u);
}

// A whole transfer over a lossy, duplicating, reordering path: every segment
// delivered, in order and content, is the same with and without prediction.
std::vector<std::string> transfer_trace(uint64_t seed, bool prediction) {
  tcp::Config cfg;
  cfg.header_prediction = prediction;
  PathParams path;
  path.loss = 0.002 + 0.05 * static_cast<double>(seed % 4) / 3.0;
  path.duplicate = 0.01;
  path.jitter = Duration::millis(static_cast<int64_t>(seed % 3) * 4);
  ConnPair p(cfg, seed, path);
  std::vector<std::string> trace;
  p.on_deliver = [&](int to, const Segment& s) {
    trace.push_back(std::to_string(p.now().us()) + (to ? " b " : " a ") + format_segment(s));
  };
  EXPECT_TRUE(p.b().listen().has_value());
  EXPECT_TRUE(p.a().connect(p.now()).has_value());
  BulkApp app_a(200'000 + seed * 1000, 1, 2), app_b(100'000, 2, 1);
  auto done = [&] {
    app_a.pump(p.a(), p.now());
    app_b.pump(p.b(), p.now());
    return p.a().state() == State::Closed && p.b().state() == State::Closed;
  };
  EXPECT_TRUE(p.run_until(done, 5'000'000)) << "seed " << seed;
  EXPECT_EQ(app_a.problem() + app_b.problem(), "");
  trace.push_back("a: " + observe(p.a(), p.now()) + " b: " + observe(p.b(), p.now()));
  return trace;
}

TEST(HeaderPrediction, LossyTransfersIdentical) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    auto with = transfer_trace(seed, true);
    auto without = transfer_trace(seed, false);
    ASSERT_EQ(with.size(), without.size()) << "seed " << seed;
    for (size_t i = 0; i < with.size(); ++i) ASSERT_EQ(with[i], without[i]) << "seed " << seed << " segment " << i;
  }
}

}  // namespace
}  // namespace synack::testing
