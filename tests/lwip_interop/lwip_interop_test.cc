// synack <-> lwIP interop in one process: Debian's lwIP 2.1.3 (raw API, one
// netif 10.0.0.2) against a synack Stack (10.0.0.1) on an in-memory link and
// one virtual clock (see interop_pump.h).
//
// Each test opens one connection (either side active), checks what was
// negotiated on the wire and in both control blocks, moves 1 MiB each way at
// the same time (byte-exact, a different pattern per direction), and closes
// in one of the two orders, checking where each side ends up:
//   synack closes first: synack FIN-WAIT-1 .. TIME-WAIT (a compact record),
//                        lwIP CLOSE_WAIT -> LAST_ACK -> freed;
//   lwIP closes first:   lwIP TIME_WAIT, synack CLOSE-WAIT -> LAST-ACK -> CLOSED.
// lwIP's Debian build offers MSS 1460 and window scale 1 (TCP_RCV_SCALE), never
// timestamps or SACK, so synack must fall back to neither (RFC 7323 §3.2,
// RFC 2018 §2) while still scaling windows (RFC 7323 §2.2).
//
// On failure the fixture prints the last packets on the wire with flags,
// sequence and acknowledgment numbers, and both sides' states.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "interop_pump.h"
#include "lwip_peer.h"

namespace synack::lwip_interop {
namespace {

using tcp::State;

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kSaltToLwip = 11;    // the synack -> lwIP stream
constexpr uint64_t kSaltToSynack = 77;  // the lwIP -> synack stream
// synack's ISN sits 64 KiB below the wrap, so its sequence numbers wrap
// during the transfer (lwIP's comparisons must cope, RFC 9293 §3.4).
constexpr uint32_t kSynackIsn = 0xffff0000u;
constexpr uint16_t kLwipMss = 1460;  // TCP_MSS of the Debian build
constexpr uint8_t kLwipRcvScale = 1; // TCP_RCV_SCALE of the Debian build

enum class Opener { Synack, Lwip };
enum class Closer { Synack, Lwip };

// Ports are never reused within a process: lwIP's TIME_WAIT pcbs (120 s of its
// clock) outlive a test, and the clock only moves forward.
uint16_t fresh_port() {
  static uint16_t next = 20000;
  return next++;
}

class LwipInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    peer_ = LwipPeer::instance(&err);
    ASSERT_NE(peer_, nullptr) << "lwIP is not usable in-process: " << err;
  }

  void TearDown() override {
    // SYNACK_INTEROP_REPORT=1 prints the report after passing tests too.
    if (pump_ && (HasFailure() || std::getenv("SYNACK_INTEROP_REPORT") != nullptr))
      std::cout << pump_->report() << std::flush;
    pump_.reset();  // resets the lwIP side too
  }

  InteropPump& make_pump(const tcp::Config& tcp = {}) {
    stack::StackConfig cfg;
    cfg.tcp = tcp;
    cfg.port_secret = 7;
    pump_ = std::make_unique<InteropPump>(*peer_, cfg, kSynackIsn);
    tcp_ = tcp;
    return *pump_;
  }

  InteropPump& pump() { return *pump_; }
  stack::Stack& synack() { return pump_->synack(); }
  wire::FourTuple lwip_tuple() const { return {tuple_.remote, tuple_.local}; }
  std::optional<LwipPcbInfo> lwip_pcb() const { return peer_->pcb(lwip_tuple()); }
  State synack_state() const { return pump_->synack().state_of(tuple_); }
  uint16_t synack_send_mss() const { return std::min(kLwipMss, tcp_.mss); }

  // Opens the connection and runs until both sides are ESTABLISHED. Each
  // side's app then sends `bytes` and expects `bytes`; the side that does not
  // close first closes once it has seen the peer's FIN.
  void open(Opener opener, Closer closer, uint64_t bytes) {
    const AppPlan synack_plan{bytes, kSaltToLwip, bytes, kSaltToSynack, closer == Closer::Lwip};
    const AppPlan lwip_plan{bytes, kSaltToSynack, bytes, kSaltToLwip, closer == Closer::Synack};
    pump_->set_app(synack_plan);
    const uint16_t server_port = fresh_port();
    const uint16_t client_port = fresh_port();
    if (opener == Opener::Synack) {
      ASSERT_TRUE(peer_->listen(server_port, lwip_plan));
      auto id = synack().connect(pump_->now(), {LwipPeer::addr(), server_port}, client_port);
      ASSERT_TRUE(id.has_value());
      pump_->app().attach(*id);
      tuple_ = {{InteropPump::kSynackAddr, client_port}, {LwipPeer::addr(), server_port}};
    } else {
      ASSERT_TRUE(synack().listen(server_port, 4).has_value());
      pump_->app().accept_on(server_port);
      std::string err;
      ASSERT_NE(peer_->connect({InteropPump::kSynackAddr, server_port}, client_port, lwip_plan, &err), nullptr)
          << err;
      tuple_ = {{InteropPump::kSynackAddr, server_port}, {LwipPeer::addr(), client_port}};
    }
    ASSERT_TRUE(pump_->run_until(
        [&] {
          auto p = lwip_pcb();
          return synack_state() == State::Established && p && p->state == State::Established &&
                 !peer_->apps().empty() && peer_->apps().front()->connected && pump_->app().id().has_value();
        },
        "the handshake", close_budget_));
    lwip_app_ = peer_->apps().front().get();
    EXPECT_EQ(lwip_app_->tuple, lwip_tuple());
  }

  // Options on the wire and in both control blocks once ESTABLISHED.
  void expect_negotiated(Opener opener) {
    const tcp::Connection* c = synack().connection(*pump_->app().id());
    ASSERT_NE(c, nullptr);
    auto p = lwip_pcb();
    ASSERT_TRUE(p.has_value());
    // MSS (RFC 9293 §3.7.1): each side sends at most what the other announced
    // (synack's configured MSS also caps what it sends, like an MTU would).
    EXPECT_EQ(c->snd().mss, synack_send_mss());
    EXPECT_EQ(p->mss, tcp_.mss);
    // Neither TS nor SACK: lwIP offers neither, so neither is in use (RFC 7323 §3.2, RFC 2018 §2).
    EXPECT_FALSE(c->timestamps_enabled());
    EXPECT_FALSE(c->sack_enabled());
    // Nor ECN (RFC 3168 §6.1.1): lwIP ignores an ECN-setup SYN and offers none.
    EXPECT_FALSE(c->ecn_enabled());
    // Window scaling only if both offered (RFC 7323 §2.2); lwIP always offers it.
    EXPECT_EQ(c->window_scaling_enabled(), tcp_.window_scaling);
    EXPECT_EQ(p->wnd_scale, tcp_.window_scaling);
    if (tcp_.window_scaling) {
      EXPECT_EQ(c->snd().wscale, kLwipRcvScale);   // how synack reads lwIP's window field
      EXPECT_EQ(p->rcv_scale, kLwipRcvScale);
      EXPECT_EQ(p->snd_scale, c->rcv().wscale);    // how lwIP reads synack's window field
      EXPECT_GT(c->rcv().wscale, 0);               // synack's 256 KiB buffer needs a shift
    } else {
      EXPECT_EQ(c->snd().wscale, 0);
      EXPECT_EQ(c->rcv().wscale, 0);
      EXPECT_EQ(p->snd_scale, 0);
      EXPECT_EQ(p->rcv_scale, 0);
    }

    // The SYN and SYN,ACK as they crossed the link.
    const DirectionStats& from_synack = pump_->to_lwip();
    const DirectionStats& from_lwip = pump_->to_synack();
    const auto& synack_syn = opener == Opener::Synack ? from_synack.syn_options : from_synack.syn_ack_options;
    const auto& lwip_syn = opener == Opener::Synack ? from_lwip.syn_ack_options : from_lwip.syn_options;
    ASSERT_TRUE(synack_syn.has_value());
    ASSERT_TRUE(lwip_syn.has_value());
    EXPECT_EQ(synack_syn->mss, std::optional<uint16_t>(tcp_.mss));
    EXPECT_EQ(lwip_syn->mss, std::optional<uint16_t>(kLwipMss));
    EXPECT_FALSE(lwip_syn->timestamps.has_value());
    EXPECT_FALSE(lwip_syn->sack_permitted);
    if (opener == Opener::Synack) {
      // synack offers what it is configured for; lwIP answers WS only to a WS.
      EXPECT_EQ(synack_syn->window_scale.has_value(), tcp_.window_scaling);
      EXPECT_EQ(synack_syn->timestamps.has_value(), tcp_.timestamps);
      EXPECT_EQ(synack_syn->sack_permitted, tcp_.sack);
      EXPECT_EQ(lwip_syn->window_scale.has_value(), tcp_.window_scaling);
    } else {
      // lwIP's SYN has WS 1 only; synack's SYN,ACK answers only what was offered.
      EXPECT_EQ(lwip_syn->window_scale, std::optional<uint8_t>(kLwipRcvScale));
      EXPECT_EQ(synack_syn->window_scale.has_value(), tcp_.window_scaling);
      EXPECT_FALSE(synack_syn->timestamps.has_value());
      EXPECT_FALSE(synack_syn->sack_permitted);
    }
  }

  // Both streams complete, verified and acknowledged.
  void transfer(uint64_t bytes) {
    const SynackApp& s = pump_->app();
    ASSERT_TRUE(pump_->run_until(
        [&] {
          const tcp::Connection* c = s.id() ? synack().connection(*s.id()) : nullptr;
          return s.received() == bytes && lwip_app_->received == bytes && lwip_app_->acked == bytes &&
                 s.sent() == bytes && c != nullptr && c->send_queued() == 0;
        },
        "both streams", transfer_budget_));
    if (const tcp::Connection* c = synack().connection(*s.id())) synack_counters_ = c->counters();
    EXPECT_EQ(s.problem(), "");
    EXPECT_EQ(lwip_app_->problem, "");
    EXPECT_FALSE(s.error().has_value());
    EXPECT_FALSE(lwip_app_->error.has_value());
    // Segment sizes respect the announced MSS both ways.
    EXPECT_LE(pump_->to_lwip().max_payload, kLwipMss);
    EXPECT_LE(pump_->to_synack().max_payload, tcp_.mss);
    EXPECT_EQ(pump_->to_lwip().max_payload, std::min<uint32_t>(synack_send_mss(), static_cast<uint32_t>(bytes)));
  }

  // synack closes first: it ends in a compact TIME-WAIT record (RFC 9293
  // §3.10.7.4: FIN-WAIT-1/2 -> TIME-WAIT), lwIP's pcb is freed by the last ACK.
  void close_synack_first() {
    pump_->app().close(synack(), pump_->now());
    ASSERT_TRUE(pump_->run_until([&] { return synack_state() == State::TimeWait && !lwip_pcb(); },
                                 "synack TIME-WAIT and lwIP's pcb freed", close_budget_));
    EXPECT_TRUE(lwip_app_->peer_fin);
    EXPECT_TRUE(lwip_app_->closed);
    EXPECT_FALSE(lwip_app_->error.has_value());
    EXPECT_EQ(synack().time_wait_count(), 1u);
    EXPECT_FALSE(synack().find(tuple_).has_value()) << "TIME-WAIT should be a compact record";
    EXPECT_EQ(synack().counters().time_wait_compacted, 1u);
    EXPECT_EQ(synack().connection_count(), 0u);
    std::vector<State> path = pump_->synack_path(tuple_);
    ASSERT_GE(path.size(), 3u);
    EXPECT_NE(std::find(path.begin(), path.end(), State::FinWait1), path.end());
    EXPECT_EQ(path.back(), State::TimeWait);
    // 2*MSL later (synack's MSL is 30 s) the record is gone (§3.10.8).
    pump_->advance(tcp_.msl * 2 + base::Duration::seconds(1));
    EXPECT_EQ(synack_state(), State::Closed);
    EXPECT_EQ(synack().time_wait_count(), 0u);
  }

  // lwIP closes first: lwIP ends in TIME_WAIT, synack goes CLOSE-WAIT ->
  // LAST-ACK -> CLOSED on lwIP's ACK of its FIN (RFC 9293 §3.10.7.4).
  void close_lwip_first() {
    ASSERT_TRUE(peer_->close(*lwip_app_)) << lwip_app_->problem;
    ASSERT_TRUE(pump_->run_until(
        [&] {
          auto p = lwip_pcb();
          return synack_state() == State::Closed && p && p->state == State::TimeWait;
        },
        "synack CLOSED and lwIP TIME_WAIT", close_budget_));
    EXPECT_TRUE(pump_->app().eof());
    EXPECT_TRUE(pump_->app().closed());
    EXPECT_FALSE(pump_->app().error().has_value());
    EXPECT_FALSE(lwip_app_->error.has_value());
    EXPECT_EQ(synack().time_wait_count(), 0u);
    EXPECT_EQ(synack().connection_count(), 0u);
    std::vector<State> path = pump_->synack_path(tuple_);
    ASSERT_GE(path.size(), 3u);
    EXPECT_EQ(path[path.size() - 3], State::CloseWait);
    EXPECT_EQ(path[path.size() - 2], State::LastAck);
    EXPECT_EQ(path.back(), State::Closed);
    EXPECT_EQ(pump_->state_changes().back().cause, tcp::Cause::RecvAck);
    // lwIP keeps TIME_WAIT for 2*TCP_MSL = 120 s of its (our) clock.
    pump_->advance(base::Duration::seconds(125));
    EXPECT_FALSE(lwip_pcb().has_value());
  }

  // Checks that hold for any run.
  void expect_clean_wire() {
    EXPECT_TRUE(pump_->illegal_transitions().empty())
        << "synack made a transition outside RFC 9293's diagram: " << pump_->illegal_transitions().front();
    // Not negotiated, so never sent (RFC 7323 §3.2: no TSopt; RFC 2018: no SACK blocks).
    EXPECT_EQ(pump_->to_lwip().with_timestamps, 0u);
    EXPECT_EQ(pump_->to_lwip().with_sack_blocks, 0u);
    EXPECT_EQ(pump_->to_synack().with_timestamps, 0u);
    EXPECT_EQ(pump_->to_synack().with_sack_blocks, 0u);
    // A normal close: nobody resets.
    EXPECT_EQ(pump_->to_lwip().rst, 0u);
    EXPECT_EQ(pump_->to_synack().rst, 0u);
  }

  void run_case(Opener opener, Closer closer, uint64_t bytes) {
    ASSERT_NO_FATAL_FAILURE(open(opener, closer, bytes));
    ASSERT_NO_FATAL_FAILURE(expect_negotiated(opener));
    ASSERT_NO_FATAL_FAILURE(transfer(bytes));
    if (closer == Closer::Synack) ASSERT_NO_FATAL_FAILURE(close_synack_first());
    else ASSERT_NO_FATAL_FAILURE(close_lwip_first());
    expect_clean_wire();
    EXPECT_EQ(peer_->active_pcb_count(), 0u) << peer_->describe_pcbs();
  }

  LwipPeer* peer_ = nullptr;
  std::unique_ptr<InteropPump> pump_;
  tcp::Config tcp_;
  wire::FourTuple tuple_;  // synack's side
  tcp::ConnCounters synack_counters_;  // synack's connection counters after the transfer
  // Virtual time allowed for the handshake or a close, and for both streams.
  base::Duration close_budget_ = base::Duration::seconds(60);
  base::Duration transfer_budget_ = base::Duration::seconds(600);
  LwipApp* lwip_app_ = nullptr;
};

// ---- 1. synack client -> lwIP server ----

TEST_F(LwipInterop, SynackClient_1MiBEachWay_SynackClosesFirst) {
  make_pump();
  run_case(Opener::Synack, Closer::Synack, kMiB);
}

TEST_F(LwipInterop, SynackClient_1MiBEachWay_LwipClosesFirst) {
  make_pump();
  run_case(Opener::Synack, Closer::Lwip, kMiB);
}

// RFC 3168 §6.1.1: synack offers ECN; lwIP's SYN,ACK does not accept it, so
// the connection runs without (expect_negotiated checks), whole both ways.
TEST_F(LwipInterop, SynackClientOffersEcnLwipGoesWithout_Rfc3168_6_1_1) {
  tcp::Config t;
  t.ecn = true;
  make_pump(t);
  run_case(Opener::Synack, Closer::Synack, kMiB);
}

// ---- 2. lwIP client -> synack server ----

TEST_F(LwipInterop, LwipClient_1MiBEachWay_SynackClosesFirst) {
  make_pump();
  run_case(Opener::Lwip, Closer::Synack, kMiB);
}

TEST_F(LwipInterop, LwipClient_1MiBEachWay_LwipClosesFirst) {
  make_pump();
  run_case(Opener::Lwip, Closer::Lwip, kMiB);
}

// ---- option negotiation against lwIP: what synack offers or not ----
//
// lwIP always offers MSS 1460 and WS 1, never TS or SACK. Whatever synack is
// configured for, both ends must agree on MSS and on the window shifts, and
// nothing that was not negotiated may appear on the wire.

struct OptionCase {
  const char* name;
  Opener opener;
  bool window_scaling;
  bool timestamps;
  bool sack;
  uint16_t mss;
};

std::string option_case_name(const ::testing::TestParamInfo<OptionCase>& info) { return info.param.name; }

class LwipInteropOptions : public LwipInterop, public ::testing::WithParamInterface<OptionCase> {};

TEST_P(LwipInteropOptions, NegotiatedAndUsedAsAgreed_Rfc7323_Rfc2018_Rfc9293_3_7_1) {
  const OptionCase& c = GetParam();
  tcp::Config cfg;
  cfg.window_scaling = c.window_scaling;
  cfg.timestamps = c.timestamps;
  cfg.sack = c.sack;
  cfg.mss = c.mss;
  make_pump(cfg);
  run_case(c.opener, Closer::Synack, kMiB / 4);
}

INSTANTIATE_TEST_SUITE_P(
    Table, LwipInteropOptions,
    ::testing::Values(OptionCase{"SynackClient_All", Opener::Synack, true, true, true, 1460},
                      OptionCase{"SynackClient_NoWindowScale", Opener::Synack, false, true, true, 1460},
                      OptionCase{"SynackClient_WindowScaleOnly", Opener::Synack, true, false, false, 1460},
                      OptionCase{"SynackClient_NothingMss536", Opener::Synack, false, false, false, 536},
                      OptionCase{"LwipClient_All", Opener::Lwip, true, true, true, 1460},
                      OptionCase{"LwipClient_NoWindowScale", Opener::Lwip, false, true, true, 1460},
                      OptionCase{"LwipClient_Mss1000", Opener::Lwip, true, true, true, 1000},
                      OptionCase{"LwipClient_NothingMss536", Opener::Lwip, false, false, false, 536}),
    option_case_name);

// ---- 3. the same with 2 % random loss both ways (retransmission interop) ----
//
// Every packet, SYNs and FINs included, is dropped with probability 2 %
// (seeded). lwIP has no SACK, so synack recovers with NewReno (RFC 6582) and
// RTOs (RFC 6298); lwIP with its fast retransmit and RTO. Both streams must
// still arrive byte-exact and both close orders must end as without loss.

struct LossCase {
  Opener opener;
  Closer closer;
  uint64_t seed;
};

std::string loss_case_name(const ::testing::TestParamInfo<LossCase>& info) {
  const LossCase& c = info.param;
  return std::string(c.opener == Opener::Synack ? "SynackClient" : "LwipClient") +
         (c.closer == Closer::Synack ? "_SynackClosesFirst" : "_LwipClosesFirst") + "_Seed" +
         std::to_string(c.seed);
}

class LwipInteropLossy : public LwipInterop, public ::testing::WithParamInterface<LossCase> {};

TEST_P(LwipInteropLossy, OneMiBEachWayWithTwoPercentLoss) {
  const LossCase& c = GetParam();
  make_pump().set_loss(0.02, c.seed);
  run_case(c.opener, c.closer, kMiB);
  // The filter really dropped packets both ways, and synack really recovered.
  EXPECT_GT(pump().to_lwip().dropped, 0u);
  EXPECT_GT(pump().to_synack().dropped, 0u);
  EXPECT_GT(synack_counters_.retransmits, 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, LwipInteropLossy,
                         ::testing::Values(LossCase{Opener::Synack, Closer::Synack, 1},
                                           LossCase{Opener::Synack, Closer::Lwip, 2},
                                           LossCase{Opener::Lwip, Closer::Synack, 3},
                                           LossCase{Opener::Lwip, Closer::Lwip, 4},
                                           LossCase{Opener::Synack, Closer::Synack, 5},
                                           LossCase{Opener::Lwip, Closer::Lwip, 6}),
                         loss_case_name);

// A soak run for hunting interop bugs, not part of CI:
//   SYNACK_INTEROP_SEEDS=500 SYNACK_INTEROP_LOSS=0.05 [SYNACK_INTEROP_FIRST_SEED=1] lwip_interop_tests
//     --gtest_also_run_disabled_tests --gtest_filter='*Soak*'
// Stops at the first failing seed (printed, with the report).
TEST_F(LwipInterop, DISABLED_SoakManySeeds) {
  const char* seeds_env = std::getenv("SYNACK_INTEROP_SEEDS");
  const char* loss_env = std::getenv("SYNACK_INTEROP_LOSS");
  const char* first_env = std::getenv("SYNACK_INTEROP_FIRST_SEED");
  const uint64_t seeds = seeds_env ? std::strtoull(seeds_env, nullptr, 10) : 100;
  const double loss = loss_env ? std::strtod(loss_env, nullptr) : 0.02;
  const uint64_t first = first_env ? std::strtoull(first_env, nullptr, 10) : 1;
  // lwIP has no SACK and a 500 ms timer tick: at 20 % loss 1 MiB can take an hour.
  transfer_budget_ = base::Duration::seconds(loss >= 0.1 ? 7200 : 600);
  // synack's TIME-WAIT (60 s) must outlast lwIP's FIN retransmissions, whose
  // RTO backs off beyond that at heavy loss; keep the soak below ~15 % loss.
  close_budget_ = base::Duration::seconds(loss >= 0.1 ? 120 : 60);
  for (uint64_t seed = first; seed < first + seeds && !HasFailure(); ++seed) {
    const LossCase c{seed % 2 ? Opener::Synack : Opener::Lwip, (seed / 2) % 2 ? Closer::Synack : Closer::Lwip, seed};
    SCOPED_TRACE("seed " + std::to_string(seed) + " loss " + std::to_string(loss));
    // At heavy loss the RTO stays backed off (no timestamps with lwIP, so Karn's
    // rule leaves no RTT samples) and R2 = 100 s allows only two or three
    // retransmissions of a segment: give up only after 15 minutes (about
    // Linux's tcp_retries2 = 15) so that the soak hunts interop bugs.
    tcp::Config cfg;
    cfg.r2 = base::Duration::seconds(900);
    make_pump(cfg).set_loss(loss, seed);
    run_case(c.opener, c.closer, kMiB);
  }
}

}  // namespace
}  // namespace synack::lwip_interop
