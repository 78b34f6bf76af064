// Window scaling (RFC 7323 §2) on a long fat pipe: a 100 Mbit/s path with
// 100 ms of one-way delay holds 100 Mbit/s * 200 ms RTT = 2.5 MB in flight.
// With a 4 MiB receive buffer and window scaling the sender fills it; without
// scaling the window stops at 64 KiB and throughput at 64 KiB per RTT. Rates
// are measured on the simulator's virtual clock, not wall time.
#include <gtest/gtest.h>

#include <vector>

#include "sim/sim_network.h"

namespace synack::sim {
namespace {

constexpr uint16_t kPort = 5001;

// The client sends `bytes` as fast as the stack takes them; the server reads.
class Source final : public App {
 public:
  Source(stack::Stack& s, wire::Endpoint to, uint64_t bytes) : s_(s), to_(to), left_(bytes), buf_(65536, 'x') {}
  bool poll(base::Instant now) override {
    bool acted = false;
    if (!id_) {
      auto c = s_.connect(now, to_);
      if (!c) return false;
      id_ = *c;
      acted = true;
    }
    while (s_.poll_event()) {
    }
    while (left_ > 0) {
      auto r = s_.send(now, *id_, base::Bytes(buf_.data(), std::min<uint64_t>(left_, buf_.size())));
      if (!r || *r == 0) break;
      left_ -= *r;
      acted = true;
    }
    return acted;
  }

 private:
  stack::Stack& s_;
  wire::Endpoint to_;
  uint64_t left_;
  std::vector<uint8_t> buf_;
  std::optional<stack::ConnId> id_;
};

class Sink final : public App {
 public:
  // Goodput is measured from byte `mark` on, past slow start.
  Sink(stack::Stack& s, uint64_t mark) : s_(s), buf_(1 << 16), mark_(mark) {}
  bool poll(base::Instant now) override {
    bool acted = false;
    while (auto e = s_.poll_event()) {
      if (e->kind == stack::StackEvent::Kind::Acceptable) {
        if (auto c = s_.accept(kPort)) conns_.push_back(*c);
      }
    }
    for (auto id : conns_) {
      for (int i = 0; i < 1000; ++i) {
        auto r = s_.recv(now, id, buf_);
        if (!r || *r == 0) break;
        if (received_ < mark_ && received_ + *r >= mark_) first_byte_ = now;
        received_ += *r;
        last_byte_ = now;
        acted = true;
      }
    }
    return acted;
  }
  uint64_t received() const { return received_; }
  // Goodput from the mark on, in bits per second of virtual time.
  double rate_bps() const {
    double secs = (last_byte_ - first_byte_).secs();
    return secs > 0 ? static_cast<double>(received_ - mark_) * 8 / secs : 0;
  }
  const stack::Stack& stack() const { return s_; }
  std::vector<stack::ConnId> conns_;

 private:
  stack::Stack& s_;
  std::vector<uint8_t> buf_;
  uint64_t mark_;
  uint64_t received_ = 0;
  base::Instant first_byte_, last_byte_;
};

struct PathRun {
  double rate_bps;
  uint64_t received;
  uint32_t peak_window;
};

PathRun long_fat_pipe(bool window_scaling, uint64_t bytes) {
  SimNetwork net(1);
  HostConfig a{"client", wire::Ipv4Addr(10, 0, 0, 1), {}, nullptr};
  HostConfig b{"server", wire::Ipv4Addr(10, 0, 0, 2), {}, nullptr};
  for (HostConfig* h : {&a, &b}) {
    h->stack.tcp.window_scaling = window_scaling;
    h->stack.tcp.recv_buffer = 4 << 20;
    h->stack.tcp.send_buffer = 8 << 20;
  }
  HostId ha = *net.add_host(std::move(a));
  HostId hb = *net.add_host(std::move(b));
  LinkParams p;
  p.delay = base::Duration::millis(100);
  p.bandwidth_bps = 100'000'000;
  EXPECT_TRUE(net.add_link(ha, hb, p).has_value());
  EXPECT_TRUE(net.stack(hb).listen(kPort, 4).has_value());
  Source src(net.stack(ha), {net.addr(hb), kPort}, bytes);
  Sink sink(net.stack(hb), bytes / 4);
  net.set_app(ha, &src);
  net.set_app(hb, &sink);
  RunLimits lim;
  lim.max_time = base::Duration::seconds(3600);
  net.run_until([&] { return sink.received() >= bytes; }, lim);
  uint32_t window = 0;
  if (!sink.conns_.empty()) {
    if (const auto* c = net.stack(hb).connection(sink.conns_[0])) window = c->rcv_wnd();
  }
  return {sink.rate_bps(), sink.received(), window};
}

TEST(WindowScaling, FourMiBWindowFillsA100MbitPathWith100msDelay_Rfc7323_2) {
  PathRun r = long_fat_pipe(true, 64ull << 20);
  EXPECT_EQ(r.received, 64ull << 20);
  // The path carries 100 Mbit/s minus header overhead (52 of 1500 bytes with
  // timestamps): past slow start, goodput must be close to that.
  EXPECT_GT(r.rate_bps, 90e6) << r.rate_bps;
}

TEST(WindowScaling, WithoutScalingThe16BitWindowCapsThroughput_Rfc7323_1) {
  PathRun r = long_fat_pipe(false, 4ull << 20);
  EXPECT_EQ(r.received, 4ull << 20);
  // At most 65535 bytes per 200 ms round trip: 2.6 Mbit/s.
  EXPECT_LT(r.rate_bps, 2.7e6) << r.rate_bps;
  EXPECT_GT(r.rate_bps, 2.0e6) << r.rate_bps;
}

}  // namespace
}  // namespace synack::sim
