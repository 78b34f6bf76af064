// api::Runtime, Socket and Listener over a socketpair: two stacks, each driven
// by its own runtime in its own thread, as two hosts would be.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <thread>
#include <vector>

#include "api/listener.h"
#include "api/runtime.h"
#include "api/socket.h"
#include "common/socketpair_link.h"
#include "link/impairment.h"

namespace synack {
namespace {

using api::Error;
using base::Duration;

const wire::Ipv4Addr kA(10, 9, 0, 1);
const wire::Ipv4Addr kB(10, 9, 0, 2);

struct Host {
  Host(wire::Ipv4Addr addr, link::Link& l, uint32_t isn) : isn_gen(isn) {
    stack::StackConfig c;
    c.addr = addr;
    c.port_secret = isn;
    stack = std::make_unique<stack::Stack>(c, isn_gen);
    rt = std::make_unique<api::Runtime>(*stack, l);
  }
  tcp::FixedIsn isn_gen;
  std::unique_ptr<stack::Stack> stack;
  std::unique_ptr<api::Runtime> rt;
};

std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i % 251);
  return v;
}

// A callback-style echo server on `h` until `stop` is set.
void echo_server(Host& h, uint16_t port, std::promise<void>& ready) {
  auto l = h.rt->listen(port);
  ASSERT_TRUE(l.has_value());
  std::vector<std::unique_ptr<api::Socket>> conns;
  l->on_accept([&] {
    while (auto s = l->try_accept()) {
      conns.push_back(std::make_unique<api::Socket>(std::move(*s)));
      api::Socket* sock = conns.back().get();
      sock->on_readable([sock] {
        uint8_t buf[4096];
        for (;;) {
          auto n = sock->try_recv(buf);
          if (!n) return;
          if (*n == 0) {
            (void)sock->shutdown();
            return;
          }
          // Tests keep echoes small enough for the send buffer.
          (void)sock->try_send({buf, *n});
        }
      });
    }
  });
  ready.set_value();
  h.rt->run();
}

// Host a, driven by the test's own blocking calls, and host b serving echo on
// port 7 in a thread of its own until the pair goes.
struct EchoPair {
  EchoPair() : links(testing::socket_link_pair()), a(kA, *links.first, 100), b(kB, *links.second, 300) {
    auto ready_f = ready.get_future();
    server = std::thread([this] { echo_server(b, 7, ready); });
    ready_f.wait();
  }
  ~EchoPair() {
    b.rt->stop();
    server.join();
  }
  std::pair<std::unique_ptr<testing::SocketLink>, std::unique_ptr<testing::SocketLink>> links;
  Host a, b;
  std::promise<void> ready;
  std::thread server;
};

// Two hosts, B listening on port 7 (before any connect, so no SYN finds it
// closed). Until start() the test may set the listener's options; start()
// hands B to its own thread, the only one that may touch B from then on: it
// accepts one connection, runs `then` with it (which may, for instance, make
// B fall silent, sooner or later) and then B's loop until the fixture ends.
struct ListeningPeer {
  using Then = std::function<void(ListeningPeer&, api::Socket&)>;
  ListeningPeer() : links(testing::socket_link_pair()), a(kA, *links.first, 100), b(kB, *links.second, 300) {
    auto l = b.rt->listen(7);
    EXPECT_TRUE(l.has_value());
    if (l) listener = std::make_unique<api::Listener>(std::move(*l));
  }
  explicit ListeningPeer(Then then) : ListeningPeer() { start(std::move(then)); }
  ~ListeningPeer() {
    b.rt->stop();
    if (peer.joinable()) peer.join();
  }
  void start(Then then) {
    peer = std::thread([this, then = std::move(then)] {
      auto s = listener ? listener->accept(Duration::seconds(5)) : base::Unexpected(Error::NotConnected);
      EXPECT_TRUE(s.has_value());
      if (s) then(*this, *s);
      handled.set_value();  // also when nothing was accepted: the test must not wait for ever
      b.rt->run();
    });
  }
  // Whether `then` has returned within 10 s (a bound against a hang, not a
  // measurement).
  bool wait_handled() { return handled_f.wait_for(std::chrono::seconds(10)) == std::future_status::ready; }
  std::pair<std::unique_ptr<testing::SocketLink>, std::unique_ptr<testing::SocketLink>> links;
  Host a, b;
  std::unique_ptr<api::Listener> listener;
  std::atomic<bool> silent = false;
  std::promise<void> handled;
  std::future<void> handled_f = handled.get_future();
  std::thread peer;
};

TEST(ApiRuntime, EchoBlockingClientCallbackServer) {
  EchoPair p;
  Host& a = p.a;
  auto s = a.rt->connect({kB, 7}, Duration::seconds(5));
  ASSERT_TRUE(s.has_value()) << s.error();
  EXPECT_EQ(s->state(), tcp::State::Established);
  EXPECT_EQ(s->remote().port, 7);
  auto data = pattern(100'000);
  std::vector<uint8_t> back(data.size());
  size_t got = 0;
  for (size_t off = 0; off < data.size(); off += 10'000) {
    auto w = s->send(base::Bytes(data).subspan(off, 10'000), Duration::seconds(5));
    ASSERT_TRUE(w.has_value()) << w.error();
    auto r = s->recv_all(base::MutBytes(back).subspan(got, 10'000), Duration::seconds(5));
    ASSERT_TRUE(r.has_value()) << r.error();
    got += *r;
  }
  EXPECT_EQ(back, data);
  ASSERT_TRUE(s->shutdown().has_value());
  uint8_t extra[16];
  auto eof = s->recv(extra, Duration::seconds(5));
  ASSERT_TRUE(eof.has_value()) << eof.error();
  EXPECT_EQ(*eof, 0u);  // the server echoed our FIN
  s->close();
  EXPECT_TRUE(a.rt->run_until([&] { return a.stack->connection_count() == 0; }, Duration::seconds(5)));
}

// recv_all posts the rest of its buffer (RFC 9293 §3.10.3's queued RECEIVE):
// echoed text lands in it, and every way out, a deadline included, ends the
// posting, so the socket reads normally afterwards.
TEST(ApiRuntime, RecvAllPostsItsBufferAndAlwaysTakesItBack_Rfc9293_3_10_3) {
  EchoPair p;
  Host& a = p.a;
  auto s = a.rt->connect({kB, 7}, Duration::seconds(5));
  ASSERT_TRUE(s.has_value()) << s.error();
  auto data = pattern(50'000);
  ASSERT_TRUE(s->send(data, Duration::seconds(5)).has_value());
  std::vector<uint8_t> back(data.size());
  auto r = s->recv_all(back, Duration::seconds(5));
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_EQ(*r, data.size());
  EXPECT_EQ(back, data);
  // Ask for more than will come: the deadline passes with the buffer posted.
  ASSERT_TRUE(s->send(base::Bytes(data).first(10), Duration::seconds(5)).has_value());
  std::vector<uint8_t> more(100);
  auto late = s->recv_all(more, Duration::millis(300));
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error(), Error::Deadline);
  EXPECT_TRUE(std::equal(data.begin(), data.begin() + 10, more.begin()));  // it landed
  EXPECT_FALSE(a.stack->connection(s->id())->recv_posted());
  // Reads work as before: the next echo comes through recv.
  ASSERT_TRUE(s->send(base::Bytes(data).subspan(10, 5), Duration::seconds(5)).has_value());
  uint8_t five[5];
  auto n = s->recv_all(five, Duration::seconds(5));
  ASSERT_TRUE(n.has_value()) << n.error();
  EXPECT_EQ(*n, 5u);
  EXPECT_TRUE(std::equal(five, five + 5, data.begin() + 10));
  s->close();
}

// RFC 9293 §3.9.1.9 MUST-48 / SHLD-21: the application sets its connection's
// Diffserv byte (and TTL, MUST-49) through the socket, mid-connection; the
// ECN bits are not the application's (synack sends no ECN). Data still flows;
// a closed handle refuses.
TEST(ApiRuntime, SocketSetsItsTosAndTtl_Rfc9293_3_9_1_9_MUST48) {
  EchoPair p;
  Host& a = p.a;
  auto s = a.rt->connect({kB, 7}, Duration::seconds(5));
  ASSERT_TRUE(s.has_value()) << s.error();
  ASSERT_TRUE(s->set_ip_tos(0xb9).has_value());  // DSCP EF, and an ECN bit that is dropped
  ASSERT_TRUE(s->set_ip_ttl(9).has_value());
  EXPECT_EQ(a.stack->ip_tos(s->id()), 0xb8);
  EXPECT_EQ(a.stack->ip_ttl(s->id()), 9);
  auto data = pattern(1000);
  std::vector<uint8_t> back(data.size());
  ASSERT_TRUE(s->send(data, Duration::seconds(5)).has_value());
  auto r = s->recv_all(back, Duration::seconds(5));
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_EQ(back, data);
  EXPECT_EQ(s->received_tos(), 0);  // MAY-9: the echo server sends TOS 0
  ASSERT_TRUE(s->set_ip_ttl(0).has_value());  // back to the stack's
  EXPECT_EQ(a.stack->ip_ttl(s->id()), a.stack->config().tcp.ttl);
  s->close();
  EXPECT_EQ(s->set_ip_tos(0x20).error(), Error::NotConnected);
  EXPECT_EQ(s->set_ip_ttl(4).error(), Error::NotConnected);
  EXPECT_FALSE(s->received_tos().has_value());
}

TEST(ApiRuntime, ConnectToClosedPortIsRefused) {
  auto [la, lb] = testing::socket_link_pair();
  Host a(kA, *la, 100), b(kB, *lb, 300);
  std::thread peer([&] { b.rt->run(); });
  auto s = a.rt->connect({kB, 9}, Duration::seconds(5));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Error::Refused);
  EXPECT_EQ(api::to_string(s.error()), "connection refused");
  b.rt->stop();
  peer.join();
}

// RFC 9293 §3.8.4 (MUST-24, MUST-29): keep-alive switched on through the
// socket; when the peer falls silent the probes go unanswered and the
// connection times out after idle + probes * interval (1 s + 2 * 1 s here).
TEST(ApiRuntime, KeepAliveTimesOutASilentPeer_Rfc9293_3_8_4_MUST24_MUST29) {
  ListeningPeer p([](ListeningPeer& q, api::Socket&) {
    q.b.rt->run_until([&] { return q.silent.load(); });
    q.links.second->drop_all = true;  // from now on nothing leaves B
    q.b.rt->resume();
  });
  Host& a = p.a;
  auto s = a.rt->connect({kB, 7}, Duration::seconds(5));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->set_keepalive_params(Duration::millis(500), Duration::seconds(1), 2).error(), Error::InvalidArgument);
  EXPECT_EQ(s->set_keepalive_params(Duration::seconds(1), Duration::seconds(1), 0).error(), Error::InvalidArgument);
  ASSERT_TRUE(s->set_keepalive_params(Duration::seconds(1), Duration::seconds(1), 2).has_value());
  ASSERT_TRUE(s->set_keepalive(true).has_value());
  // Answered probes keep the connection.
  a.rt->run_for(Duration::millis(1500));
  EXPECT_EQ(s->state(), tcp::State::Established);
  EXPECT_GE(a.stack->connection(s->id())->counters().keepalive_probes, 1u);
  p.silent = true;
  auto t0 = a.rt->now();
  EXPECT_TRUE(a.rt->run_until([&] { return s->state() == tcp::State::Closed; }, Duration::seconds(6)));
  EXPECT_EQ(s->error(), Error::TimedOut);
  EXPECT_LT(a.rt->now() - t0, Duration::seconds(5));
}

// RFC 9293 §3.7.4 MUST-17: the application turns Nagle off for its
// connection. With Nagle a second short write waits while the first is
// unacknowledged (Minshall's variant); set_nodelay(true) sends the held one
// at once, and the next short write goes too. The runtime reads no input
// between these calls, so no ACK can release anything meanwhile.
TEST(ApiRuntime, NodelaySendsShortWritesAtOnce_Rfc9293_3_7_4_MUST17) {
  EchoPair p;
  Host& a = p.a;
  auto s = a.rt->connect({kB, 7}, Duration::seconds(5));
  ASSERT_TRUE(s.has_value()) << s.error();
  auto in_flight = [&] {
    const tcp::Connection* c = a.stack->connection(s->id());
    return static_cast<uint32_t>(c->snd().nxt - c->snd().una);
  };
  auto data = pattern(40);
  ASSERT_EQ(s->try_send({data.data(), 10}).value(), 10u);
  ASSERT_EQ(s->try_send({data.data() + 10, 10}).value(), 10u);
  EXPECT_EQ(in_flight(), 10u);  // Nagle holds the second write
  ASSERT_TRUE(s->set_nodelay(true).has_value());
  EXPECT_FALSE(a.stack->connection(s->id())->nagle());
  EXPECT_EQ(in_flight(), 20u);  // released by the switch
  ASSERT_EQ(s->try_send({data.data() + 20, 10}).value(), 10u);
  EXPECT_EQ(in_flight(), 30u);
  ASSERT_TRUE(s->set_nodelay(false).has_value());
  ASSERT_EQ(s->try_send({data.data() + 30, 10}).value(), 10u);
  EXPECT_EQ(in_flight(), 30u);  // held again
  std::vector<uint8_t> back(data.size());
  auto r = s->recv_all(back, Duration::seconds(5));
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_EQ(back, data);
  s->close();
  EXPECT_EQ(s->set_nodelay(true).error(), Error::NotConnected);
}

// TCP_CORK through the socket (RFC 9293 §3.7.4 leaves coalescing writes to
// the implementation): corked, short writes wait even with nothing in flight
// and Nagle off; uncorking sends them at once, and the echo returns every
// byte in order. MSG_MORE (try_send_more) holds one write the same way.
TEST(ApiRuntime, CorkHoldsShortWritesUntilUncorked_Rfc9293_3_7_4) {
  EchoPair p;
  Host& a = p.a;
  auto s = a.rt->connect({kB, 7}, Duration::seconds(5));
  ASSERT_TRUE(s.has_value()) << s.error();
  auto sent = [&] {
    const tcp::Connection* c = a.stack->connection(s->id());
    return static_cast<uint32_t>(c->snd().nxt - c->snd().una) + static_cast<uint32_t>(c->snd().una - c->snd().iss - 1);
  };
  ASSERT_TRUE(s->set_nodelay(true).has_value());
  ASSERT_TRUE(s->set_cork(true).has_value());
  auto data = pattern(30);
  ASSERT_EQ(s->try_send({data.data(), 10}).value(), 10u);
  ASSERT_EQ(s->try_send({data.data() + 10, 20}).value(), 20u);
  EXPECT_EQ(sent(), 0u);  // corked: nothing has left
  ASSERT_TRUE(s->set_cork(false).has_value());
  EXPECT_EQ(sent(), 30u);  // one segment, at once
  std::vector<uint8_t> back(data.size());
  auto r = s->recv_all(back, Duration::seconds(5));
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_EQ(back, data);
  // MSG_MORE: held without a cork, until a send without it.
  ASSERT_EQ(s->try_send_more({data.data(), 10}).value(), 10u);
  EXPECT_EQ(sent(), 30u);
  ASSERT_EQ(s->try_send({data.data() + 10, 20}).value(), 20u);
  EXPECT_EQ(sent(), 60u);
  std::vector<uint8_t> again(30);
  auto r2 = s->recv_all(again, Duration::seconds(5));
  ASSERT_TRUE(r2.has_value()) << r2.error();
  EXPECT_EQ(again, data);
  auto ch = s->chronos();  // the 30 bytes were queued, then acknowledged
  ASSERT_TRUE(ch.has_value());
  EXPECT_EQ(ch->rwnd_limited_us, 0u);
  EXPECT_EQ(ch->sndbuf_limited_us, 0u);
  s->close();
  EXPECT_FALSE(s->chronos().has_value());
  EXPECT_EQ(s->set_cork(true).error(), Error::NotConnected);
}

// RFC 9293 §3.8.3 MUST-20, MUST-21: the application sets R2 for its
// connection. The peer falls silent; with a 1 s user timeout the connection
// gives up with TimedOut after about a second of retransmissions, where the
// stack's R2 (100 s and at least 8 retransmissions) would still be trying.
TEST(ApiRuntime, UserTimeoutEndsRetransmissionsEarly_Rfc9293_3_8_3_MUST21) {
  ListeningPeer p([](ListeningPeer& q, api::Socket&) {
    q.links.second->drop_all = true;  // before A sends anything: nothing it sends is acknowledged
    q.silent = true;
  });
  Host& a = p.a;
  auto s = a.rt->connect({kB, 7}, Duration::seconds(5));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->set_user_timeout(Duration::millis(-1)).error(), Error::InvalidArgument);
  EXPECT_EQ(s->set_user_timeout(Duration::micros(1500)).error(), Error::InvalidArgument);
  EXPECT_EQ(s->set_user_timeout(Duration::millis(int64_t{UINT32_MAX} + 1)).error(), Error::InvalidArgument);
  ASSERT_TRUE(s->set_user_timeout(Duration::seconds(1)).has_value());
  for (int i = 0; i < 500 && !p.silent; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(p.silent.load());
  auto t0 = a.rt->now();
  ASSERT_TRUE(s->send(pattern(100), Duration::seconds(1)).has_value());
  EXPECT_TRUE(a.rt->run_until([&] { return s->state() == tcp::State::Closed; }, Duration::seconds(10)));
  EXPECT_EQ(s->error(), Error::TimedOut);
  EXPECT_LT(a.rt->now() - t0, Duration::seconds(5));
}

// Per-connection buffer sizes: on the listener (inherited by accepted
// sockets, before the SYN,ACK), before the SYN (Runtime::open's options),
// and on a socket; 0 and sizes past tcp::Connection::kMaxBuffer are refused.
TEST(ApiRuntime, BufferSizesPerSocketAndInheritedFromTheListener_Rfc7323_2_2) {
  auto [la, lb] = testing::socket_link_pair();
  Host a(kA, *la, 100), b(kB, *lb, 300);
  auto l = b.rt->listen(7);
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->set_recv_buffer(0).error(), Error::InvalidArgument);
  EXPECT_EQ(l->set_send_buffer(tcp::Connection::kMaxBuffer + 1).error(), Error::InvalidArgument);
  ASSERT_TRUE(l->set_recv_buffer(8000).has_value());
  ASSERT_TRUE(l->set_send_buffer(3000).has_value());
  std::promise<std::pair<uint32_t, uint32_t>> accepted;
  std::thread peer([&] {
    auto s = l->accept(Duration::seconds(5));
    ASSERT_TRUE(s.has_value());
    accepted.set_value({s->send_buffer(), s->recv_buffer()});
    b.rt->run();
  });
  auto s = a.rt->open({kB, 7}, 0, {0, 16384});
  ASSERT_TRUE(s.has_value());
  ASSERT_TRUE(s->wait_connected(Duration::seconds(5)).has_value());
  auto [snd, rcv] = accepted.get_future().get();
  EXPECT_EQ(snd, 3000u);
  EXPECT_EQ(rcv, 8760u);  // 8000 in whole segments of 1460
  EXPECT_EQ(a.stack->connection(s->id())->snd().wscale, 0);  // offered by the listener's 8000
  EXPECT_EQ(a.stack->connection(s->id())->rcv().wscale, 0);  // chosen by our 16384
  EXPECT_EQ(s->recv_buffer(), 17520u);
  auto info = s->info();  // TCP_INFO's counterpart
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->state, tcp::State::Established);
  EXPECT_EQ(info->snd_mss, 1448u);  // 1460 less the timestamp option (MUST-16)
  EXPECT_EQ(info->rcv_wscale, 0);
  EXPECT_EQ(s->set_send_buffer(0).error(), Error::InvalidArgument);
  EXPECT_EQ(s->set_recv_buffer(0xffffffffu).error(), Error::InvalidArgument);
  ASSERT_TRUE(s->set_send_buffer(2000).has_value());
  EXPECT_EQ(s->send_buffer(), 2000u);
  std::vector<uint8_t> data = pattern(5000);
  EXPECT_EQ(s->try_send(data).value(), 2000u);
  ASSERT_TRUE(s->set_recv_buffer(65536).has_value());
  EXPECT_EQ(s->recv_buffer(), 65700u);  // 45 segments of 1460
  s->close();
  EXPECT_EQ(s->set_send_buffer(1000).error(), Error::NotConnected);
  EXPECT_FALSE(s->info().has_value());
  b.rt->stop();
  peer.join();
}

// Per-connection choices through the API: a listener's congestion control
// (RFC 9438), Nagle off (RFC 9293 MUST-17) and R2 (MUST-21) reach the
// connections it accepts, Runtime::open's options the client's; the
// stack-wide default (NewReno) stays for the others.
TEST(ApiRuntime, ListenerOptionsReachAcceptedConnections_Rfc9438_Rfc9293_MUST17_MUST21) {
  ListeningPeer p;
  Host& a = p.a;
  ASSERT_TRUE(p.listener);
  api::Listener& l = *p.listener;
  ASSERT_TRUE(l.set_congestion_control(tcp::CcAlgorithm::Cubic).has_value());
  EXPECT_EQ(l.set_user_timeout(Duration::millis(-5)).error(), Error::InvalidArgument);
  ASSERT_TRUE(l.set_user_timeout(Duration::seconds(7)).has_value());
  ASSERT_TRUE(l.set_nodelay(true).has_value());
  std::atomic<tcp::CcAlgorithm> cc = tcp::CcAlgorithm::NewReno;
  std::atomic<bool> nagle = true;
  std::atomic<int64_t> r2_ms = 0;
  p.start([&](ListeningPeer& q, api::Socket& s) {
    const tcp::Connection* c = q.b.stack->connection(s.id());
    nagle = c->nagle();
    r2_ms = c->user_timeout().ms();
    cc = c->congestion_control();
  });
  stack::ConnOptions opts;
  opts.congestion_control = tcp::CcAlgorithm::Cubic;
  auto s = a.rt->open({kB, 7}, 0, opts);
  ASSERT_TRUE(s.has_value());
  auto plain = a.rt->open({kB, 7});
  ASSERT_TRUE(plain.has_value());
  ASSERT_TRUE(s->wait_connected(Duration::seconds(5)).has_value());
  ASSERT_TRUE(p.wait_handled());
  EXPECT_EQ(cc.load(), tcp::CcAlgorithm::Cubic);  // the listener's set_congestion_control
  EXPECT_FALSE(nagle.load());                      // set_nodelay
  EXPECT_EQ(r2_ms.load(), 7000);                   // and set_user_timeout
  EXPECT_EQ(a.stack->connection(s->id())->congestion_control(), tcp::CcAlgorithm::Cubic);
  EXPECT_EQ(a.stack->connection(plain->id())->congestion_control(), tcp::CcAlgorithm::NewReno);
  s->close();
  plain->close();
}

// RFC 9293 §3.8.4 MUST-24: keep-alive per connection, here for the
// connections a listener accepts (Linux's and FreeBSD's accepted sockets
// inherit SO_KEEPALIVE and its parameters), with the FIN-WAIT-2 timeout
// (TCP_LINGER2) and TCP_DEFER_ACCEPT beside it; values out of range are
// refused by the listener and by the socket alike.
TEST(ApiRuntime, ListenerKeepAliveFinWait2AndDeferAcceptReachAcceptedConnections_Rfc9293_3_8_4_MUST24) {
  ListeningPeer p;
  Host& a = p.a;
  ASSERT_TRUE(p.listener);
  api::Listener& l = *p.listener;
  EXPECT_EQ(l.set_keepalive_params(Duration::seconds(5), Duration::millis(1500), 3).error(),
            Error::InvalidArgument);
  EXPECT_EQ(l.set_fin_wait_2_timeout(Duration::seconds(121)).error(), Error::InvalidArgument);
  ASSERT_TRUE(l.set_keepalive_params(Duration::seconds(5), Duration::seconds(2), 3).has_value());
  ASSERT_TRUE(l.set_keepalive(true).has_value());
  ASSERT_TRUE(l.set_fin_wait_2_timeout(Duration::seconds(9)).has_value());
  EXPECT_EQ(l.set_defer_accept(Duration::millis(1500)).error(), Error::InvalidArgument);
  ASSERT_TRUE(l.set_defer_accept(Duration::seconds(3)).has_value());
  std::atomic<bool> keepalive = false;
  std::atomic<int64_t> idle_s = 0, fin_wait_2_s = 0, defer_s = 0;
  std::atomic<uint32_t> probes = 0;
  p.start([&](ListeningPeer& q, api::Socket& s) {
    const tcp::Connection* c = q.b.stack->connection(s.id());
    keepalive = c->keepalive();
    idle_s = c->keepalive_idle().us() / 1'000'000;
    probes = c->keepalive_probes();
    fin_wait_2_s = c->fin_wait_2_timeout().us() / 1'000'000;
    defer_s = c->defer_accept().us() / 1'000'000;
  });
  auto s = a.rt->connect({kB, 7}, Duration::seconds(5));
  ASSERT_TRUE(s.has_value());
  uint8_t hello = 'h';  // the deferred accept waits for data
  ASSERT_EQ(s->try_send({&hello, 1}).value(), 1u);
  ASSERT_TRUE(p.wait_handled());
  EXPECT_EQ(defer_s.load(), 3);
  EXPECT_TRUE(keepalive.load());
  EXPECT_EQ(idle_s.load(), 5);
  EXPECT_EQ(probes.load(), 3u);
  EXPECT_EQ(fin_wait_2_s.load(), 9);
  // The client's socket sets its own FIN-WAIT-2 timeout.
  EXPECT_EQ(s->set_fin_wait_2_timeout(Duration::millis(2500)).error(), Error::InvalidArgument);
  EXPECT_EQ(s->set_fin_wait_2_timeout(Duration::seconds(-1)).error(), Error::InvalidArgument);
  ASSERT_TRUE(s->set_fin_wait_2_timeout(Duration::seconds(4)).has_value());
  EXPECT_EQ(a.stack->connection(s->id())->fin_wait_2_timeout(), Duration::seconds(4));
  ASSERT_TRUE(s->set_fin_wait_2_timeout(Duration::zero()).has_value());  // back to the stack's
  EXPECT_EQ(a.stack->connection(s->id())->fin_wait_2_timeout(), a.stack->config().tcp.fin_wait_2_timeout);
  s->close();
  EXPECT_EQ(s->set_fin_wait_2_timeout(Duration::seconds(4)).error(), Error::NotConnected);
}

TEST(ApiRuntime, ConnectDeadlineAbortsTheAttempt) {
  auto [la, lb] = testing::socket_link_pair();
  la->drop_all = true;
  Host a(kA, *la, 100);
  auto t0 = a.rt->now();
  auto s = a.rt->connect({kB, 9}, Duration::millis(300));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error(), Error::Deadline);
  EXPECT_EQ(api::to_string(s.error()), "timed out");
  Duration took = a.rt->now() - t0;
  EXPECT_GE(took, Duration::millis(300));
  EXPECT_LT(took, Duration::millis(600));
  EXPECT_EQ(a.stack->connection_count(), 0u);  // aborted, not left retrying
}

TEST(ApiRuntime, BlockingCallsInsideCallbacksWouldBlock) {
  auto [la, lb] = testing::socket_link_pair();
  Host a(kA, *la, 100);
  auto l = a.rt->listen(80);
  ASSERT_TRUE(l.has_value());
  std::optional<Error> seen;
  l->on_accept([&] {
    auto r = l->accept(Duration::seconds(1));
    if (!r) seen = r.error();
  });
  a.rt->run_for(Duration::millis(5));
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(*seen, Error::WouldBlock);
}

TEST(ApiRuntime, DataBeforeAcceptIsReadableAtOnce) {
  auto [la, lb] = testing::socket_link_pair();
  Host a(kA, *la, 100), b(kB, *lb, 300);
  auto l = b.rt->listen(5000);
  ASSERT_TRUE(l.has_value());
  std::atomic<bool> sent{false};
  std::thread client([&] {
    auto s = a.rt->connect({kB, 5000}, Duration::seconds(5));
    ASSERT_TRUE(s.has_value());
    ASSERT_TRUE(s->send(base::as_bytes("hello", 5)).has_value());
    ASSERT_TRUE(s->shutdown().has_value());
    ASSERT_TRUE(s->wait_sent(Duration::seconds(5)).has_value());
    sent = true;
    uint8_t b1[8];
    (void)s->recv(b1, Duration::seconds(5));  // until the server closes
  });
  // Let the data arrive before anyone accepts.
  ASSERT_TRUE(b.rt->run_until([&] { return sent.load(); }, Duration::seconds(5)));
  auto s = l->accept(Duration::seconds(1));
  ASSERT_TRUE(s.has_value());
  std::string got;
  s->on_readable([&] {
    uint8_t buf[16];
    while (auto n = s->try_recv(buf)) {
      if (*n == 0) {
        got += "<eof>";
        break;
      }
      got.append(reinterpret_cast<char*>(buf), *n);
    }
  });
  ASSERT_TRUE(b.rt->run_until([&] { return got.find("<eof>") != std::string::npos; }, Duration::seconds(2)));
  EXPECT_EQ(got, "hello<eof>");
  s->close();
  b.rt->run_for(Duration::millis(50));
  client.join();
}

TEST(ApiRuntime, LossyLinkStillDeliversEverything) {
  auto [la, lb] = testing::socket_link_pair();
  link::ImpairmentConfig ic;
  ic.loss = 0.05;
  ic.seed = 7;
  link::Impairment lossy(*la, ic);
  Host a(kA, lossy, 100), b(kB, *lb, 300);
  auto l = b.rt->listen(9);
  ASSERT_TRUE(l.has_value());
  auto data = pattern(300'000);
  std::thread client([&] {
    auto s = a.rt->connect({kB, 9}, Duration::seconds(10));
    ASSERT_TRUE(s.has_value()) << s.error();
    ASSERT_TRUE(s->send(data, Duration::seconds(30)).has_value());
    ASSERT_TRUE(s->shutdown().has_value());
    ASSERT_TRUE(s->wait_sent(Duration::seconds(30)).has_value());
  });
  auto s = l->accept(Duration::seconds(10));
  ASSERT_TRUE(s.has_value());
  std::vector<uint8_t> got(data.size() + 1);
  auto n = s->recv_all(got, Duration::seconds(60));
  ASSERT_TRUE(n.has_value()) << n.error();
  got.resize(*n);
  EXPECT_EQ(got, data);
  EXPECT_GT(lossy.counters().out_dropped + lossy.counters().in_dropped, 0u);
  s->close();
  b.rt->run_for(Duration::millis(20));
  client.join();
}

}  // namespace
}  // namespace synack
