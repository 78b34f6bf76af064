#include "bench_support/bulk.h"

#include <string>
#include <vector>

#include "bench_support/measure.h"
#include "bench_support/net.h"
#include "bench_support/pattern.h"

namespace synack::bench {

namespace {

constexpr uint16_t kPort = 5001;
constexpr size_t kClient = 1;

class BulkApp final : public StackApp {
 public:
  explicit BulkApp(BenchNet& net) : net_(net), buf_(32 * 1024) {
    if (!net.server().listen(kPort, 16)) throw BenchError("bulk: listen failed");
    net.set_app(this);
  }
  ~BulkApp() override { net_.set_app(nullptr); }

  void connect() {
    auto id = net_.stack(kClient).connect(net_.now(), {BenchNet::addr_of(BenchNet::kServer), kPort});
    if (!id) throw BenchError("bulk: connect failed");
    client_ = *id;
    net_.touched(kClient);
  }
  // Send `bytes` more (the receiver expects them too).
  void start_sending(uint64_t bytes) {
    bytes_ += bytes;
    sending_ = true;
    pump();
    net_.touched(kClient);
  }
  void close_client() {
    net_.stack(kClient).close(net_.now(), client_);
    client_closed_ = true;
    net_.touched(kClient);
  }

  bool established() const { return connected_ && server_.valid(); }
  uint64_t received() const { return rx_; }
  bool server_closed() const { return server_closed_; }

  void on_activity(size_t i) override {
    stack::Stack& s = net_.stack(i);
    while (auto e = s.poll_event()) {
      if (e->kind == stack::StackEvent::Kind::Acceptable) {
        if (auto id = s.accept(e->port)) server_ = *id;
        if (server_.valid()) drain();
        continue;
      }
      if (i == kClient && e->conn == client_ && !client_closed_) client_event(e->event);
      if (i == BenchNet::kServer && e->conn == server_ && !server_closed_) server_event(e->event);
    }
  }

 private:
  void client_event(const tcp::Event& e) {
    switch (e.kind) {
      case tcp::EventKind::Connected: connected_ = true; break;
      case tcp::EventKind::Writable: pump(); break;
      case tcp::EventKind::Closed:
        throw BenchError(std::string("bulk: sender closed: ") +
                         (e.error ? std::string(tcp::to_string(*e.error)) : "no error"));
      case tcp::EventKind::PeerClosed: throw BenchError("bulk: receiver closed first");
      case tcp::EventKind::DeliveryTrouble: throw BenchError("bulk: sender reports delivery trouble");
      case tcp::EventKind::SoftError: throw BenchError("bulk: sender got an ICMP error");
      case tcp::EventKind::Readable:
      case tcp::EventKind::Urgent:
      case tcp::EventKind::StateChanged: break;
    }
  }
  void server_event(const tcp::Event& e) {
    switch (e.kind) {
      case tcp::EventKind::Readable: drain(); break;
      case tcp::EventKind::PeerClosed:
        drain();
        if (rx_ != bytes_) throw BenchError("bulk: sender closed before all data arrived");
        server_closed_ = true;
        net_.server().close(net_.now(), server_);
        break;
      case tcp::EventKind::Closed:
        throw BenchError(std::string("bulk: receiver closed: ") +
                         (e.error ? std::string(tcp::to_string(*e.error)) : "no error"));
      case tcp::EventKind::DeliveryTrouble: throw BenchError("bulk: receiver reports delivery trouble");
      case tcp::EventKind::SoftError: throw BenchError("bulk: receiver got an ICMP error");
      case tcp::EventKind::Connected:
      case tcp::EventKind::Writable:
      case tcp::EventKind::Urgent:
      case tcp::EventKind::StateChanged: break;
    }
  }
  void pump() {
    if (!sending_) return;
    stack::Stack& s = net_.stack(kClient);
    while (tx_ < bytes_) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(bytes_ - tx_, 64 * 1024));
      auto r = s.send(net_.now(), client_, base::Bytes(Pattern::at(tx_), n));
      if (!r) throw BenchError("bulk: send failed: " + std::string(tcp::to_string(r.error())));
      tx_ += *r;
      if (*r < n) return;  // the send buffer is full (a short write, as a socket's)
    }
  }
  // The receiver keeps its buffer posted (Stack::post_recv): text lands in it
  // straight from the packet, the one copy on the way in, as the lwIP
  // anchor's application copies each pbuf once.
  void drain() {
    stack::Stack& s = net_.server();
    for (int i = 0; i < 1'000'000; ++i) {  // ends with the buffer posted again
      auto landed = s.take_posted(server_);
      if (!landed) throw BenchError("bulk: take_posted failed: " + std::string(tcp::to_string(landed.error())));
      consume(*landed);
      auto r = s.post_recv(net_.now(), server_, buf_);
      if (!r) {
        if (r.error() == tcp::Error::ConnectionClosing) return;
        throw BenchError("bulk: recv failed: " + std::string(tcp::to_string(r.error())));
      }
      if (*r == 0) return;  // posted
      consume(*r);          // queued text, read at once
    }
  }
  void consume(size_t n) {
    if (n == 0) return;
    if (rx_ + n > bytes_) throw BenchError("bulk: received more than was sent");
    if (!Pattern::check({buf_.data(), n}, rx_)) throw BenchError(strf("bulk: data mismatch near offset %llu", (unsigned long long)rx_));
    rx_ += n;
  }

  BenchNet& net_;
  uint64_t bytes_ = 0;  // to send and to receive so far
  std::vector<uint8_t> buf_;
  stack::ConnId client_, server_;
  uint64_t tx_ = 0, rx_ = 0;
  bool sending_ = false, connected_ = false, client_closed_ = false, server_closed_ = false;
};

template <class Done>
void drive(BenchNet& net, LoopGuard& guard, Done done) {
  while (!done()) {
    guard.tick();
    if (!net.deliver_one() && !net.stall()) throw BenchError("bulk: deadlock (wire idle, no timer pending)");
  }
}

NetConfig bulk_config(uint32_t mss) {
  if (mss < 64 || mss > 65495) throw BenchError("bulk: mss must be in 64..65495");
  NetConfig nc;
  nc.stack.mtu = static_cast<uint16_t>(mss + 40);
  nc.stack.tcp.mss = static_cast<uint16_t>(mss);
  return nc;
}

}  // namespace

struct BulkSession::Impl {
  Impl(uint32_t mss, double timeout) : net(bulk_config(mss)), app(net), timeout_s(timeout) {}
  BenchNet net;
  BulkApp app;
  double timeout_s;
};

BulkSession::BulkSession(uint32_t mss, double timeout_s) : impl_(std::make_unique<Impl>(mss, timeout_s)) {
  LoopGuard setup("bulk handshake", 100'000, timeout_s);
  impl_->app.connect();
  drive(impl_->net, setup, [&] { return impl_->app.established() && impl_->net.in_flight() == 0; });
}

BulkSession::~BulkSession() = default;

void BulkSession::transfer(uint64_t bytes) {
  BenchNet& net = impl_->net;
  BulkApp& app = impl_->app;
  uint64_t want = app.received() + bytes;
  LoopGuard guard("bulk transfer", 1'000'000 + bytes / 16, impl_->timeout_s);
  app.start_sending(bytes);
  drive(net, guard, [&] { return app.received() == want; });
}

void BulkSession::close() {
  BenchNet& net = impl_->net;
  LoopGuard closing("bulk close", 1'000'000, impl_->timeout_s);
  impl_->app.close_client();
  drive(net, closing, [&] { return impl_->app.server_closed() && net.in_flight() == 0; });
  if (net.server().connection_count() != 0) throw BenchError("bulk: the receiver's connection did not close");
  for (size_t i = 0; i < net.stack_count(); ++i) {
    if (net.stack(i).counters().rst_out != 0) throw BenchError("bulk: a stack sent a RST");
  }
}

uint64_t BulkSession::packets() const { return impl_->net.packets(); }
uint64_t BulkSession::stalls() const { return impl_->net.stalls(); }
const NetConfig& BulkSession::config() const { return impl_->net.config(); }

BulkResult run_bulk(const BulkParams& p) {
  if (p.bytes == 0) throw BenchError("bulk: bytes must be > 0");
  BulkSession session(p.mss, p.timeout_s);
  BulkResult res;
  res.bytes = p.bytes;
  uint64_t packets0 = session.packets(), stalls0 = session.stalls();
  Stopwatch sw;
  sw.start();
  session.transfer(p.bytes);
  sw.stop();
  res.packets = session.packets() - packets0;
  res.stalls = session.stalls() - stalls0;
  res.wall_s = sw.wall_s();
  res.cpu_s = sw.cpu_s();
  session.close();  // not timed: the receiver closes after end of stream

  const double gib = static_cast<double>(p.bytes) / static_cast<double>(uint64_t{1} << 30);
  Report& r = res.report;
  r.note(strf("synack bulk: bytes=%llu mss=%u mtu=%u rx=verify (32 KiB app buffer, posted) send_buffer=%u recv_buffer=%u "
              "clock=virtual",
              (unsigned long long)p.bytes, p.mss, p.mss + 40, session.config().stack.tcp.send_buffer,
              session.config().stack.tcp.recv_buffer));
  r.note(strf("packets=%llu (%.3f M per GiB) stalls=%llu cpu_s=%.4f", (unsigned long long)res.packets,
              static_cast<double>(res.packets) / gib / 1e6, (unsigned long long)res.stalls, res.cpu_s));
  r.add("bytes", p.bytes);
  r.add("gbit_per_s", static_cast<double>(p.bytes) * 8.0 / res.wall_s / 1e9, 3);
  r.add("cpu_s_per_gib", res.cpu_s / gib, 4);
  r.add("wall_s", res.wall_s, 4);
  r.add("errors", uint64_t{0});
  r.add("mss", uint64_t{p.mss});
  r.add("stalls", res.stalls);
  r.add("packets_per_mib", static_cast<double>(res.packets) / (gib * 1024), 1);
  return res;
}

}  // namespace synack::bench
